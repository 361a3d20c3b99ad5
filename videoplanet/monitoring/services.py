"""Writes for contract monitoring: reporters, violation reports, pruning, sightings."""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from videoplanet.accounts.models import token_digest
from videoplanet.api.errors import ValidationFailed
from videoplanet.contracts.validator import committed_validator

from .models import (
    SERVER_SOURCE,
    DroppedTotal,
    Reporter,
    Sighting,
    UsageHour,
    Violation,
    ViolationHour,
    ViolationTotal,
)
from .reports import MAX_ERRORS, WS, ReportEntry, report_parse
from .sightings import MESSAGE_TYPES

TOKEN_PREFIX = "vpr_"
PRUNE_BATCH = 10_000
OTHER = "other"
"""Where an endpoint is counted that is neither a documented operation nor a room message
type, or that would take its source past ``MONITORING_MAX_KEYS_PER_SOURCE``."""


@transaction.atomic
def reporter_issue(*, name: str) -> tuple[Reporter, str, bool]:
    """Create the reporter ``name``, or rotate its token; return it, the key and whether it
    is new. The key is visible only now; a rotated reporter's old key stops working and
    the reporter is active again."""
    name = name.strip()
    if not name or len(name) > Reporter._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationFailed.field("name", "Must be 1 to 100 characters.")
    if name == SERVER_SOURCE:
        raise ValidationFailed.field("name", f"{SERVER_SOURCE!r} names the server's own reports.")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    reporter, created = Reporter.objects.select_for_update().get_or_create(
        name=name, defaults={"digest": token_digest(key)}
    )
    if not created:
        reporter.digest = token_digest(key)
        reporter.is_active = True
        reporter.save(update_fields=["digest", "is_active"])
    return reporter, key, created


def _documented(method: str, endpoint: str) -> str | None:
    """The name one operation's violations count under, whatever ids they carried: the
    OpenAPI path template of a documented operation, or a room message type; else None."""
    if method == WS:
        return endpoint if endpoint in MESSAGE_TYPES else None
    return committed_validator().operation(endpoint, method)


def _as_other(entry: ReportEntry, why: str) -> tuple[str, tuple[str, ...], int]:
    """An entry counted under ``other``: the endpoint it named leads its errors."""
    errors = (f"reported endpoint {entry.endpoint!r}: {why}", *entry.errors)
    return OTHER, errors[:MAX_ERRORS], entry.unique_errors + 1


@transaction.atomic
def violations_store(*, source: str, report: Mapping[str, Any]) -> int:
    """Store one report (``reports`` module docstring) from ``source``; return its entries.

    All or nothing: an invalid report raises ``ValidationFailed`` and writes no row. Times
    a reporter's clock puts in the future are clamped to when the report arrived.

    Every stored name comes from a closed set, so no reporter can grow the metrics, the
    trends or the coverage matrix by inventing endpoints: an endpoint that is neither a
    documented operation nor a room message type is stored as ``other``, and so is a new
    key once ``source`` has ``MONITORING_MAX_KEYS_PER_SOURCE`` keys in its totals; the
    endpoint as reported leads that entry's errors.
    """
    parsed = report_parse(report)
    now = timezone.now()
    cap = settings.MONITORING_MAX_KEYS_PER_SOURCE
    keys = set(
        ViolationTotal.objects.filter(source=source).values_list("method", "endpoint", "type")
    )
    rows = []
    for entry in parsed.entries:
        last_seen = min(entry.last_seen, now)
        endpoint = _documented(entry.method, entry.endpoint)
        errors, unique_errors = entry.errors, entry.unique_errors
        if endpoint is None:
            endpoint, errors, unique_errors = _as_other(entry, "not in the contract")
        elif (entry.method, endpoint, entry.type) not in keys and len(keys) >= cap:
            endpoint, errors, unique_errors = _as_other(entry, f"over {source}'s {cap} keys")
        keys.add((entry.method, endpoint, entry.type))
        rows.append(
            Violation(
                source=source,
                method=entry.method,
                endpoint=endpoint,
                type=entry.type,
                direction=entry.direction,
                count=entry.count,
                first_seen=min(entry.first_seen, last_seen),
                last_seen=last_seen,
                unique_errors=unique_errors,
                errors=list(errors),
                received_at=now,
            )
        )
    violations_add(rows=rows)
    totals: Counter[tuple[str, ...]] = Counter()
    for row in rows:
        totals[(source, row.method, row.endpoint, row.type)] += row.count
    _add_counts(ViolationTotal, ("source", "method", "endpoint", "type"), totals, touched=now)
    if parsed.dropped:
        _add_counts(DroppedTotal, ("source",), {(source,): parsed.dropped}, touched=now)
    return len(rows)


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@transaction.atomic
def violations_add(*, rows: Sequence[Violation]) -> list[Violation]:
    """Insert ``rows`` and add each one's count to the hour of its ``last_seen``
    (``ViolationHour``, what the trends and the coverage matrix add up)."""
    created = Violation.objects.bulk_create(rows, batch_size=500)
    hours: Counter[tuple[Any, ...]] = Counter()
    adapt = connection.ops.adapt_datetimefield_value  # the value a raw upsert must carry
    for row in rows:
        hours[(adapt(_hour(row.last_seen)), row.method, row.endpoint)] += row.count
    _add_counts(ViolationHour, ("hour", "method", "endpoint"), hours)
    return created


def _add_counts(
    model: type[models.Model],
    keys: Sequence[str],
    increments: Mapping[tuple[str, ...], int],
    *,
    touched: datetime | None = None,
) -> None:
    """``count += n`` per key, inserting missing rows: one upsert statement per batch;
    with ``touched``, also ``last_reported = touched`` (the totals, pruned by it).

    ``INSERT ... ON CONFLICT DO UPDATE SET count = count + excluded.count`` is atomic per
    row on PostgreSQL and SQLite, so concurrent reports never lose an increment; keys are
    written in sorted order so two transactions cannot deadlock on each other's rows.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    extra = ("last_reported",) if touched is not None else ()
    columns = ", ".join(quote(name) for name in (*keys, "count", *extra))
    conflict = ", ".join(quote(name) for name in keys)
    count = quote("count")
    updates = [f"{count} = {table}.{count} + EXCLUDED.{count}"]
    updates += [f"{quote(name)} = EXCLUDED.{quote(name)}" for name in extra]
    tail = (connection.ops.adapt_datetimefield_value(touched),) if touched is not None else ()
    row = "(" + ", ".join(["%s"] * (len(keys) + 1 + len(extra))) + ")"
    with connection.cursor() as cursor:
        items = sorted(increments.items())
        for start in range(0, len(items), 200):
            chunk = items[start : start + 200]
            params: list[Any] = [value for key, n in chunk for value in (*key, n, *tail)]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * len(chunk))} "  # noqa: S608
                f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(updates)}",
                params,
            )


def violations_prune(*, older_than: datetime) -> int:
    """Delete violations last seen before ``older_than``, in batches; return how many.

    Consumer usage (``UsageHour``) of the hours that ended by ``older_than`` goes too.

    Their hourly sums go too, for the hours that ended by ``older_than`` (the hour that
    straddles it keeps its sum until the next prune), and the all-time totals of keys and
    sources not reported since: their series leave ``/metrics`` (a key reported again
    starts a new counter, which Prometheus' ``rate`` and ``increase`` handle as a reset).
    Totals still reported keep counting, so the series ``/metrics`` serves are bounded by
    what the retention window saw.
    """
    ViolationHour.objects.filter(hour__lte=older_than - timedelta(hours=1)).delete()
    UsageHour.objects.filter(hour__lte=older_than - timedelta(hours=1)).delete()
    ViolationTotal.objects.filter(last_reported__lt=older_than).delete()
    DroppedTotal.objects.filter(last_reported__lt=older_than).delete()
    deleted = 0
    while True:
        batch = list(
            Violation.objects.filter(last_seen__lt=older_than).values_list("pk", flat=True)[
                :PRUNE_BATCH
            ]
        )
        if not batch:
            return deleted
        deleted += Violation.objects.filter(pk__in=batch).delete()[0]


@transaction.atomic
def sightings_record(*, seen: Iterable[tuple[str, str, datetime]]) -> None:
    """Upsert ``(method, endpoint, when)`` sightings (``monitoring.sightings``)."""
    Sighting.objects.bulk_create(
        [Sighting(method=m, endpoint=e, last_seen=when) for m, e, when in sorted(seen)],
        update_conflicts=True,
        unique_fields=["method", "endpoint"],
        update_fields=["last_seen"],
    )


# The advisory lock that makes the per-hour consumer cap one decision at a time.
_USAGE_CAP_LOCK = int.from_bytes(b"vp-usage", "big", signed=True)


def _usage_within_cap(
    increments: Mapping[tuple[Any, ...], int],
) -> Counter[tuple[Any, ...]]:
    """``increments`` with the consumer/version pairs an hour has no room for counted as
    ``other/other``: at most ``USAGE_MAX_CLIENTS_PER_HOUR`` pairs per hour across every
    process, the ones already written first, then the new ones in name order.

    Each process also caps what it holds in memory (``UsageRecorder``); this is what
    makes the cap hold for the server as a whole. Call inside the writing transaction:
    PostgreSQL takes a transaction-level advisory lock so two processes cannot both
    admit the last free pair; SQLite's transactions already begin IMMEDIATE.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_USAGE_CAP_LOCK])
    cap = settings.USAGE_MAX_CLIENTS_PER_HOUR
    wanted: dict[datetime, set[tuple[str, str]]] = {}
    for hour, consumer, version, *_ in increments:
        if (consumer, version) != (OTHER, OTHER):
            wanted.setdefault(hour, set()).add((consumer, version))
    admitted: dict[datetime, set[tuple[str, str]]] = {}
    for hour, pairs in wanted.items():
        held = set(
            UsageHour.objects.filter(hour=hour)
            .exclude(consumer=OTHER, version=OTHER)
            .values_list("consumer", "version")
            .distinct()
        )
        room = max(cap - len(held), 0)
        admitted[hour] = held | set(sorted(pairs - held)[:room])
    kept: Counter[tuple[Any, ...]] = Counter()
    for (hour, consumer, version, *rest), n in increments.items():
        if (consumer, version) != (OTHER, OTHER) and (consumer, version) not in admitted[hour]:
            consumer, version = OTHER, OTHER
        kept[(hour, consumer, version, *rest)] += n
    return kept


@transaction.atomic
def usage_add(*, increments: Mapping[tuple[Any, ...], int]) -> None:
    """Add ``(hour, consumer, version, operation, kind, name) -> n`` to the hourly usage
    (``monitoring.usage``), concurrency-safe like the violation hours, within the
    server-wide cap of consumer/version pairs per hour (``_usage_within_cap``)."""
    adapt = connection.ops.adapt_datetimefield_value
    capped = _usage_within_cap(increments)
    rows = {(adapt(hour), *rest): n for (hour, *rest), n in capped.items()}
    _add_counts(UsageHour, ("hour", "consumer", "version", "operation", "kind", "name"), rows)
