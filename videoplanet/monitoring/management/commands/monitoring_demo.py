"""Fill an empty monitoring database with a plausible week of contract monitoring data.

For demonstrations of the dashboard (/monitoring/contracts), its screenshot and its
browser test; it refuses a database that already holds violations. Everything is
relative to now and the same on every run (a seeded random generator):

- reporters ``VideoPlanet-Frontend`` and ``VideoPlanet-Mobile`` (their tokens are not
  shown; rotate one with ``monitoring_reporter`` to use it);
- violations of the ``DEMO_KEYS`` over the last 7 days, stored through the intake's
  service as the reporters' hourly reports, then ``NEWEST``, the latest of all;
- sightings of every documented operation and room message type in the last hour but
  ``NOT_SEEN``;
- a provider verification of every pact in ``PACT_DIR``, written to
  ``PACT_VERIFICATION_REPORT``: passed but for ``FAILED_INTERACTION``.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from videoplanet.contracts.validator import committed_validator
from videoplanet.monitoring.models import SERVER_SOURCE, Violation
from videoplanet.monitoring.reports import WS
from videoplanet.monitoring.services import reporter_issue, sightings_record, violations_store
from videoplanet.monitoring.verification import verification_record
from videoplanet.realtime.events import CLIENT_MESSAGES, SERVER_EVENTS

FRONTEND, MOBILE = "VideoPlanet-Frontend", "VideoPlanet-Mobile"
HOURS = 7 * 24


@dataclass(frozen=True, slots=True)
class DemoKey:
    source: str
    method: str
    endpoint: str
    type: str
    direction: str
    errors: tuple[str, ...]
    since_hours: int
    """Reported during the last ``since_hours`` hours ..."""
    until_hours: int = 0
    """... up to ``until_hours`` hours ago."""
    shape: Literal["daily", "rising", "sparse"] = "daily"
    """daily: a daily wave; rising: growing since it started; sparse: every third hour."""

    @property
    def label(self) -> str:
        return f"{self.method} {self.endpoint}"


# fmt: skip below: a table, one key a row (method, endpoint and direction read together).
DEMO_KEYS = (
    # A release 20 hours ago started sending a priority the contract does not have.
    DemoKey(FRONTEND, "POST", "/api/v1/feedbacks", "request", "outgoing",
            ("$.priority: 'urgent' is not one of ['low', 'medium', 'high', 'critical']",), 20,
            shape="rising"),
    DemoKey(FRONTEND, "GET", "/api/v1/feedbacks", "response", "incoming",
            ("$[3].timestamp_end: None is not of type 'number'",), HOURS),
    DemoKey(SERVER_SOURCE, "PATCH", "/api/v1/feedbacks/{feedback_id}", "request", "incoming",
            ("$.status: 'done' is not one of ['open', 'in_progress', 'resolved', 'closed']",),
            HOURS, shape="sparse"),
    DemoKey(FRONTEND, WS, "feedback.created", "message", "incoming",
            ("$.payload.screenshot_url: 'screenshots/3f.png' is not a 'uri'",), 48),
    DemoKey(MOBILE, "GET", "/api/v1/videos/{video_id}", "response", "incoming",
            ("$.duration: '612.5' is not of type 'number'",), HOURS),
    DemoKey(MOBILE, "POST", "/api/v1/comments", "request", "outgoing",
            ("$.content: '' should be non-empty", "$.parent_id: 'c-17' is not a 'uuid'"), 10),
    # Only in the 7-day window: fixed three days ago.
    DemoKey(SERVER_SOURCE, "GET", "/api/v1/projects", "response", "outgoing",
            ("$[0].created_at: '2026-11-20' is not a 'date-time'",), 5 * 24, 3 * 24),
)  # fmt: skip
NEWEST = DemoKey(
    SERVER_SOURCE,
    "GET",
    "/api/v1/feedbacks",
    "response",
    "outgoing",
    (
        "$[0].priority: 'urgent' is not one of ['low', 'medium', 'high', 'critical']",
        "$[0].status: 'done' is not one of ['open', 'in_progress', 'resolved', 'closed']",
    ),
    1,
)
NOT_SEEN = frozenset({("GET", "/api/v1/projects/{project_id}/members"), (WS, "ping")})
FAILED_INTERACTION = "a request to remove my reaction"


def _hourly_count(key: DemoKey, hours_ago: int, rng: random.Random) -> int:
    """How many violations of ``key`` the reporter saw in that hour (0: no entry)."""
    if not key.until_hours <= hours_ago < key.since_hours:
        return 0
    if key.shape == "rising":
        return 8 + 2 * (key.since_hours - hours_ago) + rng.randint(0, 4)
    if key.shape == "sparse":
        return rng.randint(1, 3) if hours_ago % 3 == 0 else 0
    day_wave = 1 + math.sin((hours_ago % 24) / 24 * 2 * math.pi)  # busier at some hours
    return max(0, round(2 + 3 * day_wave + rng.uniform(-2, 2)))


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _entry(key: DemoKey, count: int, last_seen: datetime, seconds: int) -> dict[str, Any]:
    return {
        "key": f"{key.method}:{key.endpoint}:{key.type}",
        "endpoint": key.endpoint,
        "method": key.method,
        "type": key.type,
        "direction": key.direction,
        "count": count,
        "firstSeen": _iso(last_seen - timedelta(seconds=seconds)),
        "lastSeen": _iso(last_seen),
        "uniqueErrors": len(key.errors),
        "errors": list(key.errors),
    }


def _reports(now: datetime, rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    """Each source's report entries: one per key per hour with violations, then NEWEST."""
    entries: dict[str, list[dict[str, Any]]] = {}
    hour = now.replace(minute=0, second=0)
    for key in DEMO_KEYS:
        for hours_ago in range(key.since_hours - 1, key.until_hours - 1, -1):
            count = _hourly_count(key, hours_ago, rng)
            if count:
                # Somewhere in that clock hour, never later than a minute ago.
                latest = 59 if hours_ago else max(0, now.minute - 1)
                last_seen = min(
                    hour - timedelta(hours=hours_ago, minutes=-rng.randint(0, latest)),
                    now - timedelta(minutes=1),
                )
                entries.setdefault(key.source, []).append(
                    _entry(key, count, last_seen, rng.randint(5, 59))
                )
    entries.setdefault(NEWEST.source, []).append(_entry(NEWEST, 2, now - timedelta(seconds=20), 12))
    return entries


def _verification_reports(pact_dir: Path, report: Path, verified_at: datetime) -> None:
    for path in sorted(pact_dir.glob("*.json")):
        pact = json.loads(path.read_text(encoding="utf-8"))
        results = [
            {
                "description": interaction["description"],
                "result": "Error" if interaction["description"] == FAILED_INTERACTION else "OK",
            }
            for interaction in pact.get("interactions", [])
        ]
        verification_record(
            report,
            provider=pact["provider"]["name"],
            report={
                "result": all(r["result"] == "OK" for r in results),
                "interactionResults": results,
            },
            verified_at=verified_at,
        )


def _operations() -> list[tuple[str, str]]:
    paths = committed_validator().document.get("paths", {})
    http = [(m.upper(), p) for p, item in paths.items() for m in item if m != "parameters"]
    return [*http, *((WS, t) for t in [*SERVER_EVENTS, *CLIENT_MESSAGES])]


class Command(BaseCommand):
    help = "Fill an empty monitoring database with a week of demo contract violations."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        if Violation.objects.exists():
            raise CommandError(
                "The database already holds violations; demo data goes only into an empty one."
            )
        now = timezone.now().replace(microsecond=0)
        rng = random.Random(2026)  # noqa: S311 (the same demo on every run, not a secret)
        for name in (FRONTEND, MOBILE):
            reporter_issue(name=name)
        stored = 0
        for source, entries in _reports(now, rng).items():
            for start in range(0, len(entries), 1000):
                report = {"timestamp": _iso(now), "violations": entries[start : start + 1000]}
                stored += violations_store(source=source, report=report)
        seen = [
            (method, endpoint, now - timedelta(minutes=rng.randint(1, 50)))
            for method, endpoint in _operations()
            if (method, endpoint) not in NOT_SEEN
        ]
        sightings_record(seen=seen)
        report_path = Path(settings.PACT_VERIFICATION_REPORT)
        _verification_reports(Path(settings.PACT_DIR), report_path, now - timedelta(hours=2))
        self.stdout.write(
            f"Stored {stored} violation reports, {len(seen)} sightings and a verification "
            f"report in {report_path}."
        )
