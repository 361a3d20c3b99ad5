"""The messages of a video room, as typed events.

A message is ``{"type": "<type>", "payload": {...}}`` (the server's AsyncAPI document,
``contracts/asyncapi.json``). ``parse_event`` returns the event for a known type with a
well-formed payload and raises ``MalformedEvent`` for anything else; the room skips
those instead of failing. Fields the server adds later are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from ._models import (
    Json,
    Reactions,
    UserRef,
    get_datetime,
    get_float,
    get_int,
    get_list,
    get_object,
    get_opt_int,
    get_opt_str,
    get_reactions,
    get_str,
    get_str_list,
    json_list,
)


class MalformedEvent(ValueError):
    """A room message that is not JSON, has an unknown type, or a payload that does not fit."""

    def __init__(self, message: str, *, type: str = "unknown") -> None:
        super().__init__(message)
        self.type = type
        """The message's type when it had a readable one."""


@dataclass(frozen=True, slots=True)
class FeedbackCreated:
    id: str
    video_id: str
    timestamp: float
    content: str
    user: UserRef
    created_at: datetime
    frame: int | None = None
    """The frame shown at ``timestamp``; None while the video's frame rate is unknown."""
    timecode: str | None = None

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            video_id=get_str(data, "video_id"),
            timestamp=get_float(data, "timestamp"),
            content=get_str(data, "content"),
            user=UserRef.from_json(get_object(data, "user")),
            created_at=get_datetime(data, "created_at"),
            frame=get_opt_int(data, "frame"),
            timecode=get_opt_str(data, "timecode"),
        )


@dataclass(frozen=True, slots=True)
class FeedbackUpdated:
    id: str
    video_id: str
    changed: tuple[str, ...]
    """Names of the fields that changed: status, priority, content."""
    status: str
    priority: str
    content: str
    updated_by: UserRef
    updated_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            video_id=get_str(data, "video_id"),
            changed=get_str_list(data, "changed"),
            status=get_str(data, "status"),
            priority=get_str(data, "priority"),
            content=get_str(data, "content"),
            updated_by=UserRef.from_json(get_object(data, "updated_by")),
            updated_at=get_datetime(data, "updated_at"),
        )


@dataclass(frozen=True, slots=True)
class FeedbackDeleted:
    id: str
    video_id: str
    deleted_by: UserRef
    deleted_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            video_id=get_str(data, "video_id"),
            deleted_by=UserRef.from_json(get_object(data, "deleted_by")),
            deleted_at=get_datetime(data, "deleted_at"),
        )


@dataclass(frozen=True, slots=True)
class CommentAdded:
    id: str
    feedback_id: str
    parent_id: str | None
    """The comment replied to; None for a top-level comment (the server leaves it out)."""
    content: str
    user: UserRef
    mentions: tuple[str, ...]
    """Ids of the mentioned users (the REST ``Comment`` has id and name)."""
    created_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            feedback_id=get_str(data, "feedback_id"),
            parent_id=get_opt_str(data, "parent_id"),
            content=get_str(data, "content"),
            user=UserRef.from_json(get_object(data, "user")),
            mentions=get_str_list(data, "mentions"),
            created_at=get_datetime(data, "created_at"),
        )


@dataclass(frozen=True, slots=True)
class ReactionUpdated:
    comment_id: str
    feedback_id: str
    reactions: Reactions
    """The comment's whole reaction map after the change."""
    user: UserRef
    """Who added or removed a reaction."""

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            comment_id=get_str(data, "comment_id"),
            feedback_id=get_str(data, "feedback_id"),
            reactions=get_reactions(data, "reactions"),
            user=UserRef.from_json(get_object(data, "user")),
        )


@dataclass(frozen=True, slots=True)
class UserJoined:
    """A person's first connection to the room (a second tab is not announced)."""

    user_id: str
    name: str
    joined_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            user_id=get_str(data, "user_id"),
            name=get_str(data, "name"),
            joined_at=get_datetime(data, "joined_at"),
        )


@dataclass(frozen=True, slots=True)
class UserLeft:
    user_id: str
    left_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(user_id=get_str(data, "user_id"), left_at=get_datetime(data, "left_at"))


@dataclass(frozen=True, slots=True)
class PresentUser:
    user_id: str
    name: str
    joined_at: datetime

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            user_id=get_str(data, "user_id"),
            name=get_str(data, "name"),
            joined_at=get_datetime(data, "joined_at"),
        )


@dataclass(frozen=True, slots=True)
class PresenceSnapshot:
    """Who is in the room (you included); the first event after every (re)join."""

    users: tuple[PresentUser, ...]

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        users = json_list(get_list(data, "users"))
        return cls(users=tuple(PresentUser.from_payload(user) for user in users))


@dataclass(frozen=True, slots=True)
class Pong:
    """The answer to ``room.ping(id=...)``."""

    id: str | None

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(id=get_opt_str(data, "id"))


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """The server did not understand a message this client sent; the room stays open."""

    code: str
    message: str
    errors: tuple[str, ...]

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            code=get_str(data, "code"),
            message=get_str(data, "message"),
            errors=get_str_list(data, "errors"),
        )


@dataclass(frozen=True, slots=True)
class VideoUpdated:
    """The video's processing moved on (``ready`` or ``failed``); fetch it for its links."""

    id: str
    project_id: str
    status: str
    failure_reason: str | None

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            project_id=get_str(data, "project_id"),
            status=get_str(data, "status"),
            failure_reason=get_opt_str(data, "failure_reason"),
        )


@dataclass(frozen=True, slots=True)
class VideoVersionAdded:
    """A new version (``video_id``) of this video was uploaded."""

    stack_id: str
    video_id: str
    version: int
    title: str

    @classmethod
    def from_payload(cls, data: Json) -> Self:
        return cls(
            stack_id=get_str(data, "stack_id"),
            video_id=get_str(data, "video_id"),
            version=get_int(data, "version"),
            title=get_str(data, "title"),
        )


Event = (
    FeedbackCreated
    | FeedbackUpdated
    | FeedbackDeleted
    | CommentAdded
    | ReactionUpdated
    | UserJoined
    | UserLeft
    | PresenceSnapshot
    | Pong
    | ErrorEvent
    | VideoUpdated
    | VideoVersionAdded
)

EVENT_TYPES: Mapping[str, Callable[[Json], Event]] = {
    "feedback.created": FeedbackCreated.from_payload,
    "feedback.updated": FeedbackUpdated.from_payload,
    "feedback.deleted": FeedbackDeleted.from_payload,
    "comment.added": CommentAdded.from_payload,
    "reaction.updated": ReactionUpdated.from_payload,
    "user.joined": UserJoined.from_payload,
    "user.left": UserLeft.from_payload,
    "presence.snapshot": PresenceSnapshot.from_payload,
    "pong": Pong.from_payload,
    "error": ErrorEvent.from_payload,
    "video.updated": VideoUpdated.from_payload,
    "video.version_added": VideoVersionAdded.from_payload,
}


def parse_event(message: str | bytes | Mapping[str, Any]) -> Event:
    """The typed event for one room message (its JSON text or the decoded object)."""
    if isinstance(message, str | bytes):
        try:
            message = json.loads(message)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedEvent(f"not JSON: {exc}") from exc
    if not isinstance(message, Mapping):
        raise MalformedEvent("a message must be a JSON object")
    type_, payload = message.get("type"), message.get("payload")
    if not isinstance(type_, str):
        raise MalformedEvent("the message has no type")
    parser = EVENT_TYPES.get(type_)
    if parser is None:
        raise MalformedEvent(f"unknown message type {type_!r}", type=type_)
    if not isinstance(payload, Mapping):
        raise MalformedEvent(f"{type_}: the payload must be an object", type=type_)
    try:
        return parser(payload)
    except ValueError as exc:
        raise MalformedEvent(f"{type_}: {exc}", type=type_) from exc
