"""POST /api/monitoring/contract-violations: reports in, envelope errors out, all or nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone

from videoplanet.accounts.services import token_issue
from videoplanet.monitoring.models import DroppedTotal, Violation, ViolationTotal
from videoplanet.monitoring.services import reporter_issue, violations_store

from .conftest import URL, entry, iso, report

pytestmark = pytest.mark.django_db


def stored_nothing() -> bool:
    return not (
        Violation.objects.exists()
        or ViolationTotal.objects.exists()
        or DroppedTotal.objects.exists()
    )


def test_a_report_is_stored_and_acknowledged(as_reporter: Any) -> None:
    last_seen = timezone.now().replace(microsecond=0) - timedelta(minutes=2)
    http = entry(
        count=12,
        last_seen=last_seen,
        errors=[
            "$.priority: must be one of low, medium, high, critical",
            "$.timestamp: expected number",
        ],
    )
    ws = entry(
        endpoint="feedback.created", method="WS", type="message", direction="incoming", count=3
    )
    response = as_reporter.post(URL, report(http, ws, dropped=7), format="json")

    assert response.status_code == 202
    assert response.json() == {"accepted": 2}
    stored = Violation.objects.get(method="POST")
    assert (stored.source, stored.endpoint, stored.type, stored.direction) == (
        "VideoPlanet-Frontend", "/api/v1/feedbacks", "request", "outgoing",
    )  # fmt: skip
    assert stored.count == 12
    assert stored.last_seen == last_seen
    assert stored.first_seen == last_seen - timedelta(seconds=57)
    assert stored.errors == http["errors"]
    assert stored.unique_errors == 2
    totals = {(t.method, t.endpoint, t.type): t.count for t in ViolationTotal.objects.all()}
    assert totals == {
        ("POST", "/api/v1/feedbacks", "request"): 12,
        ("WS", "feedback.created", "message"): 3,
    }
    assert DroppedTotal.objects.get(source="VideoPlanet-Frontend").count == 7


def test_totals_add_up_across_reports_while_entries_stay_apart(as_reporter: Any) -> None:
    for count in (5, 7):
        assert as_reporter.post(URL, report(entry(count=count)), format="json").status_code == 202
    assert ViolationTotal.objects.get().count == 12
    assert sorted(Violation.objects.values_list("count", flat=True)) == [5, 7]


def test_an_empty_report_carrying_only_drops_is_accepted(as_reporter: Any) -> None:
    response = as_reporter.post(URL, report(dropped=40), format="json")
    assert response.json() == {"accepted": 0}
    assert DroppedTotal.objects.get().count == 40
    assert not Violation.objects.exists()


def test_a_concrete_path_is_stored_as_its_operation(as_reporter: Any) -> None:
    path = "/api/v1/feedbacks/550e8400-e29b-41d4-a716-446655440000"
    as_reporter.post(
        URL, report(entry(endpoint=path, method="GET", type="response")), format="json"
    )
    assert Violation.objects.get().endpoint == "/api/v1/feedbacks/{feedback_id}"
    assert ViolationTotal.objects.get().endpoint == "/api/v1/feedbacks/{feedback_id}"


def test_a_path_template_is_stored_as_itself(as_reporter: Any) -> None:
    template = "/api/v1/feedbacks/{feedback_id}"
    as_reporter.post(
        URL, report(entry(endpoint=template, method="GET", type="response")), format="json"
    )
    assert Violation.objects.get().endpoint == template


def test_invented_endpoints_are_counted_as_other_with_the_detail_in_the_errors(
    as_reporter: Any, scraper: Any
) -> None:
    invented = [
        *(entry(endpoint=f"/api/v1/made-up/{n}", method="GET", count=2) for n in range(30)),
        entry(endpoint="/api/v1/me", method="DELETE", count=1),  # a path, not an operation
        entry(endpoint=f"evil.{'x' * 40}", method="WS", type="message", count=3),
    ]
    response = as_reporter.post(URL, report(*invented), format="json")
    assert response.status_code == 202
    assert set(Violation.objects.values_list("endpoint", flat=True)) == {"other"}
    totals = {(t.method, t.endpoint, t.type): t.count for t in ViolationTotal.objects.all()}
    assert totals == {
        ("GET", "other", "request"): 60,
        ("DELETE", "other", "request"): 1,
        ("WS", "other", "message"): 3,
    }
    first = Violation.objects.filter(method="GET").order_by("id").first()
    assert first is not None
    assert first.errors[0] == "reported endpoint '/api/v1/made-up/0': not in the contract"
    assert first.unique_errors == 2
    exposed = scraper.get("/metrics").content.decode()
    assert "made-up" not in exposed and "evil." not in exposed
    assert 'endpoint="other"' in exposed


def test_each_source_has_a_limited_number_of_keys(as_reporter: Any, settings: Any) -> None:
    settings.MONITORING_MAX_KEYS_PER_SOURCE = 2
    operations = [
        entry(endpoint="/api/v1/feedbacks", method="POST"),
        entry(endpoint="/api/v1/me", method="GET", type="response"),
        entry(endpoint="/api/v1/projects", method="GET", type="response", count=4),
    ]
    assert as_reporter.post(URL, report(*operations), format="json").status_code == 202
    again = entry(endpoint="/api/v1/me", method="GET", type="response", count=5)
    assert as_reporter.post(URL, report(again), format="json").status_code == 202
    totals = {(t.method, t.endpoint, t.type): t.count for t in ViolationTotal.objects.all()}
    assert totals == {
        ("POST", "/api/v1/feedbacks", "request"): 12,
        ("GET", "/api/v1/me", "response"): 17,  # a key it had keeps counting
        ("GET", "other", "response"): 4,
    }
    overflow = Violation.objects.get(endpoint="other")
    assert overflow.errors[0] == (
        "reported endpoint '/api/v1/projects': over VideoPlanet-Frontend's 2 keys"
    )
    # The cap is per source: the server's own count does not depend on the frontend's.
    violations_store(source="server", report=report(operations[2]))
    assert ViolationTotal.objects.get(source="server").endpoint == "/api/v1/projects"


def test_reports_are_rate_limited_per_reporter(
    as_reporter: Any, client_factory: Callable[[Any], Any], settings: Any
) -> None:
    cache.clear()
    settings.MONITORING_REPORT_RATE = "3/min"
    try:
        statuses = [
            as_reporter.post(URL, report(entry()), format="json").status_code for _ in range(4)
        ]
        assert statuses == [202, 202, 202, 429]
        limited = as_reporter.post(URL, report(entry()), format="json")
        assert limited.json()["code"] == "rate_limited"
        assert 0 < int(limited["Retry-After"]) <= 60
        assert Violation.objects.count() == 3  # nothing of the refused reports was kept
        # Another reporter has its own allowance.
        other = client_factory(None)
        other.credentials(HTTP_AUTHORIZATION=f"Bearer {reporter_issue(name='Other')[1]}")
        assert other.post(URL, report(entry()), format="json").status_code == 202
    finally:
        cache.clear()


def test_times_from_a_clock_running_ahead_are_clamped_to_arrival(as_reporter: Any) -> None:
    ahead = timezone.now() + timedelta(days=2)
    before = timezone.now()
    as_reporter.post(URL, report(entry(first_seen=ahead, last_seen=ahead)), format="json")
    stored = Violation.objects.get()
    assert before <= stored.last_seen == stored.received_at <= timezone.now()
    assert stored.first_seen == stored.last_seen


def test_repeated_errors_are_stored_once(as_reporter: Any) -> None:
    body = report(entry(errors=["$.a: required", "$.a: required", "$.b: required"]))
    body["violations"][0]["uniqueErrors"] = 2
    as_reporter.post(URL, body, format="json")
    assert Violation.objects.get().errors == ["$.a: required", "$.b: required"]


def test_unique_errors_defaults_to_the_distinct_errors(as_reporter: Any) -> None:
    body = report(entry(errors=["$.a: required", "$.b: required"]))
    del body["violations"][0]["uniqueErrors"]
    assert as_reporter.post(URL, body, format="json").status_code == 202
    assert Violation.objects.get().unique_errors == 2


# -- invalid reports -----------------------------------------------------------------------


def _with(**changes: Any) -> Callable[[], dict[str, Any]]:
    return lambda: report(entry(**changes))


def _bad_key() -> dict[str, Any]:
    return report(entry(key="POST:/api/v1/feedbacks:response"))


def _too_many_entries() -> dict[str, Any]:
    return report(*[entry() for _ in range(1001)])


def _no_timestamp() -> dict[str, Any]:
    body = report(entry())
    del body["timestamp"]
    return body


def _late_first_seen() -> dict[str, Any]:
    now = timezone.now()
    return report(entry(first_seen=now, last_seen=now - timedelta(seconds=1)))


INVALID: dict[str, tuple[Callable[[], Any], str, str]] = {
    "key not method:endpoint:type": (_bad_key, "violations.0.key", "{method}:{endpoint}:{type}"),
    "more than 1000 entries": (_too_many_entries, "violations", "no more than 1000"),
    "more than 50 errors": (
        _with(errors=[f"$.f{i}: required" for i in range(51)]), "violations.0.errors", "no more than 50",
    ),
    "an error over 1000 characters": (
        _with(errors=["x" * 1001]), "violations.0.errors.0", "no more than 1000 characters",
    ),
    "an endpoint over 255 characters": (
        _with(endpoint="/" + "a" * 255), "violations.0.endpoint", "no more than 255 characters",
    ),
    "count 0": (_with(count=0), "violations.0.count", "greater than or equal to 1"),
    "count as a string": (_with(count="12"), "violations.0.count", "Must be an integer."),
    "count as a float": (_with(count=1.5), "violations.0.count", "Must be an integer."),
    "firstSeen after lastSeen": (_late_first_seen, "violations.0.lastSeen", "not be before firstSeen"),
    "lastSeen not a datetime": (_with(lastSeen="yesterday"), "violations.0.lastSeen", "Datetime"),
    "an unknown method": (_with(method="FETCH"), "violations.0.method", "not a valid choice"),
    "an unknown type": (_with(type="event"), "violations.0.type", "not a valid choice"),
    "an unknown direction": (_with(direction="sideways"), "violations.0.direction", "not a valid choice"),
    "a WS entry that is not a message": (
        _with(method="WS", endpoint="ping"), "violations.0.type", "A WS entry's type is message",
    ),
    "an HTTP entry that is a message": (_with(type="message"), "violations.0.type", "HTTP entry"),
    "fewer unique errors than sent": (
        _with(errors=["$.a: x", "$.b: y"], uniqueErrors=1), "violations.0.uniqueErrors", "at least the 2",
    ),
    "negative dropped": (lambda: report(entry(), dropped=-1), "dropped", "greater than or equal to 0"),
    "no timestamp": (_no_timestamp, "timestamp", "required"),
    "violations not a list": (lambda: {"timestamp": iso(timezone.now()), "violations": {}}, "violations", "list"),
    "a list instead of a report": (lambda: [entry()], "non_field_errors", "JSON object"),
}  # fmt: skip


@pytest.mark.parametrize("case", INVALID, ids=list(INVALID))
def test_an_invalid_report_is_a_400_naming_the_field_and_stores_nothing(
    case: str, as_reporter: Any
) -> None:
    build, field, message = INVALID[case]
    response = as_reporter.post(URL, build(), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["details"], body["details"]
    assert any(message in text for text in body["details"][field]), body["details"][field]
    assert stored_nothing()


def test_one_bad_entry_rejects_the_whole_report(as_reporter: Any) -> None:
    body = report(entry(), entry(endpoint="/api/v1/me", method="GET"), entry(count=-3), dropped=5)
    response = as_reporter.post(URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["violations.2.count"]
    assert stored_nothing()


def test_malformed_json_is_a_400(as_reporter: Any) -> None:
    response = as_reporter.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"
    assert stored_nothing()


def test_a_body_that_is_not_json_is_a_415(as_reporter: Any) -> None:
    response = as_reporter.post(URL, "violations", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_body_over_the_size_limit_is_a_413(as_reporter: Any, settings: Any) -> None:
    settings.MAX_REQUEST_BODY_BYTES = 2000
    body = report(*[entry() for _ in range(20)])
    assert len(json.dumps(body)) > 2000
    response = as_reporter.post(URL, body, format="json")
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert stored_nothing()


def test_in_enforce_mode_the_contract_middleware_rejects_what_the_document_forbids(
    as_reporter: Any, settings: Any
) -> None:
    settings.CONTRACT_VALIDATION = "enforce"
    response = as_reporter.post(URL, report(entry(count=0, direction="up")), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "contract_violation"
    assert set(response.json()["details"]) == {"violations.0.count", "violations.0.direction"}
    assert stored_nothing()
    # ...and a valid report passes the document on its way to the intake.
    assert as_reporter.post(URL, report(entry()), format="json").status_code == 202


# -- who may report ------------------------------------------------------------------------


def test_without_a_token_it_is_a_401_with_a_challenge(anon: Any) -> None:
    response = anon.post(URL, report(entry()), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert stored_nothing()


@pytest.mark.parametrize("token", ["vpr_unknown", "two words"])
def test_an_unknown_token_is_a_401(token: str, anon: Any) -> None:
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = anon.post(URL, report(entry()), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert stored_nothing()


def test_an_inactive_reporter_is_a_401(as_reporter: Any, reporter: Any) -> None:
    reporter.is_active = False
    reporter.save()
    response = as_reporter.post(URL, report(entry()), format="json")
    assert response.status_code == 401
    assert stored_nothing()


def test_a_users_api_token_cannot_report_even_a_staff_users(anon: Any, staff: Any) -> None:
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=staff)}")
    response = anon.post(URL, report(entry()), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert stored_nothing()


def test_a_reporter_token_opens_nothing_under_api_v1(as_reporter: Any) -> None:
    response = as_reporter.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    response = as_reporter.post("/api/v1/projects", {"name": "x"}, format="json")
    assert response.status_code == 401


def test_a_reporter_token_cannot_read_what_was_reported(as_reporter: Any) -> None:
    response = as_reporter.get(URL)
    assert response.status_code == 401
    assert as_reporter.get("/api/monitoring/coverage").status_code == 401
