"""GET /api/monitoring/contract-violations and /api/monitoring/coverage: staff only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tests.factories import UserFactory

from .conftest import URL, violation

pytestmark = pytest.mark.django_db

COVERAGE = "/api/monitoring/coverage"


def next_link(response: Any) -> str | None:
    link = response.get("Link")
    if not link:
        return None
    url = urlsplit(link.split(";")[0].strip("<>"))
    return f"{url.path}?{url.query}"


def test_staff_list_the_newest_first_with_every_field(as_staff: Any) -> None:
    now = timezone.now().replace(microsecond=0)
    old = violation(last_seen=now - timedelta(hours=2))
    new = violation(
        last_seen=now - timedelta(minutes=1),
        endpoint="/api/v1/me",
        method="GET",
        type="response",
        direction="incoming",
        count=4,
        errors=["$.email: required"],
        source="server",
    )
    response = as_staff.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [new.id, old.id]
    assert body[0] == {
        "id": new.id,
        "source": "server",
        "method": "GET",
        "endpoint": "/api/v1/me",
        "type": "response",
        "direction": "incoming",
        "count": 4,
        "first_seen": body[0]["first_seen"],
        "last_seen": (now - timedelta(minutes=1)).isoformat().replace("+00:00", "Z"),
        "unique_errors": 1,
        "errors": ["$.email: required"],
        "received_at": body[0]["received_at"],
    }
    assert "Link" not in response


def test_filters_reach_the_list(as_staff: Any) -> None:
    now = timezone.now()
    me = violation(last_seen=now, endpoint="/api/v1/me", method="GET", type="response")
    violation(
        last_seen=now - timedelta(days=2), endpoint="/api/v1/me", method="GET", type="response"
    )
    violation(last_seen=now, source="server")
    since = (now - timedelta(hours=1)).isoformat()
    response = as_staff.get(
        URL,
        {
            "endpoint": "/api/v1/me",
            "type": "response",
            "source": "VideoPlanet-Frontend",
            "since": since,
        },
    )
    assert [row["id"] for row in response.json()] == [me.id]


def test_pages_follow_the_link_header_until_the_end(as_staff: Any) -> None:
    now = timezone.now()
    made = [violation(last_seen=now - timedelta(seconds=i // 2)) for i in range(5)]
    expected = [v.id for v in sorted(made, key=lambda v: (v.last_seen, v.id), reverse=True)]
    seen: list[int] = []
    url: str | None = f"{URL}?limit=2&source=VideoPlanet-Frontend"
    while url:
        response = as_staff.get(url)
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()]
        url = next_link(response)
        if url:
            assert parse_qs(urlsplit(url).query)["source"] == ["VideoPlanet-Frontend"]
    assert seen == expected


@pytest.mark.parametrize(
    ("query", "field"),
    [({"limit": 201}, "limit"), ({"limit": 0}, "limit"), ({"cursor": "bm9wZQ"}, "cursor"),
     ({"since": "last week"}, "since"), ({"type": "event"}, "type")],
)  # fmt: skip
def test_bad_query_parameters_are_400s(as_staff: Any, query: dict[str, Any], field: str) -> None:
    response = as_staff.get(URL, query)
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["details"]


def test_coverage_for_staff(as_staff: Any, tmp_path: Any, settings: Any) -> None:
    settings.PACT_VERIFICATION_REPORT = tmp_path / "none.json"
    violation(last_seen=timezone.now(), count=3)
    response = as_staff.get(COVERAGE, {"window_hours": 6})
    assert response.status_code == 200
    body = response.json()
    assert body["window_hours"] == 6
    rows = {(r["method"], r["endpoint"]): r for r in body["rows"]}
    create = rows[("POST", "/api/v1/feedbacks")]
    # three each in the SDK's and the web app's pacts
    assert (create["violations"], create["status"], create["pact_interactions"]) == (3, "red", 6)
    assert create["verification"] == "never_verified"
    assert rows[("WS", "pong")]["kind"] == "ws"


def test_coverage_window_is_bounded(as_staff: Any) -> None:
    assert as_staff.get(COVERAGE, {"window_hours": 0}).status_code == 400
    assert as_staff.get(COVERAGE, {"window_hours": 24 * 91}).status_code == 400


# -- staff only ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, COVERAGE])
def test_a_user_who_is_not_staff_is_refused(url: str, as_user: Any) -> None:
    response = as_user(UserFactory()).get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


@pytest.mark.parametrize("url", [URL, COVERAGE])
def test_anonymous_callers_get_a_401(url: str, anon: Any) -> None:
    response = anon.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", [URL, COVERAGE])
def test_a_staff_session_works_like_a_staff_token(
    url: str, anon: Any, staff: Any, tmp_path: Any, settings: Any
) -> None:
    settings.PACT_VERIFICATION_REPORT = tmp_path / "none.json"
    anon.force_login(staff)
    assert anon.get(url).status_code == 200


def test_a_session_without_staff_is_refused(anon: Any) -> None:
    anon.force_login(UserFactory())
    assert anon.get(URL).status_code == 403


def test_an_inactive_staff_user_is_refused(staff: Any, as_user: Any) -> None:
    client = as_user(staff)
    staff.is_active = False
    staff.save()
    assert client.get(URL).status_code == 401
