"""What this server handles at run time: Prometheus counters and the coverage sightings.

Every request and room message is counted in Prometheus (``videoplanet_http_requests_total``,
``videoplanet_ws_messages_total``). For the coverage matrix's "seen at runtime", each
process also remembers in memory which documented operations and message types it
handled successfully, and writes them to the ``Sighting`` table at most once per
``MONITORING_SEEN_FLUSH_SECONDS``: one small upsert per process per interval, not a
write per request.

Why a table and not the Prometheus counters: the dashboard runs in one process, and
counters live per process (or, in multiprocess mode, per host, wiped at each start).
Rows in the shared database are the union of every process on every host and survive
restarts; a crashed process loses at most one interval of sightings.

The HTTP middleware flushes after a response; a process that only serves WebSockets
flushes when a client connects (the room consumer already makes a database hop there).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from prometheus_client import Counter

from videoplanet.realtime.events import CLIENT_MESSAGES, SERVER_EVENTS

logger = logging.getLogger(__name__)

http_requests = Counter(
    "videoplanet_http_requests",
    "HTTP requests served, by method, OpenAPI path template (or 'other') and status.",
    ["method", "endpoint", "status"],
)
ws_messages = Counter(
    "videoplanet_ws_messages",
    "Room messages that passed their schema, by type and direction (server's view).",
    ["type", "direction"],
)
# Label values come from closed sets, whatever a message claims to be.
UNKNOWN = "unknown"
MESSAGE_TYPES = frozenset([*SERVER_EVENTS, *CLIENT_MESSAGES])
DIRECTIONS = frozenset({"incoming", "outgoing"})


class Sightings:
    """The (method, endpoint) pairs this process handled since its last flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str], datetime] = {}
        self._flushed = time.monotonic()

    def mark(self, method: str, endpoint: str) -> None:
        with self._lock:
            self._pending[(method, endpoint)] = timezone.now()

    def due(self) -> bool:
        interval = float(settings.MONITORING_SEEN_FLUSH_SECONDS)
        return bool(self._pending) and time.monotonic() - self._flushed >= interval

    def flush(self) -> None:
        """Write the pending sightings; on a database error keep them for the next try."""
        from .services import sightings_record

        with self._lock:
            pending, self._pending = self._pending, {}
            self._flushed = time.monotonic()
        if not pending:
            return
        try:
            sightings_record(seen=[(m, e, when) for (m, e), when in pending.items()])
        except Exception:
            logger.exception("recording %d sightings failed; will retry", len(pending))
            with self._lock:
                for key, when in pending.items():
                    self._pending[key] = max(when, self._pending.get(key, when))

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._flushed = time.monotonic()


sightings = Sightings()


def ws_message_observed(type_: str, direction: str) -> None:
    """A room message that passed its schema was sent (outgoing) or received (incoming).

    A type the AsyncAPI document does not know is counted as ``unknown`` and is no
    sighting, so no client can add label values or coverage rows."""
    known = type_ in MESSAGE_TYPES
    ws_messages.labels(
        type=type_ if known else UNKNOWN,
        direction=direction if direction in DIRECTIONS else UNKNOWN,
    ).inc()
    if known:
        sightings.mark("WS", type_)
