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

from django.db.models import Max, Min, Sum
from django.utils import timezone

from videoplanet.apidiff.usage import FORMAT

from .models import UsageHour
from .usage import OTHER


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def usage_document(*, window: timedelta, now: datetime | None = None) -> dict[str, Any]:
    """One query: the counts of the hours that end within ``window`` before ``now``."""
    end = now or timezone.now()
    asked = end - window
    rows = list(
        UsageHour.objects.filter(hour__gte=asked - timedelta(hours=1), hour__lte=end)
        .values("consumer", "version", "operation", "kind", "name")
        .annotate(count=Sum("count"), first=Min("hour"), last=Max("hour"))
        .order_by("consumer", "operation", "kind", "name")
    )
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
        kind, name, count = row["kind"], row["name"], row["count"]
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
