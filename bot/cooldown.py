"""Per-user cooldowns with an injected clock (so tests never sleep)."""

from __future__ import annotations

import time
from collections.abc import Callable


class Cooldown:
    """One use per ``seconds`` per user; ``retry_after`` records a use when it is allowed."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self._last: dict[int, float] = {}

    def retry_after(self, user_id: int) -> float | None:
        """None if the user may go ahead now (and the use is recorded), else the seconds left to wait."""
        now = self.clock()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:  # forget users whose cooldown has long passed
            self._last = {u: t for u, t in self._last.items() if now - t < self.seconds}
        return None
