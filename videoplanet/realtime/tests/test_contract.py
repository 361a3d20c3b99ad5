"""WebSocketContract and the event schemas (docs/contract-testing.md §4.1 and the types beyond it)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from videoplanet.realtime import events
from videoplanet.realtime.contract import Violation, WebSocketContract, server_contract

U1 = "550e8400-e29b-41d4-a716-446655440000"
U2 = "550e8400-e29b-41d4-a716-446655440001"
U3 = "550e8400-e29b-41d4-a716-446655440002"
AT = "2025-08-24T10:00:00Z"
USER = {"id": U3, "name": "John Doe"}

VALID: dict[str, dict[str, Any]] = {
    "feedback.created": {"id": U1, "video_id": U2, "timestamp": 30.5, "content": "Test feedback", "user": USER, "created_at": AT},
    "feedback.updated": {"id": U1, "video_id": U2, "changed": ["status"], "status": "resolved", "priority": "high", "content": "x", "updated_by": USER, "updated_at": AT},
    "feedback.deleted": {"id": U1, "video_id": U2, "deleted_by": USER, "deleted_at": AT},
    "comment.added": {"id": U1, "feedback_id": U2, "content": "New comment", "user": USER, "mentions": [], "created_at": AT},
    "reaction.updated": {"comment_id": U1, "feedback_id": U2, "reactions": {"👍": [U3]}, "user": USER},
    "user.joined": {"user_id": U3, "name": "John Doe", "joined_at": AT},
    "user.left": {"user_id": U3, "left_at": AT},
    "presence.snapshot": {"users": [{"user_id": U3, "name": "John Doe", "joined_at": AT}]},
    "pong": {},
    "error": {"code": "invalid_message", "message": "m", "errors": ["payload: required"]},
    "video.version_added": {"stack_id": U1, "video_id": U2, "version": 2, "title": "Cut 2"},
    "video.updated": {"id": U1, "project_id": U2, "status": "failed", "failure_reason": "Not a video."},
}  # fmt: skip

INVALID: dict[str, tuple[dict[str, Any], str]] = {
    "feedback.created": ({**VALID["feedback.created"], "timestamp": "30.5"}, "payload.timestamp: expected number"),
    "feedback.updated": ({**VALID["feedback.updated"], "changed": "status"}, "payload.changed: expected array"),
    "feedback.deleted": ({**VALID["feedback.deleted"], "deleted_at": "yesterday"}, "payload.deleted_at: invalid datetime"),
    "comment.added": ({**VALID["comment.added"], "mentions": ["nope"]}, "payload.mentions.0: invalid uuid"),
    "reaction.updated": ({**VALID["reaction.updated"], "reactions": {"👍": ["x"]}}, "payload.reactions.👍.0: invalid uuid"),
    "user.joined": ({"user_id": U3, "joined_at": AT}, "payload.name: required"),
    "user.left": ({"user_id": U3, "left_at": "2025-08-24T10:00:00+09:00"}, "payload.left_at: must be UTC (Z)"),
    "presence.snapshot": ({"users": [{"user_id": U3}]}, "payload.users.0.name: required"),
    "pong": ({"id": 5}, "payload.id: expected string"),
    "error": ({"code": "x", "message": "m"}, "payload.errors: required"),
    "video.version_added": ({"stack_id": U1, "video_id": U2, "version": 0, "title": "x"}, "payload.version: Input should be greater than or equal to 1"),
    "video.updated": ({"id": U1, "project_id": U2, "status": "done"}, "payload.status: Input should be 'processing', 'ready' or 'failed'"),
}  # fmt: skip


def test_every_server_event_has_a_valid_and_an_invalid_example() -> None:
    assert set(VALID) == set(events.SERVER_EVENTS) == set(INVALID)


@pytest.mark.parametrize("type_", sorted(events.SERVER_EVENTS))
def test_valid_payloads_pass(type_: str) -> None:
    result = server_contract().validate_outgoing({"type": type_, "payload": VALID[type_]})
    assert result.valid, result.errors


@pytest.mark.parametrize("type_", sorted(events.SERVER_EVENTS))
def test_invalid_payloads_name_the_field_and_the_problem(type_: str) -> None:
    payload, expected = INVALID[type_]
    result = server_contract().validate_outgoing({"type": type_, "payload": payload})
    assert not result.valid
    assert expected in result.errors


def test_seed_invalid_feedback_created() -> None:
    """Seed §4.1: a bad uuid, a string timestamp and missing fields are all reported."""
    contract = server_contract()
    message = {
        "type": "feedback.created",
        "payload": {"id": "invalid-uuid", "timestamp": "not-a-number"},
    }
    result = contract.validate_outgoing(message)
    assert not result.valid
    assert "payload.id: invalid uuid" in result.errors
    assert "payload.timestamp: expected number" in result.errors
    assert {"payload.video_id: required", "payload.user: required"} <= set(result.errors)


def test_seed_parse_incoming_comment_added() -> None:
    raw = json.dumps({"type": "comment.added", "payload": VALID["comment.added"]})
    result = server_contract().parse_incoming(raw)
    assert result.success
    assert result.data is not None
    assert result.data.type == "comment.added"
    assert result.data.payload.content == "New comment"  # type: ignore[attr-defined]


def test_top_level_comment_omits_parent_id_and_null_is_not_a_uuid() -> None:
    contract = server_contract()
    reply = {**VALID["comment.added"], "parent_id": U2}
    assert contract.validate_outgoing({"type": "comment.added", "payload": reply}).valid
    null_parent = {**VALID["comment.added"], "parent_id": None}
    result = contract.validate_outgoing({"type": "comment.added", "payload": null_parent})
    assert result.errors == ["payload.parent_id: invalid uuid"]


def test_extra_fields_are_violations() -> None:
    payload = {**VALID["user.left"], "reason": "timeout"}
    result = server_contract().validate_outgoing({"type": "user.left", "payload": payload})
    assert result.errors == ["payload.reason: unexpected field"]


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("{not json", "message: not valid JSON"),
        # deep enough to exhaust Python's own parser, small enough for a client frame
        ("[" * 2000 + "]" * 2000, "message: not valid JSON"),
        ('{"type": "ping", "payload": {"id": NaN}}', "message: not valid JSON"),
        ("[1]", "message: expected an object with type and payload"),
        ('{"payload": {}}', "type: required string"),
        ('{"type": "nope", "payload": {}}', "type: unknown message type 'nope'"),
        ('{"type": "user.left"}', "payload: required"),
    ],
)
def test_parse_incoming_failures(raw: str, error: str) -> None:
    result = server_contract().parse_incoming(raw)
    assert not result.success
    assert result.errors == [error]


def test_violations_are_recorded_reported_and_cleared() -> None:
    seen: list[Violation] = []
    contract = WebSocketContract(on_violation=seen.append)
    contract.define_message("user.left", events.UserLeft)
    contract.validate_outgoing({"type": "user.left", "payload": {}})
    contract.parse_incoming("nope")
    assert [(v.direction, v.type) for v in contract.violations()] == [
        ("outgoing", "user.left"),
        ("incoming", "unknown"),
    ]
    assert seen == contract.violations()
    assert contract.violations()[0].timestamp.endswith("Z")
    contract.clear_violations()
    assert contract.violations() == []


def test_a_failing_reporter_does_not_break_validation() -> None:
    def boom(violation: Violation) -> None:
        raise RuntimeError("reporter down")

    contract = WebSocketContract(events.SERVER_EVENTS, on_violation=boom)
    assert not contract.validate_outgoing({"type": "user.left", "payload": {}}).valid
    assert len(contract.violations()) == 1
