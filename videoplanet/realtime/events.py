"""Every WebSocket message type, with exactly one schema each.

A message is ``{"type": "<type>", "payload": {...}}``. ``SERVER_EVENTS`` are what the
server sends into a room, ``CLIENT_MESSAGES`` what a client may send. The seed's four
types (feedback.created, comment.added, user.joined, user.left) have the seed's payloads
(feedback.created adds an optional frame and timecode); the others are what a live
review room needs beyond it. The AsyncAPI document is generated from these models, and
the server validates every message it sends against them. Nothing here imports Django,
so clients can use the same models.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, StrictStr


def _drop_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def absent(**constraints: Any) -> Any:
    """An optional field that is left out when absent; an explicit null is invalid."""
    return Field(default=None, json_schema_extra=_drop_default, **constraints)


def _utc(value: datetime) -> datetime:
    if value.utcoffset() != timedelta(0):
        raise ValueError("must be UTC (Z)")
    return value


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]
Seconds = Annotated[float, Field(strict=True, ge=0)]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UserRef(_Payload):
    id: UUID
    name: StrictStr


class FeedbackCreated(_Payload):
    """Someone pinned feedback to the video.

    ``frame`` (the frame shown at ``timestamp``) and its SMPTE ``timecode`` are
    additions to the seed's payload, sent only when the video's frame rate is known.
    """

    id: UUID
    video_id: UUID
    timestamp: Seconds
    frame: StrictInt = absent(ge=0)
    timecode: StrictStr = absent(pattern=r"^\d{2,}:[0-5]\d:[0-5]\d[:;]\d{2,3}$")
    content: StrictStr
    user: UserRef
    created_at: UtcDatetime


class CommentAdded(_Payload):
    """A comment or reply on one of the video's feedbacks.

    ``parent_id`` is omitted for a top-level comment: the seed's schema makes it
    optional, and null is not a uuid.
    """

    id: UUID
    feedback_id: UUID
    parent_id: UUID = absent()
    content: StrictStr
    user: UserRef
    mentions: list[UUID]
    created_at: UtcDatetime


class UserJoined(_Payload):
    """A person entered the room (their first connection; a second tab is not announced)."""

    user_id: UUID
    name: StrictStr
    joined_at: UtcDatetime


class UserLeft(_Payload):
    """A person's last connection closed, or their server process stopped answering."""

    user_id: UUID
    left_at: UtcDatetime


class FeedbackUpdated(_Payload):
    """Feedback's status, priority or content changed."""

    id: UUID
    video_id: UUID
    changed: list[StrictStr] = Field(description="Names of the fields that changed.")
    status: StrictStr
    priority: StrictStr
    content: StrictStr
    updated_by: UserRef
    updated_at: UtcDatetime


class FeedbackDeleted(_Payload):
    id: UUID
    video_id: UUID
    deleted_by: UserRef
    deleted_at: UtcDatetime


class ReactionUpdated(_Payload):
    """A comment's reactions changed; ``reactions`` is the whole map (emoji → user ids)."""

    comment_id: UUID
    feedback_id: UUID
    reactions: dict[StrictStr, list[UUID]]
    user: UserRef = Field(description="Who added or removed a reaction.")


class VideoUpdated(_Payload):
    """A video's processing moved on: ``processing`` → ``ready`` or ``failed``.

    Fetch the video (GET /api/v1/videos/{id}) for its playback, poster and thumbnail
    links. ``failure_reason`` is present only when ``failed``.
    """

    id: UUID
    project_id: UUID
    status: Literal["processing", "ready", "failed"]
    failure_reason: StrictStr = absent(max_length=500)


class VideoVersionAdded(_Payload):
    """A new version (cut) of this video was uploaded; sent to the room of every earlier
    version. The new one is ``processing`` until its own room says ``video.updated``."""

    stack_id: UUID
    video_id: UUID = Field(description="The new version.")
    version: int = Field(strict=True, ge=1)
    title: StrictStr


class PresentUser(_Payload):
    user_id: UUID
    name: StrictStr
    joined_at: UtcDatetime


class PresenceSnapshot(_Payload):
    """Sent to a client right after it joins: who is in the room, itself included."""

    users: list[PresentUser]


class Pong(_Payload):
    """The answer to ``ping``; echoes the ping's ``id`` when it had one."""

    id: StrictStr = absent(max_length=100)


class Error(_Payload):
    """A client message was not understood, or came too fast; the connection stays open.

    ``code`` is ``invalid_message`` (``errors`` names each problem, at most 20) or
    ``rate_limited`` (sent once when messages start being dropped).
    """

    code: StrictStr
    message: StrictStr
    errors: list[StrictStr] = Field(max_length=20)


class Ping(_Payload):
    """A client's keep-alive or latency probe."""

    id: StrictStr = absent(max_length=100)


SERVER_EVENTS: dict[str, type[BaseModel]] = {
    "feedback.created": FeedbackCreated,
    "feedback.updated": FeedbackUpdated,
    "feedback.deleted": FeedbackDeleted,
    "comment.added": CommentAdded,
    "reaction.updated": ReactionUpdated,
    "video.updated": VideoUpdated,
    "video.version_added": VideoVersionAdded,
    "user.joined": UserJoined,
    "user.left": UserLeft,
    "presence.snapshot": PresenceSnapshot,
    "pong": Pong,
    "error": Error,
}

CLIENT_MESSAGES: dict[str, type[BaseModel]] = {
    "ping": Ping,
}


def message(type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"type": type_, "payload": payload}
