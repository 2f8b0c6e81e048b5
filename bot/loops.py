"""Background work of the cogs: a failure is logged and the loop goes on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


async def logged(what: str, work: Awaitable[T]) -> T | None:
    try:
        return await work
    except Exception:
        log.exception("background task %s failed", what)
        return None
