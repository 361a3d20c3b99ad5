"""The dashboard's reads: recent violations, trends per bucket, the coverage matrix."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from videoplanet.contracts.validator import committed_validator
from videoplanet.monitoring.models import Sighting, ViolationHour
from videoplanet.monitoring.selectors import (
    CoverageRow,
    coverage_matrix,
    violation_list,
    violation_trends,
)
from videoplanet.monitoring.verification import verification_record
from videoplanet.realtime.events import CLIENT_MESSAGES, SERVER_EVENTS

from .conftest import violation

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 23, 10, 30, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[3]
HTTP_PACT = REPO / "pacts" / "VideoPlanet-Python-SDK-VideoPlanet-Backend.json"
WEB_HTTP_PACT = REPO / "pacts" / "VideoPlanet-Frontend-VideoPlanet-Backend.json"


def at(hh: int, mm: int = 0, ss: int = 0, us: int = 0) -> datetime:
    return NOW.replace(hour=hh, minute=mm, second=ss, microsecond=us)


# -- recent violations ---------------------------------------------------------------------


def test_newest_first_with_ties_broken_by_the_latest_stored() -> None:
    older = violation(last_seen=at(9))
    tie_a = violation(last_seen=at(10))
    tie_b = violation(last_seen=at(10))
    newest = violation(last_seen=at(10, 5))
    assert list(violation_list()) == [newest, tie_b, tie_a, older]
    assert list(violation_list(limit=2)) == [newest, tie_b]


def test_each_filter_narrows_the_list() -> None:
    a = violation(last_seen=at(9), endpoint="/api/v1/me", method="GET", type="response")
    b = violation(last_seen=at(10), source="server", direction="incoming")
    c = violation(last_seen=at(8), endpoint="user.left", method="WS", type="message")
    assert list(violation_list(endpoint="/api/v1/me")) == [a]
    assert list(violation_list(type="message")) == [c]
    assert list(violation_list(source="server")) == [b]
    assert list(violation_list(since=at(9))) == [b, a]
    assert list(violation_list(source="VideoPlanet-Frontend", since=at(8, 30))) == [a]


def test_a_keyset_position_continues_where_the_last_page_ended() -> None:
    rows = [violation(last_seen=at(10) - timedelta(minutes=i // 2)) for i in range(7)]
    expected = sorted(rows, key=lambda v: (v.last_seen, v.id), reverse=True)
    first = list(violation_list(limit=3))
    assert first == expected[:3]
    second = list(violation_list(limit=3, before=(first[-1].last_seen, first[-1].id)))
    assert second == expected[3:6]
    third = list(violation_list(limit=3, before=(second[-1].last_seen, second[-1].id)))
    assert third == expected[6:]


# -- trends --------------------------------------------------------------------------------


def test_trends_sum_each_endpoint_per_hour_in_sql() -> None:
    violation(last_seen=at(7, 59, 59, 999_999), count=100)  # before the window
    violation(last_seen=at(8), count=2)  # the first instant of the first bucket
    violation(last_seen=at(8, 59, 59, 999_999), count=3)  # the last of it
    violation(last_seen=at(9), count=4)
    violation(last_seen=at(10, 29), count=5)
    violation(last_seen=at(9, 30), endpoint="/api/v1/me", method="GET", count=7)
    violation(last_seen=at(10), endpoint="feedback.created", method="WS", type="message")
    violation(last_seen=at(9, 15), endpoint="/api/v1/feedbacks", method="GET", count=2)

    trends = violation_trends(window=timedelta(hours=3), bucket=timedelta(hours=1), now=NOW)

    assert trends.buckets == [at(8), at(9), at(10)]
    assert [(s.method, s.endpoint, s.counts) for s in trends.series] == [
        ("POST", "/api/v1/feedbacks", [5, 4, 5]),
        ("GET", "/api/v1/me", [0, 7, 0]),
        ("GET", "/api/v1/feedbacks", [0, 2, 0]),
        ("WS", "feedback.created", [0, 0, 1]),
    ]


def test_daily_buckets_start_at_midnight_utc() -> None:
    violation(last_seen=datetime(2026, 11, 17, 0, 0, tzinfo=UTC), count=1)
    violation(last_seen=datetime(2026, 11, 16, 23, 59, 59, tzinfo=UTC), count=50)
    violation(last_seen=datetime(2026, 11, 20, 12, 0, tzinfo=UTC), count=2)
    violation(last_seen=datetime(2026, 11, 20, 23, 0, tzinfo=UTC), count=3)
    violation(last_seen=at(0, 0), count=4)

    trends = violation_trends(window=timedelta(days=7), bucket=timedelta(days=1), now=NOW)

    assert trends.buckets[0] == datetime(2026, 11, 17, tzinfo=UTC)
    assert trends.buckets[-1] == datetime(2026, 11, 23, tzinfo=UTC)
    [series] = trends.series
    assert series.counts == [1, 0, 0, 5, 0, 0, 4]


def test_fifteen_minute_buckets() -> None:
    violation(last_seen=at(10, 14, 59), count=1)
    violation(last_seen=at(10, 15), count=2)
    trends = violation_trends(window=timedelta(hours=1), bucket=timedelta(minutes=15), now=NOW)
    assert trends.buckets == [at(9, 45), at(10), at(10, 15), at(10, 30)]
    assert trends.series[0].counts == [0, 1, 2, 0]


def test_no_violations_no_series() -> None:
    trends = violation_trends(window=timedelta(hours=24), bucket=timedelta(hours=1), now=NOW)
    assert len(trends.buckets) == 24
    assert trends.series == []


@pytest.mark.parametrize(
    ("window", "bucket"),
    [(timedelta(hours=1), timedelta(0)), (timedelta(hours=1), timedelta(seconds=1.5)),
     (timedelta(days=365), timedelta(minutes=1))],
)  # fmt: skip
def test_unusable_buckets_are_refused(window: timedelta, bucket: timedelta) -> None:
    with pytest.raises(ValueError, match="bucket"):
        violation_trends(window=window, bucket=bucket)


# -- coverage ------------------------------------------------------------------------------


def _pact_descriptions(path: Path) -> list[str]:
    return [i["description"] for i in json.loads(path.read_text())["interactions"]]


@pytest.fixture
def report_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "pact-verification.json"
    settings.PACT_VERIFICATION_REPORT = path
    return path


def record_http_verification(path: Path, outcomes: dict[str, str]) -> None:
    """`pact verifier --json` reports of both consumers' HTTP pacts (the Python SDK's and the
    web app's), each recorded as its own pact: OK unless ``outcomes`` says."""
    for pact in (HTTP_PACT, WEB_HTTP_PACT):
        results = [
            {"description": d, "duration": "40ms", "result": outcomes.get(d, "OK")}
            for d in _pact_descriptions(pact)
            if outcomes.get(d) != "absent"
        ]
        report = {"result": "Error" not in outcomes.values(), "interactionResults": results,
                  "errors": [], "notices": [], "pendingErrors": [], "output": ["..."]}  # fmt: skip
        consumer = json.loads(pact.read_text())["consumer"]["name"]
        verification_record(
            path, provider="VideoPlanet-Backend", consumer=consumer, report=report,
            verified_at=NOW - timedelta(hours=1),
        )  # fmt: skip


def rows_by_key(window: timedelta = timedelta(hours=24)) -> dict[tuple[str, str], CoverageRow]:
    rows = coverage_matrix(window=window, now=NOW)
    keyed = {(r.method, r.endpoint): r for r in rows}
    assert len(keyed) == len(rows)  # one row each
    return keyed


def test_one_row_per_documented_operation_and_message_type(report_file: Path) -> None:
    rows = coverage_matrix(window=timedelta(hours=24), now=NOW)
    operations = {
        (method.upper(), template)
        for template, item in committed_validator().document["paths"].items()
        for method in item
    }
    assert {(r.method, r.endpoint) for r in rows if r.kind == "http"} == operations
    assert {r.endpoint for r in rows if r.kind == "ws"} == {*SERVER_EVENTS, *CLIENT_MESSAGES}
    assert all(r.documented for r in rows)


def test_pact_coverage_comes_from_the_committed_pacts(report_file: Path) -> None:
    rows = rows_by_key()
    # Both consumers' pacts count (the Python SDK's and the web app's).
    # Two interactions each: success and an error contract (or two phrasings).
    assert rows[("GET", "/api/v1/me")].pact_interactions == 2 + 2
    # SDK: at a timestamp, at a frame, an invalid priority; web: with a screenshot, an
    # invalid priority, a viewer's 403
    assert rows[("POST", "/api/v1/feedbacks")].pact_interactions == 3 + 3
    # A percent-encoded path parameter still finds its operation.
    assert (
        rows[("DELETE", "/api/v1/comments/{comment_id}/reactions/{emoji}")].pact_interactions
        == 1 + 1
    )
    assert rows[("WS", "feedback.created")].pact_interactions == 1 + 1
    assert rows[("WS", "comment.added")].pact_interactions == 2 + 1
    assert rows[("WS", "ping")].pact_interactions == 0  # the SDK sends it; no pact yet
    intake = rows[("POST", "/api/monitoring/contract-violations")]
    assert (intake.pact_interactions, intake.verification) == (0, "no_pact")
    assert intake.status == "amber"
    assert "no consumer pact" in intake.reasons


def test_without_a_verification_report_nothing_is_verified(report_file: Path) -> None:
    rows = rows_by_key()
    me = rows[("GET", "/api/v1/me")]
    assert (me.verification, me.verified_at, me.status) == ("never_verified", None, "amber")
    assert "pact never verified" in me.reasons


def test_statuses_from_verification_sightings_and_violations(report_file: Path) -> None:
    record_http_verification(
        report_file,
        {"a request to list feedbacks": "Error", "a request to sign up": "absent"},
    )
    for method, endpoint in [("GET", "/api/v1/me"), ("GET", "/api/v1/feedbacks"),
                             ("POST", "/api/v1/feedbacks"), ("POST", "/api/v1/auth/register"),
                             ("WS", "feedback.created")]:  # fmt: skip
        Sighting.objects.create(
            method=method, endpoint=endpoint, last_seen=NOW - timedelta(hours=2)
        )
    Sighting.objects.create(
        method="GET", endpoint="/api/v1/projects", last_seen=NOW - timedelta(days=2)
    )
    violation(last_seen=NOW - timedelta(hours=3), count=2)  # POST /api/v1/feedbacks
    violation(last_seen=NOW - timedelta(minutes=5), count=1, source="server")
    violation(last_seen=NOW - timedelta(hours=30), count=100)  # outside the window
    violation(last_seen=NOW - timedelta(hours=1), endpoint="/api/v1/legacy", method="GET", count=4)

    rows = rows_by_key()

    me = rows[("GET", "/api/v1/me")]
    assert (me.verification, me.seen, me.violations, me.status) == ("passed", True, 0, "green")
    assert me.verified_at == NOW - timedelta(hours=1)
    assert me.reasons == ()
    listing = rows[("GET", "/api/v1/feedbacks")]
    assert (listing.verification, listing.status) == ("failed", "red")
    assert listing.reasons == ("provider verification failed",)
    create = rows[("POST", "/api/v1/feedbacks")]
    assert (create.verification, create.violations, create.status) == ("passed", 3, "red")
    assert create.reasons == ("3 violations in the window",)
    projects = rows[("GET", "/api/v1/projects")]
    assert (projects.seen, projects.last_seen, projects.status) == (
        False, NOW - timedelta(days=2), "amber",
    )  # fmt: skip
    assert projects.reasons == ("not seen in the window",)
    sign_up = rows[("POST", "/api/v1/auth/register")]
    assert (sign_up.verification, sign_up.status) == ("never_verified", "amber")
    room = rows[("WS", "feedback.created")]  # the message pact was never verified
    assert (room.verification, room.seen, room.status) == ("never_verified", True, "amber")
    legacy = rows[("GET", "/api/v1/legacy")]
    assert (legacy.documented, legacy.violations, legacy.status) == (False, 4, "red")
    assert legacy.reasons[0] == "not documented"


def test_a_wider_window_sees_older_sightings_and_violations(report_file: Path) -> None:
    record_http_verification(report_file, {})
    Sighting.objects.create(
        method="GET", endpoint="/api/v1/projects", last_seen=NOW - timedelta(days=2)
    )
    violation(last_seen=NOW - timedelta(days=3), endpoint="/api/v1/projects", method="GET", count=6)
    day = rows_by_key(timedelta(hours=24))[("GET", "/api/v1/projects")]
    week = rows_by_key(timedelta(days=7))[("GET", "/api/v1/projects")]
    assert (day.seen, day.violations, day.status) == (False, 0, "amber")
    assert (week.seen, week.violations, week.status) == (True, 6, "red")


def test_an_unreadable_report_counts_as_never_verified(report_file: Path) -> None:
    report_file.write_text("{half a report")
    assert rows_by_key()[("GET", "/api/v1/me")].verification == "never_verified"


def test_recording_a_verification_keeps_the_other_providers(report_file: Path) -> None:
    record_http_verification(report_file, {})
    verification_record(
        report_file,
        provider="VideoPlanet-Backend-Realtime",
        report={
            "interactionResults": [{"description": "a feedback.created event", "result": "OK"}]
        },
        verified_at=NOW,
    )
    rows = rows_by_key()
    assert rows[("GET", "/api/v1/me")].verification == "passed"
    assert rows[("WS", "feedback.created")].verification == "passed"
    recorded = json.loads(report_file.read_text())
    assert "output" not in recorded["VideoPlanet-Python-SDK/VideoPlanet-Backend"]["report"]


def test_each_consumers_pact_keeps_its_own_verification(report_file: Path) -> None:
    """The web app's verification does not erase the SDK's (one provider, two pacts)."""
    record_http_verification(report_file, {})
    verification_record(
        report_file,
        provider="VideoPlanet-Backend",
        consumer="VideoPlanet-Frontend",
        report={
            "interactionResults": [
                {"description": "a request by a viewer to create feedback", "result": "Error"}
            ]
        },
        verified_at=NOW,
    )
    rows = rows_by_key()
    assert rows[("GET", "/api/v1/auth/tokens")].verification == "passed"  # the SDK's only
    assert rows[("POST", "/api/v1/feedbacks")].verification == "failed"


# -- hourly sums ---------------------------------------------------------------------------


def test_the_window_starts_within_an_hour_and_counts_each_violation_once(
    report_file: Path,
) -> None:
    since = NOW - timedelta(hours=24)  # 10:30 yesterday
    violation(last_seen=since - timedelta(minutes=1), count=100)  # just before the window
    violation(last_seen=since, count=1)  # its first instant, in a partial hour
    violation(last_seen=since + timedelta(minutes=29), count=2)  # the same partial hour
    violation(last_seen=since + timedelta(minutes=30), count=4)  # the first whole hour
    violation(last_seen=NOW - timedelta(minutes=1), count=8)
    assert rows_by_key()[("POST", "/api/v1/feedbacks")].violations == 15


def test_hourly_sums_follow_the_stored_violations() -> None:
    violation(last_seen=at(9, 0), count=2)
    violation(last_seen=at(9, 59, 59, 999_999), count=3)
    violation(last_seen=at(10, 0), count=4)
    violation(last_seen=at(9, 30), endpoint="user.left", method="WS", type="message")
    sums = {(h.hour, h.method, h.endpoint): h.count for h in ViolationHour.objects.all()}
    assert sums == {
        (at(9), "POST", "/api/v1/feedbacks"): 5,
        (at(10), "POST", "/api/v1/feedbacks"): 4,
        (at(9), "WS", "user.left"): 1,
    }
    six_hours = violation_trends(window=timedelta(hours=12), bucket=timedelta(hours=6), now=NOW)
    assert six_hours.buckets == [at(0), at(6)]
    assert [(s.endpoint, s.counts) for s in six_hours.series] == [
        ("/api/v1/feedbacks", [0, 9]),
        ("user.left", [0, 1]),
    ]
