"""Background work of the cogs: a failure is logged (an unreachable state database in one line) and the loop
goes on."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TypeVar

from search.store import StoreUnavailableError

log = logging.getLogger(__name__)
T = TypeVar("T")


async def logged(what: str, work: Awaitable[T]) -> T | None:
    try:
        return await work
    except StoreUnavailableError as error:  # an outage, not a bug: the store logged its cause
        log.warning("background task %s skipped: %s", what, error)
        return None
    except Exception:
        log.exception("background task %s failed", what)
        return None
