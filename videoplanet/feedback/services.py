"""Writes for feedback, comments and reactions. Each is one transaction."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from videoplanet.accounts.models import User
from videoplanet.api.errors import ApiError, PermissionDenied, ValidationFailed
from videoplanet.projects.access import video_access
from videoplanet.projects.models import CONTRIBUTORS, MANAGERS, Video
from videoplanet.realtime.notify import (
    notify_comment_added,
    notify_feedback_created,
    notify_feedback_deleted,
    notify_feedback_updated,
    notify_reaction_updated,
)

from .access import comment_access, feedback_access
from .models import (
    MAX_REPLY_DEPTH,
    THREAD_SEGMENT_LENGTH,
    Comment,
    Feedback,
    Priority,
    Reaction,
    thread_segment,
)
from .screenshots import DecodedScreenshot, screenshot_store, screenshots_discard_unused
from .selectors import CommentRow, comment_reactions
from .timecode import frame_to_seconds, rate_or_none

logger = logging.getLogger(__name__)


def _check_timestamps(
    video: Video,
    timestamp: float,
    timestamp_end: float | None,
    *,
    names: tuple[str, str] = ("timestamp", "timestamp_end"),
) -> None:
    """Times within the video; ``names`` are the fields the client sent, for the details."""
    start, end = names
    details: dict[str, list[str]] = {}
    if timestamp < 0:
        details[start] = ["Must be 0 or more."]
    elif video.duration is not None and timestamp > video.duration:
        details[start] = [f"Must not be past the video's end ({video.duration} s)."]
    if timestamp_end is not None:
        if timestamp_end < timestamp:
            details[end] = [f"Must not be before {start}."]
        elif video.duration is not None and timestamp_end > video.duration:
            details[end] = [f"Must not be past the video's end ({video.duration} s)."]
    if details:
        raise ValidationFailed(details=details)


def _resolve_times(
    video: Video,
    *,
    timestamp: float | None,
    frame: int | None,
    timestamp_end: float | None,
    frame_end: int | None,
) -> tuple[float, float | None]:
    """Seconds for the start and end of the feedback, given as seconds or as frame indexes.

    Exactly one of ``timestamp``/``frame`` is required, at most one of the two ends. A
    frame needs the video's frame rate, and must exist when the frame count is known;
    it is stored as the second its frame starts at.
    """
    details: dict[str, list[str]] = {}
    if timestamp is None and frame is None:
        details["timestamp"] = ["Send timestamp (seconds) or frame."]
    elif timestamp is not None and frame is not None:
        details["frame"] = ["Send timestamp or frame, not both."]
    if timestamp_end is not None and frame_end is not None:
        details["frame_end"] = ["Send timestamp_end or frame_end, not both."]
    if details:
        raise ValidationFailed(details=details)
    rate = rate_or_none(video.fps)
    for name, value in (("frame", frame), ("frame_end", frame_end)):
        if value is None:
            continue
        if value < 0:
            details[name] = ["Must be 0 or more."]
        elif rate is None:
            details[name] = ["The video's frame rate is not known; send seconds instead."]
        elif video.frame_count is not None and value >= video.frame_count:
            details[name] = [f"Must be less than the video's frame count ({video.frame_count})."]
    if details:
        raise ValidationFailed(details=details)
    if frame is not None:
        assert rate is not None
        timestamp = float(frame_to_seconds(frame, rate))
    if frame_end is not None:
        assert rate is not None
        timestamp_end = float(frame_to_seconds(frame_end, rate))
    assert timestamp is not None
    names = (
        "frame" if frame is not None else "timestamp",
        "frame_end" if frame_end is not None else "timestamp_end",
    )
    _check_timestamps(video, timestamp, timestamp_end, names=names)
    return timestamp, timestamp_end


def feedback_create(
    *,
    user: User,
    video_id: uuid.UUID,
    content: str,
    timestamp: float | None = None,
    frame: int | None = None,
    timestamp_end: float | None = None,
    frame_end: int | None = None,
    screenshot: DecodedScreenshot | None = None,
    drawing_data: dict[str, Any] | None = None,
    priority: str = Priority.MEDIUM,
    id: uuid.UUID | None = None,
) -> Feedback:
    """Pin the caller's feedback to a moment of the video, given in seconds or as a frame
    index (owners, editors and reviewers). ``id`` fixes the new feedback's id (the
    provider states').

    The screenshot is written in the row's transaction, before the row; if anything
    fails, the row is rolled back and the file is removed again unless another feedback
    uses it, so no orphan stays behind.
    """
    video = video_access(
        user=user, video_id=video_id, roles=CONTRIBUTORS, action="post feedback"
    ).video
    timestamp, timestamp_end = _resolve_times(
        video, timestamp=timestamp, frame=frame, timestamp_end=timestamp_end, frame_end=frame_end
    )
    try:
        with transaction.atomic():
            stored = screenshot_store(screenshot) if screenshot else None
            feedback = Feedback.objects.create(
                **({"id": id} if id is not None else {}),
                video=video,
                author=user,
                timestamp=timestamp,
                timestamp_end=timestamp_end,
                content=content,
                screenshot=stored.name if stored else "",
                drawing_data=drawing_data,
                priority=priority,
            )
            notify_feedback_created(feedback)
    except BaseException:
        if screenshot:
            _discard_after_failure(screenshot.name)
        raise
    return feedback


def _discard_after_failure(name: str) -> None:
    try:
        screenshots_discard_unused([name])
    except Exception:  # the original error is the one to report
        logger.exception("Could not remove the screenshot %s after a failed write", name)


def _feedback_to_edit(*, user: User, feedback_id: uuid.UUID, action: str) -> Feedback:
    """The feedback if the caller may change or delete it: its author (while still a
    contributor), or a project owner or editor."""
    access = feedback_access(user=user, feedback_id=feedback_id)
    feedback = access.feedback
    if access.role in MANAGERS:
        return feedback
    if feedback.author_id == user.pk and access.role in CONTRIBUTORS:
        return feedback
    raise PermissionDenied(f"Only the author or a project owner/editor can {action} feedback.")


@transaction.atomic
def feedback_update(*, user: User, feedback_id: uuid.UUID, changes: dict[str, Any]) -> Feedback:
    """Change content, priority or status. Any status may move to any other."""
    feedback = _feedback_to_edit(user=user, feedback_id=feedback_id, action="change")
    allowed = {"content", "priority", "status"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationFailed(details={name: ["Cannot be changed."] for name in sorted(unknown)})
    changed = sorted(name for name, value in changes.items() if getattr(feedback, name) != value)
    if changed:
        for name in changed:
            setattr(feedback, name, changes[name])
        feedback.save(update_fields=[*changed, "updated_at"])
        notify_feedback_updated(feedback, changed=changed, by=user)
    return feedback


def feedback_delete(*, user: User, feedback_id: uuid.UUID) -> None:
    """Delete feedback with its comments; its screenshot goes once no feedback uses it
    (videoplanet.feedback.screenshots)."""
    feedback = _feedback_to_edit(user=user, feedback_id=feedback_id, action="delete")
    feedback_id, video_id = feedback.id, feedback.video_id
    with transaction.atomic():
        feedback.delete()
        notify_feedback_deleted(feedback_id=feedback_id, video_id=video_id, by=user)


@transaction.atomic
def comment_create(
    *,
    user: User,
    feedback_id: uuid.UUID,
    content: str,
    parent_id: uuid.UUID | None = None,
    mention_ids: list[uuid.UUID] | None = None,
    id: uuid.UUID | None = None,
) -> CommentRow:
    """Comment on feedback, or reply to one of its comments, mentioning project members
    (owners, editors and reviewers). ``id`` fixes the new comment's id (the provider
    states')."""
    feedback = feedback_access(
        user=user, feedback_id=feedback_id, roles=CONTRIBUTORS, action="comment"
    ).feedback
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(id=parent_id, feedback=feedback).first()
        if parent is None:
            raise ValidationFailed.field("parent_id", "No comment with this id on this feedback.")
        if len(parent.thread_path) >= MAX_REPLY_DEPTH * THREAD_SEGMENT_LENGTH:
            raise ValidationFailed.field(
                "parent_id", f"Replies nest at most {MAX_REPLY_DEPTH} deep; reply higher up."
            )
    wanted = list(dict.fromkeys(mention_ids or []))
    mentioned = list(
        User.objects.filter(id__in=wanted, memberships__project_id=feedback.video.project_id)
    )
    missing = set(wanted) - {u.pk for u in mentioned}
    if missing:
        raise ValidationFailed(
            details={
                "mentions": [
                    f"{user_id} is not a member of this project."
                    for user_id in wanted
                    if user_id in missing
                ]
            }
        )
    comment_id = id if id is not None else uuid.uuid4()
    segment = thread_segment(timezone.now(), comment_id)
    comment = Comment.objects.create(
        id=comment_id,
        feedback=feedback,
        parent=parent,
        author=user,
        content=content,
        thread_path=(parent.thread_path if parent else "") + segment,
    )
    if mentioned:
        comment.mentions.set(mentioned)
    order = {user_id: i for i, user_id in enumerate(wanted)}
    mentioned.sort(key=lambda u: order[u.pk])
    notify_comment_added(comment, video_id=feedback.video_id, mention_ids=[u.pk for u in mentioned])
    return CommentRow.of(comment, mentions=mentioned, reactions={})


MAX_EMOJI_PER_USER = 10
"""Distinct emoji one person may put on one comment."""


class TooManyReactions(ApiError):
    code = "too_many_reactions"
    default_message = (
        f"You can react to a comment with at most {MAX_EMOJI_PER_USER} different emoji."
    )


def reaction_add(*, user: User, comment_id: uuid.UUID, emoji: str) -> dict[str, list[str]]:
    """Add the caller's reaction (owners, editors and reviewers); adding it again changes
    nothing. Returns the reactions.

    A person may use at most MAX_EMOJI_PER_USER different emoji on one comment. The
    comment's row is locked while counting, so concurrent reactions cannot both pass
    the count.
    """
    comment = comment_access(
        user=user, comment_id=comment_id, roles=CONTRIBUTORS, action="react"
    ).comment
    try:
        with transaction.atomic():
            list(Comment.objects.select_for_update().filter(pk=comment.pk).values_list("pk"))
            mine = Reaction.objects.filter(comment=comment, user=user)
            created = False
            if not mine.filter(emoji=emoji).exists():
                if mine.count() >= MAX_EMOJI_PER_USER:
                    raise TooManyReactions(details={"emoji": [TooManyReactions.default_message]})
                Reaction.objects.create(comment=comment, user=user, emoji=emoji)
                created = True
    except IntegrityError:
        created = False  # the same reaction was added concurrently: the outcome is the same
    reactions = comment_reactions(comment_ids=[comment.pk]).get(comment.pk, {})
    if created:
        notify_reaction_updated(comment, reactions, video_id=comment.feedback.video_id, by=user)
    return reactions


def reaction_remove(*, user: User, comment_id: uuid.UUID, emoji: str) -> dict[str, list[str]]:
    """Take the caller's reaction back; taking back one they did not make changes nothing."""
    comment = comment_access(
        user=user, comment_id=comment_id, roles=CONTRIBUTORS, action="react"
    ).comment
    deleted, _ = Reaction.objects.filter(comment=comment, user=user, emoji=emoji).delete()
    reactions = comment_reactions(comment_ids=[comment.pk]).get(comment.pk, {})
    if deleted:
        notify_reaction_updated(comment, reactions, video_id=comment.feedback.video_id, by=user)
    return reactions
