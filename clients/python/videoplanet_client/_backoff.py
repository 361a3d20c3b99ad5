"""How long to wait before the next attempt: exponential, capped, with jitter.

Used by the HTTP retries of idempotent calls and by the room's reconnects.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """Attempt n (0-based) waits between half and all of ``min(cap, base * factor**n)``.

    Half of the delay is jitter ("equal jitter"): clients that lost the same server do
    not come back in lockstep, and no attempt follows its failure immediately.
    """

    base: float = 0.5
    factor: float = 2.0
    cap: float = 30.0

    def __post_init__(self) -> None:
        if self.base < 0 or self.cap < 0 or self.factor < 1:
            raise ValueError("Backoff needs base >= 0, cap >= 0 and factor >= 1")

    def ceiling(self, attempt: int) -> float:
        """The longest wait before attempt ``attempt + 1``."""
        if attempt < 0:
            raise ValueError("attempt must be >= 0")
        try:
            return min(self.cap, self.base * self.factor**attempt)
        except OverflowError:  # a very late attempt: the power no longer fits a float
            return self.cap

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """The wait before attempt ``attempt + 1``; ``rand`` returns a value in [0, 1)."""
        ceiling = self.ceiling(attempt)
        return ceiling / 2 + ceiling / 2 * rand()
