"""Room messages become typed events; anything else is refused with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from videoplanet_client import (
    CommentAdded,
    ErrorEvent,
    FeedbackCreated,
    FeedbackDeleted,
    FeedbackUpdated,
    Pong,
    PresenceSnapshot,
    PresentUser,
    ReactionUpdated,
    UserJoined,
    UserLeft,
    UserRef,
)
from videoplanet_client._events import MalformedEvent, parse_event

AT = "2026-01-02T03:04:05.123456Z"
WHEN = datetime(2026, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
JOHN = {"id": "u1", "name": "John Doe"}


def msg(type_: str, **payload: Any) -> str:
    return json.dumps({"type": type_, "payload": payload})


def test_comment_added_without_parent_id_is_top_level() -> None:
    event = parse_event(
        msg(
            "comment.added",
            id="c",
            feedback_id="f",
            content="Hi",
            user=JOHN,
            mentions=["u2"],
            created_at=AT,
        )
    )
    assert event == CommentAdded(
        id="c", feedback_id="f", parent_id=None, content="Hi", user=UserRef("u1", "John Doe"),
        mentions=("u2",), created_at=WHEN,
    )  # fmt: skip


def test_comment_added_with_parent_id_is_a_reply() -> None:
    event = parse_event(
        msg(
            "comment.added",
            id="c",
            feedback_id="f",
            parent_id="p",
            content="Re",
            user=JOHN,
            mentions=[],
            created_at=AT,
        )
    )
    assert isinstance(event, CommentAdded) and event.parent_id == "p"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            msg(
                "feedback.created",
                id="f",
                video_id="v",
                timestamp=30.5,
                content="c",
                user=JOHN,
                created_at=AT,
            ),
            FeedbackCreated("f", "v", 30.5, "c", UserRef("u1", "John Doe"), WHEN),
        ),
        (
            msg(
                "feedback.updated",
                id="f",
                video_id="v",
                changed=["status"],
                status="resolved",
                priority="high",
                content="c",
                updated_by=JOHN,
                updated_at=AT,
            ),
            FeedbackUpdated(
                "f", "v", ("status",), "resolved", "high", "c", UserRef("u1", "John Doe"), WHEN
            ),
        ),
        (
            msg("feedback.deleted", id="f", video_id="v", deleted_by=JOHN, deleted_at=AT),
            FeedbackDeleted("f", "v", UserRef("u1", "John Doe"), WHEN),
        ),
        (
            msg(
                "reaction.updated",
                comment_id="c",
                feedback_id="f",
                reactions={"👍": ["u1"]},
                user=JOHN,
            ),
            ReactionUpdated("c", "f", {"👍": ["u1"]}, UserRef("u1", "John Doe")),
        ),
        (
            msg("user.joined", user_id="u1", name="John Doe", joined_at=AT),
            UserJoined("u1", "John Doe", WHEN),
        ),
        (msg("user.left", user_id="u1", left_at=AT), UserLeft("u1", WHEN)),
        (
            msg(
                "presence.snapshot", users=[{"user_id": "u1", "name": "John Doe", "joined_at": AT}]
            ),
            PresenceSnapshot((PresentUser("u1", "John Doe", WHEN),)),
        ),
        (msg("pong", id="p1"), Pong("p1")),
        (msg("pong"), Pong(None)),
        (
            msg("error", code="invalid_message", message="m", errors=["type: unknown"]),
            ErrorEvent("invalid_message", "m", ("type: unknown",)),
        ),
    ],
)
def test_every_server_message_type(text: str, expected: object) -> None:
    assert parse_event(text) == expected


def test_fields_the_server_adds_later_are_ignored() -> None:
    assert parse_event(msg("user.left", user_id="u1", left_at=AT, reason="timeout")) == UserLeft(
        "u1", WHEN
    )


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        ("[1, 2]", "JSON object"),
        ('{"payload": {}}', "no type"),
        (msg("feedback.teleported", id="f"), "unknown message type"),
        ('{"type": "pong", "payload": null}', "payload must be an object"),
        (msg("pong", id=5), "'id' must be a string"),
        (msg("user.left", user_id="u1"), "missing field 'left_at'"),
        (msg("user.left", user_id="u1", left_at="yesterday"), "not an ISO 8601"),
        (msg("user.left", user_id="u1", left_at="2026-01-02T03:04:05"), "no timezone"),
        (
            msg(
                "feedback.created",
                id="f",
                video_id="v",
                timestamp="30",
                content="c",
                user=JOHN,
                created_at=AT,
            ),
            "number",
        ),
        (msg("presence.snapshot", users=[1]), "array of objects"),
    ],
)
def test_malformed_messages_are_refused_with_a_reason(raw: str | bytes, reason: str) -> None:
    with pytest.raises(MalformedEvent, match=reason):
        parse_event(raw)
