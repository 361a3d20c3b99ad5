"""Reads for contract monitoring, shared by the API, /metrics and the dashboard page.

- ``violation_list``: recent violations, newest first, filtered, keyset-paginated;
- ``violation_sources``: the values ``source`` may hold, for the dashboard's filter;
- ``violation_trends``: violations per endpoint per time bucket, summed in SQL;
- ``coverage_matrix``: one row per documented operation and room message type, with
  its pact coverage, last provider verification, runtime sightings and violations.
"""

from __future__ import annotations

import json
import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

from django.conf import settings
from django.db.models import BigIntegerField, F, Func, Q, QuerySet, Sum, Value
from django.db.models.expressions import ExpressionWrapper
from django.utils import timezone

from videoplanet.accounts.models import token_digest
from videoplanet.contracts.validator import committed_validator
from videoplanet.realtime.events import CLIENT_MESSAGES, SERVER_EVENTS

from .models import (
    SERVER_SOURCE,
    DroppedTotal,
    Reporter,
    Sighting,
    Violation,
    ViolationHour,
    ViolationTotal,
)
from .reports import WS
from .usage_document import usage_rows
from .verification import PASSED, Verification, pact_key, verifications

logger = logging.getLogger(__name__)

MAX_TREND_BUCKETS = 2000


def reporter_for_token(key: str) -> Reporter | None:
    return Reporter.objects.filter(digest=token_digest(key), is_active=True).first()


# -- recent violations ---------------------------------------------------------------------


def violation_list(
    *,
    endpoint: str | None = None,
    type: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = 50,
) -> QuerySet[Violation]:
    """Up to ``limit`` violations, newest ``last_seen`` first (then highest id).

    ``since``: only those last seen at or after it; ``before``: only those after the
    keyset position ``(last_seen, id)`` of a previous page's last row. Each filter leads
    one of ``Violation``'s indexes.
    """
    qs = Violation.objects.all()
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    if type is not None:
        qs = qs.filter(type=type)
    if source is not None:
        qs = qs.filter(source=source)
    if since is not None:
        qs = qs.filter(last_seen__gte=since)
    if before is not None:
        last_seen, last_id = before
        qs = qs.filter(Q(last_seen__lt=last_seen) | Q(last_seen=last_seen, id__lt=last_id))
    return qs.order_by("-last_seen", "-id")[:limit]


def violation_sources() -> list[str]:
    """What ``source`` may hold: the server's own, then every reporter's name (one query on
    the small reporter table, not a DISTINCT over the violations)."""
    return [SERVER_SOURCE, *Reporter.objects.order_by("name").values_list("name", flat=True)]


# -- trends --------------------------------------------------------------------------------


class _EpochSeconds(Func):
    """Whole seconds since 1970-01-01 UTC of a datetime column, computed by the database."""

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django stores 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC. SQLite's date functions
        # round to milliseconds (…:59.9999 would become the next second), so the fraction
        # is cut off as text first. The format is a parameter, not SQL text ('%' escaping).
        fmt, fmt_params = compiler.compile(Value("%s"))
        column, column_params = compiler.compile(self.source_expressions[0])
        return (
            f"CAST(strftime({fmt}, substr({column}, 1, 19)) AS INTEGER)",
            (*fmt_params, *column_params),
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
        )


@dataclass(frozen=True, slots=True)
class TrendSeries:
    method: str
    endpoint: str
    counts: list[int]
    """SUM(count) per bucket, aligned with ``Trends.buckets``."""

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Trends:
    buckets: list[datetime]
    """The start of each bucket, oldest first; each lasts ``bucket``."""
    bucket: timedelta
    series: list[TrendSeries]
    """One per (method, endpoint) with violations in the window, the most first."""


def violation_trends(
    *, window: timedelta, bucket: timedelta, now: datetime | None = None
) -> Trends:
    """Violations per (method, endpoint) per ``bucket`` over the last ``window``.

    Buckets start at whole multiples of ``bucket`` since the Unix epoch (hours on the
    hour, days at 00:00 UTC), so a chart does not shift between refreshes; the last one
    holds ``now``, and there are ceil(window / bucket) of them. A violation counts in the
    bucket of its ``last_seen``. The grouping and summing happen in SQL (one query), over
    the hourly sums (``ViolationHour``) when the bucket is a whole number of hours, else
    over the violations themselves.
    """
    size = int(bucket.total_seconds())
    if size < 1 or size != bucket.total_seconds():
        raise ValueError("bucket must be a whole number of seconds, at least one")
    count = math.ceil(window.total_seconds() / size)
    if not 1 <= count <= MAX_TREND_BUCKETS:
        raise ValueError(f"window / bucket must give 1 to {MAX_TREND_BUCKETS} buckets")
    now = now or timezone.now()
    last = int(now.timestamp()) // size * size
    first = last - (count - 1) * size
    start = datetime.fromtimestamp(first, UTC)
    end = datetime.fromtimestamp(last + size, UTC)
    summed: QuerySet[Any]
    if size % 3600 == 0:
        # Buckets of whole clock hours: add up the hourly sums, not the rows.
        summed, column = ViolationHour.objects.filter(hour__gte=start, hour__lt=end), "hour"
    else:
        summed = Violation.objects.filter(last_seen__gte=start, last_seen__lt=end)
        column = "last_seen"
    rows = (
        summed.annotate(
            bucket=ExpressionWrapper(
                (_EpochSeconds(F(column)) - Value(first)) / Value(size),
                output_field=BigIntegerField(),
            )
        )
        .values("method", "endpoint", "bucket")
        .annotate(total=Sum("count"))
        .order_by()
    )
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * count)
    for row in rows:
        counts[(row["method"], row["endpoint"])][row["bucket"]] += row["total"]
    series = [
        TrendSeries(method, endpoint, values) for (method, endpoint), values in counts.items()
    ]
    series.sort(key=lambda s: (-s.total, s.endpoint, s.method))
    return Trends(
        buckets=[datetime.fromtimestamp(first + i * size, UTC) for i in range(count)],
        bucket=bucket,
        series=series,
    )


# -- coverage ------------------------------------------------------------------------------

Kind = Literal["http", "ws"]
VerificationStatus = Literal["passed", "failed", "never_verified", "no_pact"]
Status = Literal["red", "amber", "green"]
KINDS: tuple[Kind, ...] = ("http", "ws")
VERIFICATION_STATUSES: tuple[VerificationStatus, ...] = (
    "passed",
    "failed",
    "never_verified",
    "no_pact",
)
STATUSES: tuple[Status, ...] = ("red", "amber", "green")


@dataclass(frozen=True, slots=True)
class CoverageRow:
    """One operation or room message type. ``status`` follows ``coverage_matrix``'s rule."""

    kind: Kind
    method: str
    endpoint: str
    documented: bool
    pact_interactions: int
    verification: VerificationStatus
    verified_at: datetime | None
    last_seen: datetime | None
    """When the server last handled it successfully (any process)."""
    seen: bool
    """``last_seen`` falls in the window."""
    violations: int
    """SUM(count) of violations last seen in the window, from every source."""
    status: Status
    reasons: tuple[str, ...]
    """Why the status is not green."""
    consumer_calls: tuple[tuple[str, int], ...] = ()
    """Calls (messages received or sent, for a room message) per consumer in the window,
    from the usage counts (``monitoring.usage``)."""


@dataclass(frozen=True, slots=True)
class _Interaction:
    provider: str
    description: str
    consumer: str = ""


def _pact_interactions() -> dict[tuple[str, str], list[_Interaction]]:
    """(method, endpoint) -> the consumer pact interactions that exercise it."""
    validator = committed_validator()
    out: dict[tuple[str, str], list[_Interaction]] = defaultdict(list)
    for path in sorted(Path(settings.PACT_DIR).glob("*.json")):
        try:
            pact = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            logger.warning("pact file %s is unreadable; left out of coverage", path)
            continue
        provider = str(pact.get("provider", {}).get("name", ""))
        consumer = str(pact.get("consumer", {}).get("name", ""))
        for interaction in pact.get("interactions", []):
            key = _interaction_key(interaction, validator)
            if key is not None:
                out[key].append(
                    _Interaction(provider, str(interaction.get("description")), consumer)
                )
    return out


def _interaction_key(interaction: dict[str, Any], validator: Any) -> tuple[str, str] | None:
    request = interaction.get("request")
    if isinstance(request, dict):
        method = str(request.get("method", "")).upper()
        template = validator.operation(unquote(str(request.get("path", ""))), method)
        return None if template is None else (method, template)
    content = interaction.get("contents", {}).get("content")
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None
    if isinstance(content, dict) and isinstance(content.get("type"), str):
        return (WS, content["type"])
    return None


def _operations() -> Iterator[tuple[Kind, str, str]]:
    for template, item in committed_validator().document.get("paths", {}).items():
        for method in item:
            if method != "parameters":
                yield "http", method.upper(), template
    for type_ in [*SERVER_EVENTS, *CLIENT_MESSAGES]:
        yield "ws", WS, type_


def coverage_matrix(
    *,
    window: timedelta,
    now: datetime | None = None,
    usage: list[dict[str, Any]] | None = None,
) -> list[CoverageRow]:
    """Every documented operation (``contracts/openapi.json``) and room message type
    (``SERVER_EVENTS``, ``CLIENT_MESSAGES``), then any endpoint with violations in the
    window that is neither (undocumented).

    - pact_interactions: HTTP interactions of ``PACT_DIR/*.json`` mapped to their
      operation by the OpenAPI validator; message interactions by their ``type``;
    - verification: from ``PACT_VERIFICATION_REPORT`` by interaction description:
      failed if any of them failed, passed if all passed, else never_verified (no_pact
      without interactions);
    - seen / last_seen: ``Sighting`` rows written by every server process;
    - violations: SUM(count) in SQL over the window, every source: the hourly sums of the
      window's whole hours plus the violations of the part of an hour it starts with;
    - consumer_calls: per consumer, from ``usage`` (``usage_rows`` with ``recent`` at
      the window's start; queried here unless given).

    Status: **red** with violations in the window or a failed verification; **amber**
    without a pact interaction, with one never verified, or not seen in the window;
    **green** otherwise.
    """
    now = now or timezone.now()
    since = now - window
    pacts = _pact_interactions()
    verified = verifications(Path(settings.PACT_VERIFICATION_REPORT))
    sightings = {
        (m, e): when
        for m, e, when in Sighting.objects.values_list("method", "endpoint", "last_seen")
    }
    violations: Counter[tuple[str, str]] = Counter()
    # The whole hours from their sums; the start of the window, within an hour, from rows.
    edge = _hour_at_or_after(since)
    for summed in (
        ViolationHour.objects.filter(hour__gte=edge),
        Violation.objects.filter(last_seen__gte=since, last_seen__lt=edge),
    ):
        for row in summed.values("method", "endpoint").annotate(total=Sum("count")).order_by():
            violations[(row["method"], row["endpoint"])] += row["total"]
    if usage is None:
        usage = usage_rows(window=window, now=now, recent=since)
    calls: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for used in usage:
        if not used.get("recent"):
            continue
        if used["kind"] == "call":
            method, _, endpoint = used["operation"].partition(" ")
            calls[(method, endpoint)][used["consumer"]] += used["recent"]
        elif used["kind"] in ("received", "sent"):
            calls[(WS, used["operation"])][used["consumer"]] += used["recent"]
    keys: list[tuple[Kind, str, str, bool]] = [(k, m, e, True) for k, m, e in _operations()]
    documented = {(m, e) for _, m, e, _ in keys}
    for method, endpoint in sorted(violations.keys() - documented):
        keys.append(("ws" if method == WS else "http", method, endpoint, False))
    rows = []
    for kind, method, endpoint, is_documented in keys:
        interactions = pacts.get((method, endpoint), [])
        verification, verified_at = _verification(interactions, verified)
        last_seen = sightings.get((method, endpoint))
        seen = last_seen is not None and last_seen >= since
        total = violations.get((method, endpoint), 0)
        red = [
            *(["not documented"] if not is_documented else []),
            *([f"{total} violations in the window"] if total else []),
            *(["provider verification failed"] if verification == "failed" else []),
        ]
        amber = [
            *(["no consumer pact"] if not interactions else []),
            *(["pact never verified"] if verification == "never_verified" else []),
            *(["not seen in the window"] if not seen else []),
        ]
        rows.append(
            CoverageRow(
                kind=kind,
                method=method,
                endpoint=endpoint,
                documented=is_documented,
                pact_interactions=len(interactions),
                verification=verification,
                verified_at=verified_at,
                last_seen=last_seen,
                seen=seen,
                violations=total,
                status="red" if red else "amber" if amber else "green",
                reasons=(*red, *amber),
                consumer_calls=tuple(sorted(calls.get((method, endpoint), {}).items())),
            )
        )
    return rows


def _hour_at_or_after(moment: datetime) -> datetime:
    hour = moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return hour if hour == moment else hour + timedelta(hours=1)


def _verification(
    interactions: list[_Interaction], verified: dict[str, Verification]
) -> tuple[VerificationStatus, datetime | None]:
    if not interactions:
        return "no_pact", None
    results: list[str | None] = []
    times: list[datetime] = []
    for interaction in interactions:
        # each consumer's pact is verified on its own; older records name only the provider
        run = verified.get(pact_key(interaction.consumer, interaction.provider)) or verified.get(
            interaction.provider
        )
        if run is None or interaction.description not in run.results:
            results.append(None)
            continue
        results.append(run.results[interaction.description])
        if run.verified_at is not None:
            times.append(run.verified_at)
    verified_at = max(times, default=None)
    if any(result not in (None, PASSED) for result in results):
        return "failed", verified_at
    if all(result == PASSED for result in results):
        return "passed", verified_at
    return "never_verified", verified_at


# -- totals (Prometheus) -------------------------------------------------------------------


def violation_totals() -> QuerySet[ViolationTotal]:
    return ViolationTotal.objects.order_by("source", "method", "endpoint", "type")


def dropped_totals() -> QuerySet[DroppedTotal]:
    return DroppedTotal.objects.order_by("source")
