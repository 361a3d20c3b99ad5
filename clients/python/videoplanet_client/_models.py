"""What the REST API returns, as frozen dataclasses built with ``from_json``.

Only the fields the SDK uses are kept; a field the server adds later is ignored, a
missing or mistyped one raises ``ValueError`` (the client turns it into
``UnexpectedResponse``). Ids are ``str`` (the server's canonical lower-case UUID text)
everywhere, inputs and outputs; datetimes are timezone-aware.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

Json = Mapping[str, Any]
Reactions = dict[str, list[str]]
"""Emoji → ids of the users who reacted with it, in the order they did."""


# -- reading JSON fields -------------------------------------------------------------------


def _field(data: Json, key: str) -> Any:
    if not isinstance(data, Mapping):
        raise ValueError(f"expected an object, got {type(data).__name__}")
    if key not in data:
        raise ValueError(f"missing field {key!r}")
    return data[key]


def get_str(data: Json, key: str) -> str:
    value = _field(data, key)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string, got {type(value).__name__}")
    return value


def get_opt_str(data: Json, key: str) -> str | None:
    """A string that may be null or absent."""
    if isinstance(data, Mapping) and data.get(key) is None:
        return None
    return get_str(data, key)


def get_float(data: Json, key: str) -> float:
    value = _field(data, key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key!r} must be a number, got {type(value).__name__}")
    return float(value)


def get_opt_float(data: Json, key: str) -> float | None:
    if isinstance(data, Mapping) and data.get(key) is None:
        return None
    return get_float(data, key)


def get_int(data: Json, key: str) -> int:
    value = _field(data, key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key!r} must be an integer, got {type(value).__name__}")
    return value


def get_opt_int(data: Json, key: str) -> int | None:
    """An integer that may be null or absent."""
    if isinstance(data, Mapping) and data.get(key) is None:
        return None
    return get_int(data, key)


def get_datetime(data: Json, key: str) -> datetime:
    text = get_str(data, key)
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{key!r} is not an ISO 8601 datetime: {text!r}") from exc
    if value.tzinfo is None:
        raise ValueError(f"{key!r} has no timezone: {text!r}")
    return value


def get_object(data: Json, key: str) -> Json:
    value = _field(data, key)
    if not isinstance(value, Mapping):
        raise ValueError(f"{key!r} must be an object, got {type(value).__name__}")
    return value


def get_opt_object(data: Json, key: str) -> dict[str, Any] | None:
    if isinstance(data, Mapping) and data.get(key) is None:
        return None
    return dict(get_object(data, key))


def get_list(data: Json, key: str) -> list[Any]:
    value = _field(data, key)
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be an array, got {type(value).__name__}")
    return value


def get_str_list(data: Json, key: str) -> tuple[str, ...]:
    items = get_list(data, key)
    if not all(isinstance(item, str) for item in items):
        raise ValueError(f"{key!r} must be an array of strings")
    return tuple(items)


def get_reactions(data: Json, key: str) -> Reactions:
    value = get_object(data, key)
    out: Reactions = {}
    for emoji, users in value.items():
        if not isinstance(users, list) or not all(isinstance(u, str) for u in users):
            raise ValueError(f"{key!r}[{emoji!r}] must be an array of user ids")
        out[str(emoji)] = list(users)
    return out


def json_list(body: Any) -> list[Json]:
    """A response body that must be an array of objects."""
    if not isinstance(body, list) or not all(isinstance(item, Mapping) for item in body):
        raise ValueError("expected an array of objects")
    return body


# -- models --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(id=get_str(data, "id"), name=get_str(data, "name"), email=get_str(data, "email"))


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person as comments and room events name them: id and name, no email."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(id=get_str(data, "id"), name=get_str(data, "name"))


@dataclass(frozen=True, slots=True)
class Session:
    """A sign-in or sign-up: the API token and whose it is."""

    token: str
    user: User

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(token=get_str(data, "token"), user=User.from_json(get_object(data, "user")))


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """One of your API tokens, as ``auth.list_tokens()`` lists them (never the secret).

    ``current``: the token this client sends. A token unused until ``expires_at`` stops
    working.
    """

    id: int
    name: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    current: bool

    @classmethod
    def from_json(cls, data: Json) -> Self:
        token_id = _field(data, "id")
        current = _field(data, "current")
        if isinstance(token_id, bool) or not isinstance(token_id, int):
            raise ValueError(f"'id' must be an integer, got {type(token_id).__name__}")
        if not isinstance(current, bool):
            raise ValueError(f"'current' must be a boolean, got {type(current).__name__}")
        return cls(
            id=token_id,
            name=get_str(data, "name"),
            created_at=get_datetime(data, "created_at"),
            last_used_at=(
                None if data.get("last_used_at") is None else get_datetime(data, "last_used_at")
            ),
            expires_at=get_datetime(data, "expires_at"),
            current=current,
        )


@dataclass(frozen=True, slots=True)
class RealtimeTicket:
    """Opens one live-room socket once, until ``expires_at``: ``?ticket=<ticket>`` (for
    clients that cannot send headers on a WebSocket, such as browsers)."""

    ticket: str
    expires_at: datetime

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(ticket=get_str(data, "ticket"), expires_at=get_datetime(data, "expires_at"))


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    name: str
    role: str
    """Your role in the project: owner, editor, reviewer or viewer."""
    created_at: datetime

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            name=get_str(data, "name"),
            role=get_str(data, "role"),
            created_at=get_datetime(data, "created_at"),
        )


@dataclass(frozen=True, slots=True)
class Member:
    user: User
    role: str

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(user=User.from_json(get_object(data, "user")), role=get_str(data, "role"))


@dataclass(frozen=True, slots=True)
class Invitation:
    """An offer of a role in a project, sent to an email address."""

    id: str
    project: ProjectRef
    email: str
    role: str
    """The role offered: owner, editor, reviewer or viewer."""
    expires_at: datetime

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            project=ProjectRef.from_json(get_object(data, "project")),
            email=get_str(data, "email"),
            role=get_str(data, "role"),
            expires_at=get_datetime(data, "expires_at"),
        )


@dataclass(frozen=True, slots=True)
class ProjectRef:
    """A project as an invitation names it: id and name."""

    id: str
    name: str

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(id=get_str(data, "id"), name=get_str(data, "name"))


@dataclass(frozen=True, slots=True)
class Video:
    """A video. Uploaded files start ``processing`` and become ``ready`` (or ``failed``,
    with ``failure_reason``); ``playback_url`` and ``poster_url`` are signed links that
    expire, so fetch the video again for fresh ones. ``fps`` is exact (``24000/1001``)."""

    id: str
    project_id: str
    title: str
    url: str
    duration: float | None
    created_at: datetime
    status: str = "ready"
    failure_reason: str | None = None
    playback_url: str | None = None
    poster_url: str | None = None
    fps: str | None = None
    frame_count: int | None = None
    width: int | None = None
    height: int | None = None
    stack_id: str | None = None
    version: int = 1

    @classmethod
    def from_json(cls, data: Json) -> Self:
        version = get_opt_int(data, "version")
        return cls(
            id=get_str(data, "id"),
            project_id=get_str(data, "project_id"),
            title=get_str(data, "title"),
            url=get_str(data, "url"),
            duration=get_opt_float(data, "duration"),
            created_at=get_datetime(data, "created_at"),
            status=get_opt_str(data, "status") or "ready",
            failure_reason=get_opt_str(data, "failure_reason"),
            playback_url=get_opt_str(data, "playback_url"),
            poster_url=get_opt_str(data, "poster_url"),
            fps=get_opt_str(data, "fps"),
            frame_count=get_opt_int(data, "frame_count"),
            width=get_opt_int(data, "width"),
            height=get_opt_int(data, "height"),
            stack_id=get_opt_str(data, "stack_id"),
            version=1 if version is None else version,
        )


@dataclass(frozen=True, slots=True)
class Upload:
    """A file upload in progress: ``offset`` bytes of ``size`` have arrived."""

    id: str
    size: int
    offset: int

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"), size=get_int(data, "size"), offset=get_int(data, "offset")
        )


@dataclass(frozen=True, slots=True)
class Feedback:
    id: str
    video_id: str
    timestamp: float
    timestamp_end: float | None
    content: str
    screenshot_url: str | None
    drawing_data: dict[str, Any] | None
    """``{"shapes": [...]}`` exactly as the server stores it."""
    priority: str
    status: str
    user: User
    """The author."""
    created_at: datetime
    updated_at: datetime
    frame: int | None = None
    """The frame shown at ``timestamp``; None while the video's frame rate is unknown."""
    timecode: str | None = None
    """SMPTE timecode of ``frame``: ``HH:MM:SS:FF``, or ``HH:MM:SS;FF`` drop-frame."""
    frame_end: int | None = None
    timecode_end: str | None = None

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            video_id=get_str(data, "video_id"),
            timestamp=get_float(data, "timestamp"),
            timestamp_end=get_opt_float(data, "timestamp_end"),
            frame=get_opt_int(data, "frame"),
            timecode=get_opt_str(data, "timecode"),
            frame_end=get_opt_int(data, "frame_end"),
            timecode_end=get_opt_str(data, "timecode_end"),
            content=get_str(data, "content"),
            screenshot_url=get_opt_str(data, "screenshot_url"),
            drawing_data=get_opt_object(data, "drawing_data"),
            priority=get_str(data, "priority"),
            status=get_str(data, "status"),
            user=User.from_json(get_object(data, "user")),
            created_at=get_datetime(data, "created_at"),
            updated_at=get_datetime(data, "updated_at"),
        )


@dataclass(frozen=True, slots=True)
class Comment:
    id: str
    feedback_id: str
    parent_id: str | None
    """The comment this one replies to; None for a top-level comment."""
    content: str
    user: UserRef
    """The author."""
    mentions: tuple[UserRef, ...]
    reactions: Reactions
    created_at: datetime

    @classmethod
    def from_json(cls, data: Json) -> Self:
        return cls(
            id=get_str(data, "id"),
            feedback_id=get_str(data, "feedback_id"),
            parent_id=get_opt_str(data, "parent_id"),
            content=get_str(data, "content"),
            user=UserRef.from_json(get_object(data, "user")),
            mentions=tuple(UserRef.from_json(m) for m in json_list(get_list(data, "mentions"))),
            reactions=get_reactions(data, "reactions"),
            created_at=get_datetime(data, "created_at"),
        )
