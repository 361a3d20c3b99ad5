"""The contract dashboard page at a million stored violations (part of `make bench`).

1. A throwaway database: SQLite in a temp dir, or, when ``DATABASE_URL`` points at
   PostgreSQL, a database created for the run on that server and dropped after it.
   Migrated, then ``BENCH_DASHBOARD_ROWS`` (1,000,000) ``Violation`` rows are loaded
   in time order with the indexes in place, as the intake would have written them:
   spread over the last 7 days, 40 endpoints (the documented operations and room
   message types plus a few undocumented ones, some far busier than others), five
   sources, one to three errors each. SQLite gets ``executemany`` in batches,
   PostgreSQL ``COPY``; then their hourly sums (``ViolationHour``, which the intake
   keeps as it stores) in one pass. Both times are printed, not scored.
2. Renders ``GET /monitoring/contracts`` in this process through Django's test
   ``Client`` as a signed-in staff user (``bench.settings``: DEBUG off, the page's
   whole stack: middleware, session, the selectors' SQL, the template):
   ``?window=24h``, ``?window=7d``, a filtered list (endpoint and type) and an older
   page of it, each one warm-up render then ``BENCH_DASHBOARD_RENDERS`` (10) timed.
   Median and p95 (nearest rank) against the 500 ms target.
3. For the slowest page, each SQL query's time and its plan (``EXPLAIN QUERY PLAN`` or
   ``EXPLAIN``), which is where an index or a query gets fixed.
4. Merges ``dashboard.*`` entries into ``bench-results.json`` (the others are kept).

``BENCH_DASHBOARD=0`` skips it in ``make bench``; alone: ``python -m bench.dashboard``.
"""

from __future__ import annotations

import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from . import common
from .report import Row, print_rows

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results.json"
ENABLED = os.environ.get("BENCH_DASHBOARD", "1") != "0"
ROWS = int(os.environ.get("BENCH_DASHBOARD_ROWS", "1000000"))
RENDERS = int(os.environ.get("BENCH_DASHBOARD_RENDERS", "10"))
TARGET_MS = 500.0
DAYS = 7
BATCH = 50_000
URL = "/monitoring/contracts"
SOURCES = (
    "server",
    "VideoPlanet-Frontend",
    "VideoPlanet-Mobile",
    "VideoPlanet-Admin",
    "VideoPlanet-Partner",
)
UNDOCUMENTED = (
    "/api/v0/feedbacks",
    "/api/v0/videos",
    "/api/v1/legacy/export",
    "/api/v1/search",
    "/api/v1/notifications",
    "/api/v1/uploads",
    "/api/v1/teams",
    "/api/v1/billing",
)


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    rows: int
    renders: int
    database: str
    note: str = ""


# -- the database ----------------------------------------------------------------------


def _throwaway_database(workdir: Path) -> tuple[str, str | None]:
    """The URL of a fresh database, and the PostgreSQL database to drop afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{workdir / 'dashboard.sqlite3'}", None
    import psycopg

    name = f"videoplanet_dashboard_bench_{os.getpid()}"
    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_database(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _describe(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


def _endpoints() -> list[tuple[str, str, tuple[str, ...]]]:
    """(method, endpoint, the types its violations have): 40 of them."""
    from videoplanet.contracts.validator import committed_validator
    from videoplanet.realtime.events import CLIENT_MESSAGES, SERVER_EVENTS

    paths = committed_validator().document["paths"]
    out: list[tuple[str, str, tuple[str, ...]]] = [
        (method.upper(), path, ("request", "response") if method != "get" else ("response",))
        for path, item in paths.items()
        for method in item
        if method != "parameters"
    ]
    out += [("WS", name, ("message",)) for name in [*SERVER_EVENTS, *CLIENT_MESSAGES]]
    methods = ("GET", "POST")
    out += [(methods[i % 2], path, ("request", "response")) for i, path in enumerate(UNDOCUMENTED)]
    return out[:40]


def _rows(now: datetime, count: int) -> Iterator[tuple[Any, ...]]:
    """``count`` violations in time order over the last ``DAYS`` days, as column tuples."""
    from django.db import connection

    from videoplanet.monitoring.models import Violation

    rng = random.Random(7)  # reproducible data
    endpoints = _endpoints()
    # A few endpoints get most of the violations, as in practice (Zipf-like weights).
    weights = [1 / (rank + 1) for rank in range(len(endpoints))]
    picks = rng.choices(range(len(endpoints)), weights=weights, k=count)
    span = DAYS * 86400.0
    ops = connection.ops
    field = Violation._meta.get_field("errors")
    start = now - timedelta(seconds=span)
    step = span / count
    for i, pick in enumerate(picks):
        method, endpoint, types = endpoints[pick]
        type_ = rng.choice(types)
        last_seen = start + timedelta(seconds=i * step + rng.random() * step)
        first_seen = last_seen - timedelta(seconds=rng.randint(0, 59))
        errors = [
            f"$.field{rng.randint(0, 30)}: '{rng.random():.6f}' is not of type 'integer'"
            for _ in range(rng.randint(1, 3))
        ]
        yield (
            rng.choice(SOURCES),
            method,
            endpoint,
            type_,
            "incoming" if (type_ == "request") == (rng.random() < 0.5) else "outgoing",
            rng.randint(1, 20),
            ops.adapt_datetimefield_value(first_seen),
            ops.adapt_datetimefield_value(last_seen),
            len(errors),
            field.get_db_prep_value(errors, connection),
            ops.adapt_datetimefield_value(last_seen + timedelta(seconds=rng.randint(1, 60))),
        )


COLUMNS = (
    "source",
    "method",
    "endpoint",
    "type",
    "direction",
    "count",
    "first_seen",
    "last_seen",
    "unique_errors",
    "errors",
    "received_at",
)


def load(now: datetime, count: int) -> float:
    """Insert ``count`` violations; return the seconds it took."""
    from django.db import connection, transaction

    from videoplanet.monitoring.models import Violation

    table = connection.ops.quote_name(Violation._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    started = time.perf_counter()
    rows = _rows(now, count)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"
            while batch := [row for _, row in zip(range(BATCH), rows, strict=False)]:
                cursor.executemany(sql, batch)
    return time.perf_counter() - started


def add_hourly_sums() -> tuple[int, float]:
    """What the intake keeps next to each stored row (``services.violations_add``), in one
    pass after the bulk load: the ``ViolationHour`` sums. Returns (rows, seconds)."""
    from django.db import connection
    from django.db.models import Sum
    from django.db.models.functions import TruncHour

    from videoplanet.monitoring.models import Violation, ViolationHour

    started = time.perf_counter()
    sums = (
        Violation.objects.annotate(hour=TruncHour("last_seen", tzinfo=UTC))
        .values("hour", "method", "endpoint")
        .annotate(total=Sum("count"))
        .order_by()
    )
    created = ViolationHour.objects.bulk_create(
        [
            ViolationHour(
                hour=s["hour"], method=s["method"], endpoint=s["endpoint"], count=s["total"]
            )
            for s in sums
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return len(created), time.perf_counter() - started


# -- the page --------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    params: dict[str, str]


def pages(now: datetime) -> list[Page]:
    """The renders measured; the older page starts three days back in the filtered list."""
    from videoplanet.monitoring.cursors import cursor_encode
    from videoplanet.monitoring.models import Violation

    endpoint = "/api/v1/feedbacks"
    filtered = {"window": "24h", "endpoint": endpoint, "type": "response"}
    older = (
        Violation.objects.filter(
            endpoint=endpoint, type="response", last_seen__lt=now - timedelta(days=3)
        )
        .order_by("-last_seen", "-id")
        .values_list("last_seen", "id")
        .first()
    )
    assert older is not None
    return [
        Page("window_24h", "?window=24h", {"window": "24h"}),
        Page("window_7d", "?window=7d", {"window": "7d"}),
        Page("filtered", "?window=24h&endpoint=…&type=response", filtered),
        Page(
            "filtered_older",
            "  … &before=<3 days back>",
            {**filtered, "before": cursor_encode(*older)},
        ),
    ]


@dataclass(frozen=True)
class Timing:
    page: Page
    times_ms: list[float]
    queries: list[tuple[float, str]]
    """(ms, SQL) of one render."""

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def render(client: Any, page: Page) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:  # the warm-up render, recorded
        response = client.get(URL, page.params)
    # Read now: the next request clears the connection's query log.
    queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    if response.status_code != 200:
        raise RuntimeError(f"{URL} {page.params} answered {response.status_code}")
    body = response.content.decode()
    if page.key.startswith("filtered") and body.count("data-violation=") != 50:
        raise RuntimeError(f"{URL} {page.params} did not list 50 violations")
    times = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        client.get(URL, page.params)
        times.append((time.perf_counter() - started) * 1000)
    return Timing(page, times, queries)


def explain(sql: str) -> list[str]:
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return [" ".join(str(c) for c in row[-1:]) for row in cursor.fetchall()]


def _print_plans(timing: Timing) -> None:
    print(f"\nQueries of the slowest page ({timing.page.label}), time of one render and plan:")
    for ms, sql in timing.queries:
        print(f"  {ms:8.1f} ms  {sql[:150]}{'…' if len(sql) > 150 else ''}")
        if "monitoring_violation" in sql:
            for line in explain(sql):
                print(f"               plan: {line}")


# -- results ---------------------------------------------------------------------------


def metrics(timings: list[Timing], rows: int, database: str) -> list[Metric]:
    out = []
    for timing in timings:
        for stat, value in (("median", timing.median), ("p95", timing.p95)):
            out.append(
                Metric(
                    name=f"dashboard.{timing.page.key}.{stat}",
                    value=round(value, 1),
                    unit="ms",
                    baseline=TARGET_MS,
                    ratio=round(TARGET_MS / value, 2) if value else None,
                    better="lower",
                    rows=rows,
                    renders=len(timing.times_ms),
                    database=database,
                    note="baseline = the 500 ms target",
                )
            )
    return out


def write_results(entries: list[Metric]) -> None:
    """Replace the ``dashboard.*`` entries of bench-results.json, keep the others."""
    common.write_results((asdict(e) for e in entries), ("dashboard.",), RESULTS)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-dashboard-bench-"))
    dropped: str | None = None
    try:
        url, dropped = _throwaway_database(workdir)
        os.environ.update(
            DJANGO_SETTINGS_MODULE="bench.settings",
            DATABASE_URL=url,
            MEDIA_ROOT=str(workdir / "media"),
            STATIC_ROOT=str(workdir),
            PACT_VERIFICATION_REPORT=str(workdir / "pact-verification.json"),
            CONTRACT_VIOLATION_RECORDERS="videoplanet.contracts.violations.log_recorder",
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections
        from django.test import Client
        from django.utils import timezone

        from videoplanet.accounts.models import User

        call_command("migrate", verbosity=0)
        database = _describe(connection)
        print(f"\nContract dashboard at {ROWS:,} violations ({database}):", flush=True)
        now = timezone.now()
        seconds = load(now, ROWS)
        from videoplanet.monitoring.models import Violation

        stored = Violation.objects.count()
        print(
            f"  loaded {stored:,} violations over {DAYS} days in {seconds:.1f} s "
            f"({stored / seconds:,.0f} rows/s)",
            flush=True,
        )
        hours, seconds = add_hourly_sums()
        print(f"  added them up into {hours:,} hourly sums in {seconds:.1f} s", flush=True)
        staff = User.objects.create_user(
            "bench-staff@example.com", "x", name="Staff", is_staff=True
        )
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        timings = []
        for page in pages(now):
            timing = render(client, page)
            timings.append(timing)
            verdict = "MET" if timing.p95 <= TARGET_MS else "MISSED"
            print(
                f"  GET {URL}{page.label:40} median {timing.median:7.1f} ms  "
                f"p95 {timing.p95:7.1f} ms  ({len(timing.queries)} queries)  {verdict}",
                flush=True,
            )
        _print_plans(max(timings, key=lambda t: t.median))
        entries = metrics(timings, stored, database)
        print("\nResults (baseline = the 500 ms target; ratio > 1: faster than it):\n")
        print_rows(Row(m.name, m.value, m.unit, m.baseline, m.ratio, m.better) for m in entries)
        missed = [t.page.label for t in timings if t.p95 > TARGET_MS]
        print(
            f"\nDashboard p95 ≤ {TARGET_MS:g} ms at {stored:,} violations: "
            + (f"MISSED on {missed}" if missed else "MET on every page")
        )
        write_results(entries)
        connections.close_all()
        return 0
    finally:
        if dropped:
            _drop_database(dropped)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
