"""Who uses what, at run time: per consumer and version, per documented operation.

A request names its consumer with ``X-Client: <name>/<version>`` (the web app sends
``VideoPlanet-Frontend/…``, the Python SDK ``VideoPlanet-Python-SDK/…``); an SDK that
only sends its ``User-Agent`` (``videoplanet-client/<version>``) is the SDK too. Anything
else, or a name or version outside ``^[A-Za-z0-9._-]{1,64}$`` / ``^[0-9A-Za-z.+-]{1,32}$``,
is ``unknown``.

Recorded, names only and never values: calls, the documented query parameter names and
request-body field paths it sent (in the diff's spelling, ``$.drawing_data.shapes[].type``;
any other name counts as ``other``), response status classes, and per room message type
how often each consumer's rooms received it and which client messages it sent. Like the
sightings (``.sightings``), the counts stay in memory and each process writes them at
most once per ``MONITORING_SEEN_FLUSH_SECONDS``, one upsert per hour row
(``services.usage_add``). Beyond ``USAGE_MAX_CLIENTS_PER_HOUR`` consumer/version pairs
in an hour, new pairs count as ``other/other``: each process caps what it holds in
memory, and ``usage_add`` holds the cap for the server as a whole when it writes (the
pairs already written for the hour first, under a lock, so processes never add up to
more).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from videoplanet.apidiff import impact, paths

from .sightings import MESSAGE_TYPES

logger = logging.getLogger(__name__)

UNKNOWN = "unknown"
OTHER = "other"
SDK = "VideoPlanet-Python-SDK"
_SDK_AGENT = re.compile(r"^videoplanet-client/([0-9A-Za-z.+-]{1,32})(?:\s|$)")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_VERSION = re.compile(r"^[0-9A-Za-z.+-]{1,32}$")
_MAX_DEPTH = 12

Key = tuple[datetime, str, str, str, str, str]  # hour, consumer, version, operation, kind, name


def identify(x_client: str | None, user_agent: str | None) -> tuple[str, str]:
    """``(consumer, version)`` from the ``X-Client`` and ``User-Agent`` headers."""
    if x_client:
        name, _, version = x_client.strip().partition("/")
        if _NAME.match(name) and _VERSION.match(version):
            return name, version
        return UNKNOWN, UNKNOWN
    match = _SDK_AGENT.match(user_agent or "")
    if match:
        return SDK, match.group(1)
    return UNKNOWN, UNKNOWN


def identify_scope(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str, str]:
    """The same, from an ASGI scope's handshake headers."""
    found: dict[bytes, str] = {}
    for name, value in headers:
        if name.lower() in (b"x-client", b"user-agent"):
            found[name.lower()] = value.decode("latin-1")
    return identify(found.get(b"x-client"), found.get(b"user-agent"))


@cache
def _documented() -> dict[str, dict[str, set[paths.Path]]]:
    from videoplanet.contracts.validator import committed_validator

    return impact.documented({"openapi": committed_validator().document})


def _field_paths(body: Any) -> set[paths.Path]:
    """Every distinct key path in ``body`` (down to ``_MAX_DEPTH``), without descending
    into numbers and strings: five drawn shapes hold the same few paths five times."""
    found: set[paths.Path] = set()
    pending: list[tuple[Any, paths.Path]] = [(body, ())]
    while pending:
        value, prefix = pending.pop()
        if len(prefix) >= _MAX_DEPTH:
            continue
        if isinstance(value, dict):
            for name, item in value.items():
                path = (*prefix, str(name))
                found.add(path)
                if isinstance(item, dict | list):
                    pending.append((item, path))
        elif isinstance(value, list):
            item_prefix = (*prefix, paths.ITEM)
            pending.extend((item, item_prefix) for item in value if isinstance(item, dict | list))
    return found


def field_names(operation: str, body: Any) -> set[str]:
    """The documented request-body paths ``body`` holds, ``other`` for any other key."""
    documented = _documented().get(operation, {}).get("request", set())
    names: set[str] = set()
    for path in _field_paths(body):
        if path in documented:
            names.add(paths.show(path))
        else:
            # A key under a map (additionalProperties) is the map's ``*``.
            mapped = (*path[:-1], paths.ANY_KEY)
            names.add(paths.show(mapped) if mapped in documented else OTHER)
    return names


def query_names(operation: str, names: Iterable[str]) -> set[str]:
    documented = _documented().get(operation, {}).get("query", set())
    return {name if (name,) in documented else OTHER for name in names}


def status_class(status: int) -> str:
    return f"{status // 100}xx" if 200 <= status < 600 else OTHER


class UsageRecorder:
    """The counts this process gathered since its last flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: Counter[Key] = Counter()
        self._pairs: dict[datetime, set[tuple[str, str]]] = {}
        self._flushed = time.monotonic()
        self._hour = datetime.min.replace(tzinfo=UTC)
        self._hour_ends = 0.0  # time.time() when self._hour is over

    def _current_hour(self) -> datetime:
        """The hour counts go to; recomputed once an hour (a room broadcast counts once
        per socket, and building the datetime each time was most of that cost)."""
        if time.time() >= self._hour_ends:
            now = timezone.now().astimezone(UTC)
            self._hour = now.replace(minute=0, second=0, microsecond=0)
            self._hour_ends = self._hour.timestamp() + 3600
        return self._hour

    def _client(self, hour: datetime, consumer: str, version: str) -> tuple[str, str]:
        """Within the per-hour cap, the pair itself; beyond it ``other/other``."""
        pairs = self._pairs.setdefault(hour, set())
        if (consumer, version) in pairs:
            return consumer, version
        if len(pairs) >= settings.USAGE_MAX_CLIENTS_PER_HOUR:
            return OTHER, OTHER
        pairs.add((consumer, version))
        return consumer, version

    def _add(
        self, client: tuple[str, str], rows: Iterable[tuple[str, str, str]], count: int = 1
    ) -> None:
        hour = self._current_hour()
        with self._lock:
            consumer, version = self._client(hour, *client)
            for operation, kind, name in rows:
                self._pending[(hour, consumer, version, operation, kind, name)] += count

    def call(
        self,
        client: tuple[str, str],
        operation: str,
        *,
        query: Iterable[str],
        body: Any,
        status: int,
    ) -> None:
        """A documented operation (``GET /api/v1/…``) answered with ``status``."""
        rows = [(operation, "call", ""), (operation, "status", status_class(status))]
        rows += [(operation, "query", n) for n in query_names(operation, query)]
        if isinstance(body, dict | list):
            rows += [(operation, "field", n) for n in field_names(operation, body)]
        self._add(client, rows)

    def message(self, client: tuple[str, str], type_: str, direction: str, count: int = 1) -> None:
        """A room message a consumer's socket received (``received``) or sent (``sent``);
        ``count``: that many sockets of the same consumer did (one room broadcast)."""
        if type_ in MESSAGE_TYPES and direction in ("received", "sent"):
            self._add(client, [(type_, direction, "")], count)

    def due(self) -> bool:
        interval = float(settings.MONITORING_SEEN_FLUSH_SECONDS)
        return bool(self._pending) and time.monotonic() - self._flushed >= interval

    def pending(self) -> Mapping[Key, int]:
        with self._lock:
            return dict(self._pending)

    def flush(self) -> None:
        """Write the pending counts; on a database error keep them for the next try."""
        from .services import usage_add

        with self._lock:
            pending, self._pending = self._pending, Counter()
            current = max(self._pairs, default=None)
            self._pairs = {current: self._pairs[current]} if current is not None else {}
            self._flushed = time.monotonic()
        if not pending:
            return
        try:
            usage_add(increments=pending)
        except Exception:
            logger.exception("recording %d usage counts failed; will retry", len(pending))
            with self._lock:
                self._pending.update(pending)

    def clear(self) -> None:
        with self._lock:
            self._pending.clear()
            self._pairs.clear()
            self._flushed = time.monotonic()


usage = UsageRecorder()
