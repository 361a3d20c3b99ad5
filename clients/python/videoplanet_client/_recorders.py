"""Where violations go: ``LoggingRecorder`` logs them, ``MemoryRecorder`` keeps them,
``FanOutRecorder`` hands each to several."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable

from ._violations import ContractViolation, ViolationRecorder


class LoggingRecorder:
    """Logs each violation as a warning on ``logger`` (``videoplanet_client.contract``)."""

    def __init__(self, logger: logging.Logger | str = "videoplanet_client.contract") -> None:
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger

    def record(self, violation: ContractViolation) -> None:
        status = f" -> {violation.status}" if violation.status is not None else ""
        self.logger.warning(
            "contract violation (%s, %s %s): %s %s%s: %s",
            violation.source,
            violation.direction,
            violation.type,
            violation.method,
            violation.endpoint,
            status,
            "; ".join(violation.errors),
        )


class MemoryRecorder:
    """Keeps the latest ``keep`` violations in memory (tests, debugging)."""

    def __init__(self, keep: int = 1000) -> None:
        self._items: deque[ContractViolation] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def record(self, violation: ContractViolation) -> None:
        with self._lock:
            self._items.append(violation)

    @property
    def violations(self) -> list[ContractViolation]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class FanOutRecorder:
    """Hands each violation to several recorders; one failing does not stop the others."""

    def __init__(self, recorders: Iterable[ViolationRecorder]) -> None:
        self.recorders = tuple(recorders)

    def record(self, violation: ContractViolation) -> None:
        for recorder in self.recorders:
            try:
                recorder.record(violation)
            except Exception:
                logging.getLogger(__name__).exception("violation recorder %r failed", recorder)
