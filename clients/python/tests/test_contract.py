"""The OpenAPI validator the SDK carries, and its client-side runtime check (docs/contract-testing.md §3)."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from videoplanet_client import (
    Client,
    ClientContract,
    ContractViolationError,
    FanOutRecorder,
    MemoryRecorder,
    SchemaValidator,
    ValidationFailed,
    ViolationRecorder,
)
from videoplanet_client.contract import NO_BODY, to_json_schema

VALIDATOR = SchemaValidator.bundled()
FID = "550e8400-e29b-41d4-a716-446655440001"
VID = "550e8400-e29b-41d4-a716-446655440002"
SCREENSHOT = "data:image/png;base64," + "A" * 100_000


def feedback(**changes: Any) -> dict[str, Any]:
    shapes = [
        {"type": kind, "coordinates": [1, 2, 3, 4], "style": {"color": "#FF0000", "width": 2}}
        for kind in ("rectangle", "ellipse", "line", "arrow")
    ]
    shapes.append(
        {
            "type": "text",
            "coordinates": [5, 5],
            "style": {"color": "#000000", "width": 1},
            "text": "x",
        }
    )
    return {
        "id": FID,
        "video_id": VID,
        "timestamp": 30.5,
        "timestamp_end": None,
        "frame": 732,
        "timecode": "00:00:30:12",
        "frame_end": None,
        "timecode_end": None,
        "content": "The logo is too small",
        "screenshot_url": "http://127.0.0.1:8000/media/screenshots/ab.png",
        "drawing_data": {"shapes": shapes},
        "priority": "high",
        "status": "open",
        "user": {"id": VID, "name": "John", "email": "john@example.com"},
        "created_at": "2026-11-23T10:00:00.123456Z",
        "updated_at": "2026-11-23T10:00:00Z",
        **changes,
    }


# -- the validator -------------------------------------------------------------------------


def test_a_full_feedback_validates() -> None:
    assert VALIDATOR.validate("Feedback", feedback()).valid
    result = VALIDATOR.validate_response(f"/api/v1/feedbacks/{FID}", "GET", 200, feedback())
    assert result == VALIDATOR.validate("Feedback", feedback())


def test_concrete_paths_match_their_templates() -> None:
    assert (
        VALIDATOR.match_path(f"/api/v1/comments/{FID}/reactions")
        == "/api/v1/comments/{comment_id}/reactions"
    )
    assert VALIDATOR.match_path(f"/api/v1/comments/{FID}/reactions/👍") == (
        "/api/v1/comments/{comment_id}/reactions/{emoji}"
    )
    assert VALIDATOR.match_path("/api/v1/feedbacks") == "/api/v1/feedbacks"
    assert VALIDATOR.match_path("/api/v1/nothing/here") is None


def test_each_error_names_its_json_path_and_problem() -> None:
    bad = feedback(id="nope", timestamp="30", user={"id": 1, "name": "J", "email": "x"})
    bad["drawing_data"]["shapes"][0]["style"]["color"] = "red"
    result = VALIDATOR.validate("Feedback", bad)
    assert not result.valid
    assert result.errors == [
        "$.drawing_data.shapes[0].style.color: does not match ^#[0-9A-F]{6}$",
        "$.id: not a valid uuid",
        "$.timestamp: expected number",
        "$.user.email: not a valid email",
        "$.user.id: expected string",
    ]
    assert result.details["drawing_data.shapes.0.style.color"] == ["does not match ^#[0-9A-F]{6}$"]


def test_missing_and_undocumented_fields_are_named() -> None:
    data = feedback(secret="leak")
    del data["status"]
    result = VALIDATOR.validate("Feedback", data)
    assert result.errors == ["$.secret: not a documented field", "$.status: required"]


def test_nullable_fields_take_null_and_their_schema_only() -> None:
    assert VALIDATOR.validate("Feedback", feedback(drawing_data=None)).valid
    result = VALIDATOR.validate("Feedback", feedback(drawing_data={"shapes": [{"type": "x"}]}))
    assert result.errors == [
        "$.drawing_data.shapes[0].coordinates: required",
        "$.drawing_data.shapes[0].style: required",
        '$.drawing_data.shapes[0].type: must be one of "rectangle", "ellipse", "line", '
        '"arrow", "freehand", "text"',
    ]
    assert not VALIDATOR.validate("Feedback", feedback(content=None)).valid


def test_errors_never_echo_the_value() -> None:
    result = VALIDATOR.validate_request(
        "/api/v1/feedbacks",
        "POST",
        {"video_id": VID, "timestamp": 1, "content": "x", "screenshot": 5, "priority": SCREENSHOT},
    )
    assert not result.valid
    assert all(len(error) < 300 for error in result.errors), result.errors


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (feedback(content="a\ud800b"), "content"),
        (feedback(priority="\udc00"), "priority"),
        (feedback(timestamp="\udfff"), "timestamp"),
        (feedback(user={"id": VID, "name": "J\ud83d", "email": "j@example.com"}), "user.name"),
        ({**feedback(), "\ud800": 1}, "non_field_errors"),
    ],
    ids=["text", "enum", "number", "nested", "key"],
)
def test_a_lone_surrogate_is_a_verdict_naming_the_field_not_an_exception(
    data: Any, field: str
) -> None:
    result = VALIDATOR.validate("Feedback", data)
    assert not result.valid
    assert field in result.details, result.details
    assert "lone UTF-16 surrogate" in result.details[field][0]


def test_a_lone_surrogate_in_a_request_or_query_is_a_verdict() -> None:
    body = {"video_id": VID, "timestamp": 1, "content": "\ud800", "priority": "high"}
    assert VALIDATOR.validate_request("/api/v1/feedbacks", "POST", body).details == {
        "content": ["not valid Unicode text (a lone UTF-16 surrogate)"]
    }
    result = VALIDATOR.validate_request(
        "/api/v1/feedbacks", "GET", query={"video_id": [VID], "status": ["\ud800"]}
    )
    assert not result.valid
    assert "status" in result.details


def test_request_bodies_are_checked() -> None:
    good = {"video_id": VID, "timestamp": 30.5, "content": "Too loud", "priority": "high"}
    assert VALIDATOR.validate_request("/api/v1/feedbacks", "POST", good).valid
    result = VALIDATOR.validate_request("/api/v1/feedbacks", "POST", {**good, "priority": "urgent"})
    assert result.details == {"priority": ['must be one of "low", "medium", "high", "critical"']}
    assert not VALIDATOR.validate_request("/api/v1/feedbacks", "POST", None).valid
    assert not VALIDATOR.validate_request(f"/api/v1/feedbacks/{FID}", "DELETE", good).valid


def test_query_parameters_are_checked_by_their_types() -> None:
    def check(**query: list[str]) -> list[str]:
        return VALIDATOR.validate_request("/api/v1/feedbacks", "GET", query=query).errors

    assert check(video_id=[VID], limit=["50"], status=["open"], **{"from": ["1.5"]}) == []
    assert check() == ["query.video_id: required"]
    assert check(video_id=["abc"]) == ["query.video_id: not a valid uuid"]
    assert check(video_id=[VID], limit=["many"]) == ["query.limit: expected integer"]
    assert check(video_id=[VID], status=["done"]) == [
        'query.status: must be one of "open", "in_progress", "resolved", "closed"'
    ]
    assert check(video_id=[VID], sort=["new"]) == ["query.sort: not a documented parameter"]
    assert check(video_id=[VID, VID]) == ["query.video_id: given more than once"]


def test_path_parameters_are_checked() -> None:
    result = VALIDATOR.validate_request("/api/v1/feedbacks/12", "GET")
    assert result.errors == ["path.feedback_id: not a valid uuid"]


def test_unknown_schema_path_method_or_status_is_an_invalid_result() -> None:
    assert VALIDATOR.validate("Nope", {}).errors == ["Schema 'Nope' not found"]
    assert not VALIDATOR.validate_response("/api/v1/x", "GET", 200, {}).valid
    assert VALIDATOR.validate_response("/api/v1/me", "PUT", 200, {}).errors == [
        "No operation for PUT /api/v1/me"
    ]
    assert VALIDATOR.validate_response("/api/v1/me", "GET", 418, {}).errors == [
        "No schema for GET /api/v1/me -> 418"
    ]
    assert VALIDATOR.validate_request("/api/v1/x", "POST", {}).details == {
        "non_field_errors": ["No operation for path /api/v1/x"]
    }


def test_responses_without_a_body() -> None:
    assert VALIDATOR.validate_response(f"/api/v1/feedbacks/{FID}", "DELETE", 204, None).valid
    assert not VALIDATOR.validate_response(f"/api/v1/feedbacks/{FID}", "DELETE", 204, {}).valid


def test_ref_and_nullable_conversion() -> None:
    schema = {"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": True}
    assert to_json_schema(schema) == {"allOf": [{"$ref": "urn:videoplanet:schema:X"}]}
    assert to_json_schema(schema, lenient_nullable=True) == {
        "if": {"type": "null"},
        "else": {"allOf": [{"$ref": "urn:videoplanet:schema:X"}]},
    }
    assert to_json_schema({"enum": ["a"], "nullable": True}, lenient_nullable=True) == {
        "enum": ["a", None]
    }
    assert to_json_schema({"type": "object", "properties": {}})["additionalProperties"] is False
    assert to_json_schema({"type": "number", "minimum": 0, "exclusiveMinimum": True}) == {
        "type": "number",
        "exclusiveMinimum": 0,
    }
    assert to_json_schema({"type": "number", "maximum": 5, "exclusiveMaximum": False}) == {
        "type": "number",
        "maximum": 5,
    }


# -- the client-side check -----------------------------------------------------------------


class Server:
    """An httpx transport standing in for the network: counts what was actually sent."""

    def __init__(self, status: int = 201, body: Any = None) -> None:
        self.sent: list[httpx.Request] = []
        self.status, self.body = status, feedback() if body is None else body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(self.status, json=self.body)


def client(server: Server, mode: Any, recorder: ViolationRecorder) -> Client:
    return Client(
        base_url="http://api.test",
        token="t",
        transport=httpx.MockTransport(server),
        contract_validation=mode,
        violation_recorder=recorder,
    )


def test_enforce_raises_before_sending_an_invalid_request() -> None:
    server, recorder = Server(), MemoryRecorder()
    with client(server, "enforce", recorder) as api, pytest.raises(ContractViolationError) as e:
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x", priority="urgent")
    assert server.sent == []
    assert list(e.value.details) == ["priority"]
    [violation] = recorder.violations
    assert (violation.source, violation.type, violation.direction) == (
        "videoplanet-client",
        "request",
        "outgoing",
    )
    assert violation.key == "POST:/api/v1/feedbacks:request"


def test_report_records_and_sends_anyway() -> None:
    server, recorder = Server(), MemoryRecorder()
    with client(server, "report", recorder) as api:
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x", priority="urgent")
    assert len(server.sent) == 1
    assert [v.type for v in recorder.violations] == ["request"]


def test_valid_requests_and_responses_record_nothing() -> None:
    server, recorder = Server(), MemoryRecorder()
    with client(server, "enforce", recorder) as api:
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x", priority="high")
    assert len(server.sent) == 1
    assert recorder.violations == []


def test_a_response_that_breaks_the_contract_is_recorded_not_rejected() -> None:
    server = Server(status=200, body=feedback(status="done"))
    recorder = MemoryRecorder()
    with client(server, "enforce", recorder) as api:
        got = api.feedbacks.get(FID)
    assert got.status == "done"
    [violation] = recorder.violations
    assert violation.endpoint == "/api/v1/feedbacks/{feedback_id}"
    assert (violation.type, violation.direction, violation.status) == ("response", "incoming", 200)
    assert violation.errors == (
        '$.status: must be one of "open", "in_progress", "resolved", "closed"',
    )


def test_an_undocumented_status_is_a_violation() -> None:
    server = Server(status=418, body={"code": "teapot", "message": "no", "details": {}})
    recorder = MemoryRecorder()
    with client(server, "report", recorder) as api, pytest.raises(Exception):  # noqa: B017
        api.me()
    assert recorder.violations[0].errors == ("No schema for GET /api/v1/me -> 418",)


def test_off_checks_nothing() -> None:
    server, recorder = Server(status=200, body={"nonsense": True}), MemoryRecorder()
    with client(server, "off", recorder) as api, pytest.raises(Exception):  # noqa: B017
        api.feedbacks.get("not-an-id")
    assert len(server.sent) == 1
    assert recorder.violations == []


def test_a_server_enforcing_its_contract_maps_to_validation_failed() -> None:
    envelope = {
        "code": "contract_violation",
        "message": "The request does not match the API's OpenAPI document.",
        "details": {"priority": ["must be one of ..."]},
    }
    server, recorder = Server(status=400, body=envelope), MemoryRecorder()
    with client(server, "off", recorder) as api, pytest.raises(ValidationFailed) as raised:
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x")
    assert raised.value.code == "contract_violation"


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="contract_validation must be one of"):
        ClientContract("strict")  # type: ignore[arg-type]


def test_the_default_recorder_logs(caplog: pytest.LogCaptureFixture) -> None:
    server = Server()
    with (
        caplog.at_level(logging.WARNING, "videoplanet_client.contract"),
        Client(base_url="http://api.test", transport=httpx.MockTransport(server)) as api,
    ):
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x", priority="urgent")
    assert "contract violation (videoplanet-client, outgoing request): POST /api/v1/feedbacks" in (
        caplog.text
    )


def test_fan_out_survives_a_failing_recorder() -> None:
    class Broken:
        def record(self, violation: Any) -> None:
            raise RuntimeError("down")

    kept = MemoryRecorder()
    server = Server()
    with client(server, "report", FanOutRecorder([Broken(), kept])) as api:
        api.feedbacks.create(video_id=VID, timestamp=30.5, content="x", priority="urgent")
    assert len(kept.violations) == 1


def test_a_value_that_fits_no_alternative_is_explained_by_the_closest_one() -> None:
    shape = {"type": "rectangle", "coordinates": [1], "style": {"color": "red", "width": 2}}
    body = {"video_id": VID, "timestamp": 1, "content": "x", "drawing_data": {"shapes": [shape]}}
    result = VALIDATOR.validate_request("/api/v1/feedbacks", "POST", body)
    assert result.errors == [
        "$.drawing_data.shapes[0].coordinates: fewer than 4 items",
        "$.drawing_data.shapes[0].style.color: does not match ^#[0-9A-F]{6}$",
    ]


# -- agreement with OpenAPI 3.0.3 ----------------------------------------------------------


def small_document(**schemas: Any) -> dict[str, Any]:
    """A document with one ``POST /things`` taking ``Thing`` and a ``GET /things`` query."""
    thing = {
        "type": "object",
        "properties": {
            "count": {"type": "integer"},
            "size": {"type": "number"},
            "part": {"allOf": [{"$ref": "#/components/schemas/Part"}], "nullable": True},
            "level": {"type": "string", "nullable": True, "enum": ["low", "high", None]},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "made",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Thing"}
                                }
                            },
                        }
                    },
                },
                "get": {
                    "parameters": [
                        {"name": "name", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "tag",
                            "in": "query",
                            "allowEmptyValue": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"204": {"description": "none"}},
                },
            },
            "/plain": {"delete": {"responses": {"204": {"description": "gone"}}}},
        },
        "components": {
            "schemas": {
                "Part": {"type": "object", "properties": {"x": {"type": "integer"}}},
                "Thing": thing,
                **schemas,
            }
        },
    }


SMALL = SchemaValidator(small_document())


def test_nullable_beside_a_composition_without_type_does_not_admit_null() -> None:
    # OpenAPI 3.0.3: "nullable: true ... has no effect without an explicit type".
    assert SMALL.validate("Thing", {"part": {"x": 1}}).valid
    assert SMALL.validate("Thing", {"part": None}).details == {"part": ["expected object"]}
    typed = {"type": "object", "nullable": True, "allOf": [{"$ref": "#/components/schemas/Part"}]}
    assert to_json_schema({"type": "string", "nullable": True}) == {"type": ["string", "null"]}
    assert to_json_schema({"enum": ["a"], "nullable": True}) == {"enum": ["a"]}
    assert to_json_schema(typed)["if"] == {"type": "null"}


def test_the_lenient_reading_of_nullable_is_only_by_request() -> None:
    lenient = SchemaValidator(small_document(), lenient_nullable=True)
    assert lenient.validate("Thing", {"part": None}).valid
    assert not lenient.validate("Thing", {"part": {"x": "1"}}).valid


def test_an_integer_written_with_a_fraction_part_is_not_an_integer_in_a_request() -> None:
    assert SMALL.validate_request("/things", "POST", {"count": 1}).valid
    result = SMALL.validate_request("/things", "POST", {"count": 1.0, "part": {"x": 2.0}})
    assert result.details == {"count": ["expected integer"], "part.x": ["expected integer"]}
    assert SMALL.validate_request("/things", "POST", {"size": 1.0}).valid
    assert SMALL.validate("Thing", {"count": 3.0}).details == {"count": ["expected integer"]}
    # A response's numbers are the server's own serializer's (see the module docstring).
    assert SMALL.validate_response("/things", "POST", 201, {"count": 1.0}).valid


def test_an_empty_query_value_needs_allow_empty_value() -> None:
    assert SMALL.validate_request("/things", "GET", query={"name": ["a"]}).valid
    assert SMALL.validate_request("/things", "GET", query={"name": [""]}).errors == [
        "query.name: empty, and the parameter does not allow an empty value"
    ]
    assert SMALL.validate_request("/things", "GET", query={"tag": [""]}).valid
    result = VALIDATOR.validate_request("/api/v1/feedbacks", "GET", query={"video_id": [""]})
    assert result.errors == [
        "query.video_id: empty, and the parameter does not allow an empty value"
    ]


def test_a_json_null_body_is_a_body_not_its_absence() -> None:
    assert SMALL.validate_request("/things", "POST").valid  # the body is optional
    assert SMALL.validate_request("/things", "POST", NO_BODY).valid
    assert SMALL.validate_request("/things", "POST", None).errors == ["$: expected object"]
    assert SMALL.validate_request("/plain", "DELETE").valid
    assert SMALL.validate_request("/plain", "DELETE", None).errors == [
        "DELETE /plain takes no request body"
    ]
    assert not VALIDATOR.validate_request("/api/v1/feedbacks", "POST", NO_BODY).valid


def test_a_nullable_enum_admits_null_and_only_its_values() -> None:
    assert SMALL.validate("Thing", {"level": None}).valid
    assert SMALL.validate("Thing", {"level": "low"}).valid
    assert SMALL.validate("Thing", {"level": "mid"}).details == {
        "level": ['must be one of "low", "high", null']
    }
    assert to_json_schema({"type": "string", "nullable": True, "enum": ["a", None]}) == {
        "type": ["string", "null"],
        "enum": ["a", None],
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda: VALIDATOR.validate_request("/api/v1/feedbacks/\ud800", "GET"),
        lambda: VALIDATOR.validate_request("/api/v1/\ud800", "GET"),
        lambda: VALIDATOR.validate_request("/api/v1/feedbacks", "GET", query={"\ud800": ["1"]}),
        lambda: VALIDATOR.validate_request("/api/v1/feedbacks", "GET", query={"video_id": ["\udc00"]}),
        lambda: VALIDATOR.validate_request("/api/v1/feedbacks", "POST", "\ud800"),
        lambda: VALIDATOR.validate_request("/api/v1/feedbacks", "POST", {"\ud800": "\udfff"}),
        lambda: VALIDATOR.validate_response(f"/api/v1/feedbacks/{FID}", "GET", 200, "\ud800"),
        lambda: VALIDATOR.validate_response("/api/v1/feedbacks", "POST", 201, feedback(id="\ud800")),
        lambda: VALIDATOR.validate("\ud800", {}),
        lambda: VALIDATOR.validate("Feedback", feedback(screenshot_url="http://x/\ud800")),
        lambda: VALIDATOR.validate("Feedback", feedback(id="\ud800")),
    ],
    ids=["path-param", "path", "query-name", "query-value", "body", "body-key", "response",
         "response-field", "schema-name", "uri", "uuid"],
)  # fmt: skip
def test_a_lone_surrogate_anywhere_gives_a_verdict(call: Any) -> None:
    assert not call().valid
