"""Every message the server sends is built here; entity changes are sent after commit.

The ``*_message`` builders are the server's only message-building code: the services
use them through ``notify_*``, the room consumer for presence, pong and error, and
contract verification produces messages with them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from videoplanet.accounts.models import User
from videoplanet.api.fields import isoformat_z
from videoplanet.feedback.models import Comment, Feedback
from videoplanet.feedback.timecode import frame_at
from videoplanet.projects.models import Video, VideoStatus

from .broadcast import broadcast
from .events import message
from .presence import Present


def _user(user: User) -> dict[str, str]:
    return {"id": str(user.pk), "name": user.name}


def feedback_created_message(feedback: Feedback) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(feedback.id),
        "video_id": str(feedback.video_id),
        "timestamp": feedback.timestamp,
        "content": feedback.content,
        "user": _user(feedback.author),
        "created_at": isoformat_z(feedback.created_at),
    }
    frame, timecode = frame_at(feedback.timestamp, feedback.video.fps, feedback.video.frame_count)
    if frame is not None:
        payload["frame"], payload["timecode"] = frame, timecode
    return message("feedback.created", payload)


def feedback_updated_message(feedback: Feedback, *, changed: list[str], by: User) -> dict[str, Any]:
    return message(
        "feedback.updated",
        {
            "id": str(feedback.id),
            "video_id": str(feedback.video_id),
            "changed": changed,
            "status": feedback.status,
            "priority": feedback.priority,
            "content": feedback.content,
            "updated_by": _user(by),
            "updated_at": isoformat_z(feedback.updated_at),
        },
    )


def feedback_deleted_message(
    *, feedback_id: UUID, video_id: UUID, by: User, at: datetime
) -> dict[str, Any]:
    return message(
        "feedback.deleted",
        {
            "id": str(feedback_id),
            "video_id": str(video_id),
            "deleted_by": _user(by),
            "deleted_at": isoformat_z(at),
        },
    )


def comment_added_message(comment: Comment, mention_ids: list[UUID]) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": str(comment.id),
        "feedback_id": str(comment.feedback_id),
        "content": comment.content,
        "user": _user(comment.author),
        "mentions": [str(user_id) for user_id in mention_ids],
        "created_at": isoformat_z(comment.created_at),
    }
    if comment.parent_id:
        payload["parent_id"] = str(comment.parent_id)
    return message("comment.added", payload)


def reaction_updated_message(
    comment: Comment, reactions: dict[str, list[str]], *, by: User
) -> dict[str, Any]:
    return message(
        "reaction.updated",
        {
            "comment_id": str(comment.id),
            "feedback_id": str(comment.feedback_id),
            "reactions": reactions,
            "user": _user(by),
        },
    )


def video_updated_message(video: Video) -> dict[str, Any]:
    payload = {"id": str(video.id), "project_id": str(video.project_id), "status": video.status}
    if video.status == VideoStatus.FAILED:
        payload["failure_reason"] = video.failure_reason
    return message("video.updated", payload)


def video_version_added_message(video: Video) -> dict[str, Any]:
    return message(
        "video.version_added",
        {
            "stack_id": str(video.stack_id),
            "video_id": str(video.id),
            "version": video.version,
            "title": video.title,
        },
    )


def user_joined_message(user_id: str, name: str, joined_at: datetime) -> dict[str, Any]:
    return message(
        "user.joined", {"user_id": user_id, "name": name, "joined_at": isoformat_z(joined_at)}
    )


def user_left_message(user_id: str, left_at: datetime) -> dict[str, Any]:
    return message("user.left", {"user_id": user_id, "left_at": isoformat_z(left_at)})


def presence_snapshot_message(members: list[Present]) -> dict[str, Any]:
    users = [{"user_id": p.user_id, "name": p.name, "joined_at": p.joined_at} for p in members]
    return message("presence.snapshot", {"users": users})


def pong_message(ping_id: str | None) -> dict[str, Any]:
    return message("pong", {"id": ping_id} if ping_id is not None else {})


def error_message(text: str, errors: list[str], *, code: str = "invalid_message") -> dict[str, Any]:
    return message("error", {"code": code, "message": text, "errors": errors})


def _on_commit(video_id: UUID, build: Any) -> None:
    transaction.on_commit(lambda: broadcast(video_id, build()))


def notify_feedback_created(feedback: Feedback) -> None:
    _on_commit(feedback.video_id, lambda: feedback_created_message(feedback))


def notify_feedback_updated(feedback: Feedback, *, changed: list[str], by: User) -> None:
    _on_commit(
        feedback.video_id, lambda: feedback_updated_message(feedback, changed=changed, by=by)
    )


def notify_feedback_deleted(*, feedback_id: UUID, video_id: UUID, by: User) -> None:
    at = timezone.now()
    _on_commit(
        video_id,
        lambda: feedback_deleted_message(feedback_id=feedback_id, video_id=video_id, by=by, at=at),
    )


def notify_comment_added(comment: Comment, *, video_id: UUID, mention_ids: list[UUID]) -> None:
    _on_commit(video_id, lambda: comment_added_message(comment, mention_ids))


def notify_reaction_updated(
    comment: Comment, reactions: dict[str, list[str]], *, video_id: UUID, by: User
) -> None:
    _on_commit(video_id, lambda: reaction_updated_message(comment, reactions, by=by))


def notify_video_updated(video: Video) -> None:
    _on_commit(video.id, lambda: video_updated_message(video))


def notify_video_version_added(video: Video, *, rooms: list[UUID]) -> None:
    """Tell the rooms of the stack's other versions about ``video``."""
    for room in rooms:
        _on_commit(room, lambda: video_version_added_message(video))
