"""CONTRACT_VALIDATION: the server holds requests and responses to its OpenAPI document."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from django.test import override_settings
from videoplanet_client.contract import MemoryRecorder, SchemaValidator

from tests.factories import FeedbackFactory
from videoplanet.contracts import validator as validator_module
from videoplanet.contracts.openapi import COMMITTED
from videoplanet.feedback.models import Feedback
from videoplanet.realtime.broadcast import room_event

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedbacks"
enforce = override_settings(CONTRACT_VALIDATION="enforce")
report = override_settings(CONTRACT_VALIDATION="report")
off = override_settings(CONTRACT_VALIDATION="off")


def body(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "video_id": str(world.video.id),
        "timestamp": 30.5,
        "content": "Too loud",
        "priority": "high",
        **changes,
    }


# -- enforce -------------------------------------------------------------------------------


@enforce
def test_enforce_rejects_an_invalid_body_before_any_view_runs(
    world: World, as_user: Any, violations: MemoryRecorder, django_assert_num_queries: Any
) -> None:
    client = as_user(world.reviewer)
    with django_assert_num_queries(0):  # not even the token was looked up
        response = client.post(URL, body(world, priority="urgent", timestamp="soon"), format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "contract_violation",
        "message": "The request does not match the API's OpenAPI document.",
        "details": {
            "priority": ['must be one of "low", "medium", "high", "critical"'],
            "timestamp": ["expected number"],
        },
    }
    assert not Feedback.objects.filter(video=world.video).exists()
    [violation] = violations.violations
    assert violation.key == "POST:/api/v1/feedbacks:request"
    assert (violation.source, violation.direction) == ("server", "incoming")


@enforce
def test_enforce_answers_before_the_membership_check(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    """Another project's video with a bad body: the contract speaks first (400, not 404)."""
    response = as_user(world.reviewer).post(
        URL, body(world, video_id=str(world.other_video.id), secret=1), format="json"
    )
    assert response.status_code == 400
    assert response.json()["details"] == {"secret": ["not a documented field"]}


@enforce
def test_enforce_lets_valid_requests_through_and_records_nothing(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    client = as_user(world.reviewer)
    created = client.post(URL, body(world), format="json")
    assert created.status_code == 201
    listed = client.get(URL, {"video_id": str(world.video.id), "limit": "10"})
    assert listed.status_code == 200
    assert violations.violations == []


@enforce
def test_enforce_checks_query_parameters(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    response = as_user(world.reviewer).get(URL, {"video_id": "abc", "status": "done"})
    assert response.status_code == 400
    assert response.json()["code"] == "contract_violation"
    assert set(response.json()["details"]) == {"video_id", "status"}


@enforce
def test_the_same_bad_query_twice_is_rejected_and_recorded_twice(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    # Requests without a body share one check per path and query string: the verdict is
    # reused, never the recording, and another query string gets its own verdict.
    client = as_user(world.reviewer)
    for _ in range(2):
        response = client.get(URL, {"video_id": "abc", "status": "done"})
        assert response.status_code == 400
        assert set(response.json()["details"]) == {"video_id", "status"}
    assert len(violations.violations) == 2
    assert client.get(URL, {"video_id": str(world.video.id)}).status_code == 200
    assert client.get(URL, {"video_id": str(world.video.id), "status": "x"}).status_code == 400
    assert len(violations.violations) == 3


@enforce
@pytest.mark.contract_unchecked("sends an undocumented query parameter on purpose")
def test_an_undocumented_query_parameter_is_recorded_not_rejected(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    response = as_user(world.reviewer).get(URL, {"video_id": str(world.video.id), "sort": "x"})
    assert response.status_code == 200
    assert violations.violations[0].errors == ("query.sort: not a documented parameter",)


@enforce
def test_a_malformed_id_in_the_path_is_still_a_404(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    response = as_user(world.reviewer).get(f"{URL}/not-a-uuid")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@enforce
def test_a_request_without_credentials_gets_its_401_whatever_its_body(
    anon: Any, violations: MemoryRecorder
) -> None:
    response = anon.post(URL, {"priority": "urgent"}, format="json")
    assert response.status_code == 401


@enforce
def test_bodies_that_are_not_json_are_left_to_the_view(world: World, as_user: Any) -> None:
    client = as_user(world.reviewer)
    malformed = client.post(URL, "{not json", content_type="application/json")
    assert malformed.json()["code"] == "malformed_json"
    form = client.post(URL, "a=b", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415


@enforce
@pytest.mark.contract_unchecked("calls what the document does not have on purpose")
def test_unknown_paths_and_methods_are_left_to_routing(
    world: World, as_user: Any, violations: MemoryRecorder
) -> None:
    client = as_user(world.reviewer)
    assert client.get("/api/v1/nothing").status_code == 404
    assert client.put(URL, {}, format="json").status_code == 405
    assert violations.violations == []


# -- report and off ------------------------------------------------------------------------


@report
def test_report_records_and_lets_the_view_answer(
    world: World, as_user: Any, violations: MemoryRecorder, caplog: pytest.LogCaptureFixture
) -> None:
    response = as_user(world.reviewer).post(URL, body(world, priority="urgent"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"  # the view's own answer
    [violation] = violations.violations
    assert violation.errors == ('$.priority: must be one of "low", "medium", "high", "critical"',)


@report
def test_the_default_recorder_logs(
    world: World, as_user: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="videoplanet.contracts"):
        as_user(world.reviewer).post(URL, body(world, priority="urgent"), format="json")
    assert "contract violation (server, incoming request): POST /api/v1/feedbacks" in caplog.text


@off
def test_off_checks_nothing(world: World, as_user: Any, violations: MemoryRecorder) -> None:
    response = as_user(world.reviewer).post(URL, body(world, priority="urgent"), format="json")
    assert response.json()["code"] == "validation_error"
    assert violations.violations == []


# -- responses -----------------------------------------------------------------------------


@pytest.fixture
def stricter_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """A document in which feedback status can no longer be "open": the server now
    answers something its contract does not allow."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    stricter = copy.deepcopy(document)
    stricter["components"]["schemas"]["FeedbackStatus"]["enum"].remove("open")
    validator = SchemaValidator(stricter)
    monkeypatch.setattr(validator_module, "committed_validator", lambda: validator)
    monkeypatch.setattr("videoplanet.contracts.middleware.committed_validator", lambda: validator)


@pytest.mark.parametrize("mode", ["report", "enforce"])
@pytest.mark.contract_unchecked("the server is checked against a stricter document on purpose")
def test_response_violations_are_recorded_and_never_change_the_response(
    mode: str, world: World, as_user: Any, violations: MemoryRecorder, stricter_document: None
) -> None:
    feedback = FeedbackFactory(video=world.video, author=world.reviewer)
    with override_settings(CONTRACT_VALIDATION=mode):
        response = as_user(world.reviewer).get(f"{URL}/{feedback.id}")
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    [violation] = violations.violations
    assert violation.key == "GET:/api/v1/feedbacks/{feedback_id}:response"
    assert (violation.direction, violation.status) == ("outgoing", 200)
    assert violation.errors[0].startswith("$.status: must be one of")


# -- recorders -----------------------------------------------------------------------------


class Broken:
    def record(self, violation: Any) -> None:
        raise RuntimeError("the monitoring backend is down")


kept = MemoryRecorder()


def test_recorders_come_from_settings_and_a_broken_one_breaks_nothing(
    world: World, as_user: Any
) -> None:
    kept.clear()
    paths = [f"{__name__}.Broken", f"{__name__}.{kept_recorder.__name__}"]
    with override_settings(CONTRACT_VALIDATION="enforce", CONTRACT_VIOLATION_RECORDERS=paths):
        response = as_user(world.reviewer).post(URL, body(world, priority="urgent"), format="json")
        assert response.status_code == 400
        assert [v.type for v in kept.violations] == ["request"]


def kept_recorder() -> MemoryRecorder:
    return kept


def test_room_messages_go_to_the_same_recorders(violations: MemoryRecorder) -> None:
    assert room_event({"type": "feedback.created", "payload": {"id": "nope"}}) is None
    [violation] = violations.violations
    assert violation.key == "WS:feedback.created:message"
    assert (violation.direction, violation.source) == ("outgoing", "server")
    assert "payload.id: invalid uuid" in violation.errors


def test_every_operation_that_enforce_can_reject_documents_400() -> None:
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            takes_input = "requestBody" in operation or any(
                p["in"] == "query" for p in operation.get("parameters", [])
            )
            if takes_input:
                assert "400" in operation["responses"], f"{method.upper()} {path}"


def test_production_enforces_and_development_reports() -> None:
    from django.conf import settings

    from videoplanet.pact.tests.test_provider_states import _production_setting

    assert _production_setting("CONTRACT_VALIDATION") == "enforce"
    assert settings.CONTRACT_VALIDATION == "report"  # the test settings keep base's default
