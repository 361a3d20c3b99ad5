"""The hourly usage counts as the portable ``videoplanet-usage/1`` document.

``manage.py usage_export`` prints it; ``python -m videoplanet.contracts impact --usage``
and the dashboard's "fields no consumer used" panel read it (``videoplanet.apidiff.usage``).

The document's window starts where the data does: asked for 30 days on a server that
has counted for two, it says two days, so the impact gate cannot call a consumer
Unaffected on evidence it does not have.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Max, Min, Q, Sum
from django.utils import timezone

from videoplanet.apidiff.usage import FORMAT

from .models import UsageHour
from .usage import OTHER


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def usage_rows(
    *, window: timedelta, now: datetime, recent: datetime | None = None
) -> list[dict[str, Any]]:
    """One query: per consumer, version, operation, kind and name, the count of the hours
    within ``window`` before ``now`` (and in ``recent``, the part since that moment)."""
    extra: dict[str, Any] = {}
    if recent is not None:
        extra["recent"] = Sum("count", filter=Q(hour__gte=recent))
    rows = (
        UsageHour.objects.filter(hour__gte=now - window - timedelta(hours=1), hour__lte=now)
        .values("consumer", "version", "operation", "kind", "name")
        .annotate(total=Sum("count"), first=Min("hour"), last=Max("hour"), **extra)
        .order_by("consumer", "operation", "kind", "name")
    )
    return [dict(row) for row in rows]


def usage_document(
    *,
    window: timedelta,
    now: datetime | None = None,
    rows: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The document of ``usage_rows`` (queried unless given)."""
    end = now or timezone.now()
    asked = end - window
    if rows is None:
        rows = usage_rows(window=window, now=end)
    earliest = min((row["first"] for row in rows), default=end)
    start = max(asked, earliest)
    consumers: dict[str, Any] = {}
    for row in rows:
        consumer = consumers.setdefault(
            row["consumer"],
            {"versions": [], "operations": {}, "messages": {"received": {}, "sent": {}}},
        )
        if row["version"] not in consumer["versions"]:
            consumer["versions"].append(row["version"])
        kind, name, count = row["kind"], row["name"], row["total"]
        last = min(row["last"] + timedelta(hours=1), end)
        if kind in ("received", "sent"):
            seen = consumer["messages"][kind].setdefault(
                row["operation"], {"count": 0, "last_seen": _iso(last)}
            )
            seen["count"] += count
            seen["last_seen"] = max(seen["last_seen"], _iso(last))
            continue
        operation = consumer["operations"].setdefault(
            row["operation"],
            {"calls": 0, "query": {}, "request_fields": {}, "statuses": {}},
        )
        if kind == "call":
            operation["calls"] += count
            first = _iso(max(row["first"], start))
            operation["first_seen"] = min(operation.get("first_seen", first), first)
            operation["last_seen"] = max(operation.get("last_seen", _iso(last)), _iso(last))
        elif name != OTHER:  # undocumented names: counted, not exported
            place = {"query": "query", "field": "request_fields", "status": "statuses"}[kind]
            operation[place][name] = operation[place].get(name, 0) + count
    for consumer in consumers.values():
        consumer["versions"].sort()
    return {
        "format": FORMAT,
        "generated_at": _iso(end),
        "window": {"start": _iso(start), "end": _iso(end)},
        "consumers": consumers,
    }
