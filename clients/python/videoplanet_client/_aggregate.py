"""What the monitor keeps per key between reports, and the times and texts it reports."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

_COUNTED_ERRORS = 200
"""Distinct errors of one key counted (by hash) beyond the kept ones; more saturate."""


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    """``2026-11-23T09:59:01Z``: UTC, to the second."""
    return _aware(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class _Entry:
    """What the monitor knows about one key since its last accepted report."""

    endpoint: str
    method: str
    type: str
    direction: str
    count: int
    first_seen: datetime
    last_seen: datetime
    errors: dict[str, None] = field(default_factory=dict)
    """The first distinct errors, in the order seen (a dict keeps that order)."""
    uncounted: set[int] = field(default_factory=set)
    """Hashes of the distinct errors seen but not kept, so ``uniqueErrors`` stays true."""

    def add_error(self, error: str, keep: int) -> None:
        if error in self.errors:
            return
        if len(self.errors) < keep:
            self.errors[error] = None
        elif len(self.uncounted) < _COUNTED_ERRORS:
            self.uncounted.add(hash(error))

    def absorb(self, newer: _Entry, keep: int) -> None:
        """Add what ``newer`` saw of the same key, keeping this entry's errors first."""
        self.count += newer.count
        self.first_seen = min(self.first_seen, newer.first_seen)
        self.last_seen = max(self.last_seen, newer.last_seen)
        for error in newer.errors:
            self.add_error(error, keep)
        kept = {hash(error) for error in self.errors}
        for digest in newer.uncounted - kept:
            if len(self.uncounted) >= _COUNTED_ERRORS:
                break
            self.uncounted.add(digest)

    def to_report(self, key: str) -> dict[str, Any]:
        return {
            "key": key,
            "endpoint": self.endpoint,
            "method": self.method,
            "type": self.type,
            "direction": self.direction,
            "count": self.count,
            "firstSeen": _iso(self.first_seen),
            "lastSeen": _iso(self.last_seen),
            "uniqueErrors": len(self.errors) + len(self.uncounted),
            "errors": list(self.errors),
        }


@dataclass(slots=True)
class _Rate:
    """The latest ``threshold + 1`` violations of a key: (monotonic, wall) times."""

    recent: deque[tuple[float, datetime]]
    quiet_until: float = -math.inf
