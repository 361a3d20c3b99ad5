"""The contract dashboard page, /monitoring/contracts: staff only, three panels, filters."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import UserFactory
from videoplanet.monitoring.dashboard import (
    DEFAULT_WINDOW,
    ERRORS_SHOWN,
    RECENT_ROWS,
    TOP_SERIES,
    WINDOWS,
    nice_step,
    trend_chart,
)
from videoplanet.monitoring.models import Sighting, UsageHour
from videoplanet.monitoring.selectors import Trends, TrendSeries
from videoplanet.monitoring.services import reporter_issue
from videoplanet.monitoring.verification import verification_record

from .conftest import violation

pytestmark = pytest.mark.django_db

URL = "/monitoring/contracts"
REPO = Path(__file__).resolve().parents[3]
HTTP_PACT = REPO / "pacts" / "VideoPlanet-Python-SDK-VideoPlanet-Backend.json"


@pytest.fixture
def staff_client(client: Client) -> Client:
    client.force_login(UserFactory(is_staff=True))
    return client


@pytest.fixture
def report_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "pact-verification.json"
    settings.PACT_VERIFICATION_REPORT = path
    return path


def page(client: Client, **params: str) -> tuple[Any, str]:
    response = client.get(URL, params)
    return response, response.content.decode()


def attr_values(html: str, name: str) -> list[str]:
    """The values of every ``name="..."`` attribute, in document order, unescaped."""
    return [unescape(v) for v in re.findall(rf'\b{name}="([^"]*)"', html)]


def recent_ids(html: str) -> list[int]:
    return [int(v) for v in attr_values(html, "data-violation")]


def matrix_status(html: str) -> dict[str, str]:
    rows = re.findall(r'<tr class="status-\w+" data-status="(\w+)" data-operation="([^"]*)"', html)
    return {unescape(operation): status for status, operation in rows}


# -- who may see it ------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == "/admin/login/"
    assert parse_qs(target.query)["next"] == [URL]


def test_signed_in_users_who_are_not_staff_are_sent_to_the_login(client: Client) -> None:
    client.force_login(UserFactory(is_staff=False))
    response = client.get(URL)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/admin/login/"


def test_the_login_form_leads_staff_to_the_dashboard(client: Client) -> None:
    staff = UserFactory(is_staff=True)
    response = client.post(
        f"/admin/login/?next={URL}",
        {"username": staff.email, "password": "correct-horse-battery", "next": URL},
    )
    assert response.status_code == 302
    assert response["Location"] == URL
    assert client.get(URL).status_code == 200


def test_staff_see_three_panels_and_nothing_from_the_network(staff_client: Client) -> None:
    response, html = page(staff_client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "no-cache" in response["Cache-Control"]
    for heading in ("Violation trends", "Coverage matrix", "Recent violations"):
        assert re.search(rf"<h2[^>]*>{heading}", html)
    assert "<script" not in html
    for url in attr_values(html, "href") + attr_values(html, "src"):
        assert not re.match(r"(https?:)?//", url), url  # everything from this server
    assert "/static/monitoring/dashboard.css" in html


def test_only_get_and_head(staff_client: Client) -> None:
    assert staff_client.post(URL).status_code == 405


# -- violation trends ----------------------------------------------------------------------


def test_one_line_per_endpoint_over_the_last_24_hours(staff_client: Client) -> None:
    now = timezone.now()
    violation(last_seen=now - timedelta(minutes=5), count=3)
    violation(last_seen=now - timedelta(hours=5), count=2)
    violation(last_seen=now - timedelta(hours=2), endpoint="/api/v1/me", method="GET", count=7)
    violation(last_seen=now - timedelta(days=3), endpoint="/api/v1/projects", method="GET")

    response, html = page(staff_client)

    series = dict(
        zip(attr_values(html, "data-series"), attr_values(html, "data-total"), strict=True)
    )
    assert series == {"GET /api/v1/me": "7", "POST /api/v1/feedbacks": "5"}
    chart = response.context["chart"]
    assert len(chart.rows) == 24  # hourly buckets
    assert [len(s.points.split()) for s in chart.series] == [24, 24]
    assert "Contract violations per hour, last 24 hours" in html
    assert 'aria-current="page" class="current">Last 24 hours' in html


def test_the_7_day_window_has_6_hour_buckets_and_older_violations(staff_client: Client) -> None:
    now = timezone.now()
    violation(last_seen=now - timedelta(minutes=5), count=3)
    violation(last_seen=now - timedelta(days=3), endpoint="/api/v1/projects", method="GET")

    response, html = page(staff_client, window="7d")

    assert set(attr_values(html, "data-series")) == {
        "POST /api/v1/feedbacks",
        "GET /api/v1/projects",
    }
    assert len(response.context["chart"].rows) == 28
    assert "Contract violations per 6 hours, last 7 days" in html
    assert 'aria-current="page" class="current">Last 7 days' in html


def test_no_violations_says_so(staff_client: Client) -> None:
    _, html = page(staff_client)
    assert "No contract violations in the last 24 hours." in html
    assert "data-series" not in html


def test_the_biggest_endpoints_are_drawn_and_the_rest_summed_as_other(
    staff_client: Client,
) -> None:
    now = timezone.now() - timedelta(minutes=1)
    for i in range(TOP_SERIES + 3):
        violation(last_seen=now, endpoint=f"/api/v1/e{i:02}", method="GET", count=100 - i)

    _, html = page(staff_client)

    totals = dict(
        zip(attr_values(html, "data-series"), attr_values(html, "data-total"), strict=True)
    )
    assert list(totals)[:TOP_SERIES] == [f"GET /api/v1/e{i:02}" for i in range(TOP_SERIES)]
    assert totals["other (3 endpoints)"] == str(
        sum(100 - i for i in range(TOP_SERIES, TOP_SERIES + 3))
    )
    assert len(totals) == TOP_SERIES + 1


def test_chart_coordinates_and_axis_labels() -> None:
    start = datetime(2026, 11, 23, 0, tzinfo=UTC)
    trends = Trends(
        buckets=[start + timedelta(hours=i) for i in range(24)],
        bucket=timedelta(hours=1),
        series=[TrendSeries("POST", "/api/v1/feedbacks", [0] * 23 + [37])],
    )
    chart = trend_chart(trends, DEFAULT_WINDOW)
    [series] = chart.series
    points = [tuple(map(float, p.split(","))) for p in series.points.split()]
    assert points[0] == (chart.left, chart.bottom)  # 0 at the first bucket
    assert points[-1] == (
        chart.right,
        pytest.approx(chart.bottom - (chart.bottom - chart.top) * 37 / 40, abs=0.1),
    )
    assert [t.label for t in chart.y_ticks] == ["0", "10", "20", "30", "40"]
    assert [t.label for t in chart.x_ticks] == [f"{h:02}:00" for h in range(0, 24, 3)]
    assert chart.x_ticks[0].position == chart.left

    week = Trends(
        buckets=[datetime(2026, 11, 17, tzinfo=UTC) + timedelta(hours=6 * i) for i in range(28)],
        bucket=timedelta(hours=6),
        series=[TrendSeries("GET", "/api/v1/me", [1] * 28)],
    )
    ticks = trend_chart(week, WINDOWS["7d"]).x_ticks
    assert [t.label for t in ticks] == ["Tue 17 Nov", "Wed 18 Nov", "Thu 19 Nov", "Fri 20 Nov",
                                        "Sat 21 Nov", "Sun 22 Nov", "Mon 23 Nov"]  # fmt: skip
    # The label at the left edge starts there instead of being cut in half.
    assert [t.anchor for t in ticks] == ["start", *["middle"] * 6]


@pytest.mark.parametrize(
    ("peak", "step"),
    [(0, 1), (3, 1), (4, 1), (5, 2), (9, 5), (37, 10), (88, 25), (401, 200), (12_345, 5000)],
)
def test_y_axis_steps_are_round(peak: int, step: int) -> None:
    assert nice_step(peak) == step


# -- coverage matrix -----------------------------------------------------------------------


def test_matrix_rows_red_amber_green_with_the_rule(staff_client: Client, report_file: Path) -> None:
    import json

    descriptions = [i["description"] for i in json.loads(HTTP_PACT.read_text())["interactions"]]
    verification_record(
        report_file,
        provider="VideoPlanet-Backend",
        report={"interactionResults": [{"description": d, "result": "OK"} for d in descriptions]},
    )
    now = timezone.now()
    for method, endpoint in [("GET", "/api/v1/me"), ("POST", "/api/v1/feedbacks")]:
        Sighting.objects.create(
            method=method, endpoint=endpoint, last_seen=now - timedelta(hours=1)
        )
    violation(last_seen=now - timedelta(hours=2), count=4)  # POST /api/v1/feedbacks

    _, html = page(staff_client)

    statuses = matrix_status(html)
    assert statuses["GET /api/v1/me"] == "green"
    assert statuses["POST /api/v1/feedbacks"] == "red"
    assert statuses["GET /api/v1/projects"] == "amber"  # never seen at runtime
    assert list(statuses.values()) == sorted(statuses.values(), key=["red", "amber", "green"].index)
    assert "violations in the window, a failed provider verification, or not documented" in html
    assert '<span class="badge green">Green</span>' in html  # a word, not only a colour
    assert "4 violations in the window" in html
    counts = re.search(r"(\d+) red · (\d+) amber · (\d+) green", html)
    assert counts is not None
    assert (int(counts[1]), int(counts[3])) == (1, 1)


def test_the_matrix_follows_the_window(staff_client: Client, report_file: Path) -> None:
    violation(last_seen=timezone.now() - timedelta(days=2), endpoint="/api/v1/legacy", method="GET")
    assert "GET /api/v1/legacy" not in matrix_status(page(staff_client)[1])
    assert matrix_status(page(staff_client, window="7d")[1])["GET /api/v1/legacy"] == "red"


def consumer_calls(html: str, operation: str) -> list[str]:
    row = re.search(rf'data-operation="{re.escape(operation)}">(.*?)</tr>', html, re.S)
    assert row is not None, operation
    return re.findall(r'<td class="num consumer-calls">(\d+)</td>', row.group(1))


def test_the_matrix_has_a_column_of_calls_per_consumer(
    staff_client: Client, report_file: Path
) -> None:
    now = timezone.now()
    for consumer, hours_ago, count in (("Frontend", 1, 40), ("Frontend", 30, 5), ("Mobile", 2, 7)):
        UsageHour.objects.create(
            hour=now - timedelta(hours=hours_ago), consumer=consumer, version="1.0",
            operation="GET /api/v1/me", kind="call", count=count,
        )  # fmt: skip
    UsageHour.objects.create(
        hour=now, consumer="Mobile", version="1.0", operation="ping", kind="sent", count=3
    )
    html = page(staff_client)[1]
    headers = re.findall(r'<th scope="col" class="num consumer"[^>]*>([^<]+)</th>', html)
    assert headers == ["Frontend", "Mobile"]
    assert consumer_calls(html, "GET /api/v1/me") == ["40", "7"]  # 30 hours ago: not in 24h
    assert consumer_calls(html, "WS ping") == ["0", "3"]
    assert consumer_calls(page(staff_client, window="7d")[1], "GET /api/v1/me") == ["45", "7"]


def test_what_no_consumer_used_in_30_days(staff_client: Client) -> None:
    html = page(staff_client)[1]
    assert re.search(r"<h2[^>]*>Fields no consumer used in 30 days", html)
    assert "less than 30 days" in html  # no usage recorded yet: weak evidence, and it says so
    # Nobody called it and no committed pact exercises it.
    assert "GET /api/monitoring/coverage: no pact exercises it and no consumer called it" in (
        unescape(html)
    )


# -- recent violations ---------------------------------------------------------------------


def test_newest_first_with_their_errors(staff_client: Client) -> None:
    now = timezone.now().replace(microsecond=0)
    old = violation(last_seen=now - timedelta(hours=3))
    new = violation(
        last_seen=now - timedelta(minutes=1),
        first_seen=now - timedelta(minutes=2),
        endpoint="/api/v1/me",
        method="GET",
        type="response",
        direction="incoming",
        count=4,
        unique_errors=2,
        errors=["$.email: required", "$.name: not a string"],
        source="server",
    )
    _, html = page(staff_client)
    assert recent_ids(html) == [new.id, old.id]
    row = html[html.index(f'data-violation="{new.id}"') : html.index(f'data-violation="{old.id}"')]
    for text in ["$.email: required", "$.name: not a string", "2 unique", ">4<", ">server<",
                 ">incoming<", ">GET<", "/api/v1/me", ">response<",
                 (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"),
                 (now - timedelta(minutes=2)).strftime("%Y-%m-%d %H:%M:%S")]:  # fmt: skip
        assert text in row, text


def test_long_error_lists_are_cut(staff_client: Client) -> None:
    violation(errors=[f"$.field{i}: wrong" for i in range(ERRORS_SHOWN + 5)], unique_errors=15)
    _, html = page(staff_client)
    assert f"$.field{ERRORS_SHOWN - 1}: wrong" in html
    assert f"$.field{ERRORS_SHOWN}: wrong" not in html
    assert "and 5 more" in html


def test_reported_text_is_escaped(staff_client: Client) -> None:
    violation(endpoint="/api/<script>alert(1)</script>", errors=["<img src=x onerror=alert(1)>"])
    _, html = page(staff_client, window="7d")
    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_each_filter_narrows_the_list(staff_client: Client) -> None:
    now = timezone.now()
    me = violation(last_seen=now - timedelta(minutes=1), endpoint="/api/v1/me", method="GET",
                   type="response")  # fmt: skip
    old_me = violation(last_seen=now - timedelta(days=2), endpoint="/api/v1/me", method="GET",
                       type="response")  # fmt: skip
    server = violation(last_seen=now - timedelta(minutes=2), source="server")
    ws = violation(last_seen=now - timedelta(minutes=3), endpoint="feedback.created", method="WS",
                   type="message", direction="incoming")  # fmt: skip

    assert recent_ids(page(staff_client)[1]) == [me.id, server.id, ws.id, old_me.id]
    assert recent_ids(page(staff_client, endpoint="/api/v1/me")[1]) == [me.id, old_me.id]
    assert recent_ids(page(staff_client, type="response")[1]) == [me.id, old_me.id]
    assert recent_ids(page(staff_client, type="message")[1]) == [ws.id]
    assert recent_ids(page(staff_client, source="server")[1]) == [server.id]
    since = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")  # as <input type=datetime-local>
    assert recent_ids(page(staff_client, since=since, type="response")[1]) == [me.id]
    _, html = page(staff_client, source="nobody")
    assert recent_ids(html) == []
    assert "No violations match." in html


def test_the_form_keeps_the_filters_and_suggests_endpoints_and_sources(
    staff_client: Client,
) -> None:
    reporter_issue(name="VideoPlanet-Frontend")
    _, html = page(staff_client, window="7d", type="response", source="server")
    assert '<input type="hidden" name="window" value="7d">' in html
    assert '<option value="response" selected>' in html
    assert 'name="source" value="server"' in html
    assert '<option value="VideoPlanet-Frontend">' in html
    assert '<option value="/api/v1/feedbacks">' in html


def test_invalid_filters_answer_400_with_the_reason(staff_client: Client) -> None:
    response, html = page(staff_client, type="sideways", since="yesterday", before="nope")
    assert response.status_code == 400
    assert "Select a valid choice." in html
    assert "Enter a valid date/time." in html
    assert "start from the newest" in html
    assert "Correct the filters above" in html
    assert "Violation trends" in html  # the rest of the page is still there


def test_older_pages_continue_where_the_last_ended(staff_client: Client) -> None:
    now = timezone.now() - timedelta(minutes=1)
    rows = [violation(last_seen=now - timedelta(seconds=i // 2)) for i in range(RECENT_ROWS + 7)]
    expected = [v.id for v in sorted(rows, key=lambda v: (v.last_seen, v.id), reverse=True)]

    response, html = page(staff_client, type="request")
    assert recent_ids(html) == expected[:RECENT_ROWS]
    [older] = re.findall(r'href="([^"]*)#recent" rel="next">Older', html)
    query = parse_qs(urlsplit(unescape(older)).query)
    assert query["type"] == ["request"]  # the filters stay

    assert older.startswith("?")
    response = staff_client.get(URL + unescape(older))
    html = response.content.decode()
    assert recent_ids(html) == expected[RECENT_ROWS:]
    assert "Older</a>" not in html
    assert ">Newest</a>" in html


# -- cost ----------------------------------------------------------------------------------


def test_the_page_costs_the_same_few_queries_however_much_is_stored(
    staff_client: Client, report_file: Path, django_assert_max_num_queries: Any
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(URL, {"window": "7d"}).status_code == 200
        return len(captured)

    violation()
    few = queries()
    now = timezone.now()
    for i in range(RECENT_ROWS + 30):
        violation(last_seen=now - timedelta(hours=i), endpoint=f"/api/v1/x{i % 25}",
                  source=f"reporter-{i % 4}")  # fmt: skip
        Sighting.objects.create(method="GET", endpoint=f"/api/v1/y{i}", last_seen=now)
    for name in ("A", "B", "C"):
        reporter_issue(name=name)
    assert queries() == few
    with django_assert_max_num_queries(9):
        # session, user, trends, coverage (sightings, hourly sums, the first partial
        # hour), usage per consumer (matrix and unused fields), recent, sources
        staff_client.get(URL, {"window": "7d", "type": "request", "source": "reporter-1"})
