"""Reads for feedback, comments and reactions, always through the caller's membership."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q

from videoplanet.accounts.models import User
from videoplanet.projects.access import video_access

from .access import feedback_access
from .models import Comment, Feedback, Reaction


@dataclass(frozen=True)
class FeedbackFilters:
    status: str | None = None
    priority: str | None = None
    time_from: float | None = None
    time_to: float | None = None


def feedback_get(*, user: User, feedback_id: uuid.UUID) -> Feedback:
    """The feedback (with its author and video), or NotFound."""
    return feedback_access(user=user, feedback_id=feedback_id).feedback


@dataclass(frozen=True, slots=True)
class AuthorRow:
    id: uuid.UUID
    name: str
    email: str

    @classmethod
    def of(cls, user: User) -> AuthorRow:
        return cls(user.pk, user.name, user.email)


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """A feedback as the list renders it: the same attribute names as the model, read
    with ``values_list`` because building full model instances dominated the list's cost.
    The video's frame rate and count come from the join the membership check makes."""

    id: uuid.UUID
    video_id: uuid.UUID
    timestamp: float
    timestamp_end: float | None
    content: str
    screenshot: str
    drawing_data: dict[str, Any] | None
    priority: str
    status: str
    created_at: datetime
    updated_at: datetime
    video_fps: str
    video_frame_count: int | None
    author: AuthorRow


_ROW_COLUMNS = [
    "id",
    "video_id",
    "timestamp",
    "timestamp_end",
    "content",
    "screenshot",
    "drawing_data",
    "priority",
    "status",
    "created_at",
    "updated_at",
    "video__fps",
    "video__frame_count",
    "author__id",
    "author__name",
    "author__email",
]


def _feedback_row(*values: Any) -> FeedbackRow:
    *feedback, author_id, author_name, author_email = values
    author = AuthorRow(author_id, author_name, author_email)
    return FeedbackRow(*feedback, author)  # type: ignore[call-arg]  # mypy cannot count *feedback


def feedback_list(
    *,
    user: User,
    video_id: uuid.UUID,
    filters: FeedbackFilters,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> list[FeedbackRow]:
    """Up to ``limit`` feedbacks ordered by (timestamp, id), starting after a keyset cursor.

    Membership is part of the query; only an empty page costs a second query, to tell a
    video the caller cannot see (NotFound) from an empty one.
    """
    qs = Feedback.objects.filter(video_id=video_id, video__project__memberships__user=user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.time_from is not None:
        qs = qs.filter(timestamp__gte=filters.time_from)
    if filters.time_to is not None:
        qs = qs.filter(timestamp__lte=filters.time_to)
    if after is not None:
        ts, last_id = after
        qs = qs.filter(Q(timestamp__gt=ts) | Q(timestamp=ts, id__gt=last_id))
    rows = [
        _feedback_row(*values)
        for values in qs.order_by("timestamp", "id").values_list(*_ROW_COLUMNS)[:limit]
    ]
    if not rows:
        video_access(user=user, video_id=video_id)
    return rows


def comment_reactions(*, comment_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, list[str]]]:
    """``{comment_id: {emoji: [user ids in the order they reacted]}}``."""
    out: dict[uuid.UUID, dict[str, list[str]]] = defaultdict(dict)
    rows = (
        Reaction.objects.filter(comment_id__in=comment_ids)
        .order_by("created_at", "id")
        .values_list("comment_id", "emoji", "user_id")
    )
    for comment_id, emoji, user_id in rows:
        out[comment_id].setdefault(emoji, []).append(str(user_id))
    return dict(out)


@dataclass(frozen=True, slots=True)
class CommentRow:
    """A comment as the API renders it: the comment with the people it mentions (in the
    order they were mentioned) and its reactions (``comment_reactions``' shape)."""

    id: uuid.UUID
    feedback_id: uuid.UUID
    parent_id: uuid.UUID | None
    thread_path: str
    content: str
    author: AuthorRow
    mentions: list[AuthorRow]
    reactions: dict[str, list[str]]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(
        cls, comment: Comment, *, mentions: Iterable[User], reactions: dict[str, list[str]]
    ) -> CommentRow:
        return cls(
            id=comment.id,
            feedback_id=comment.feedback_id,
            parent_id=comment.parent_id,
            thread_path=comment.thread_path,
            content=comment.content,
            author=AuthorRow.of(comment.author),
            mentions=[AuthorRow.of(user) for user in mentions],
            reactions=reactions,
            created_at=comment.created_at,
            updated_at=comment.updated_at,
        )


def comment_list(
    *, user: User, feedback_id: uuid.UUID, after: str | None = None, limit: int | None = None
) -> list[CommentRow]:
    """Up to ``limit`` of a feedback's comments in thread order (each comment followed
    by its replies, oldest first), starting after the thread position ``after``.

    The order is the keyset ``thread_path``; a page's cursor is its last comment's path.
    """
    feedback = feedback_access(user=user, feedback_id=feedback_id).feedback
    qs = Comment.objects.filter(feedback=feedback)
    if after is not None:
        qs = qs.filter(thread_path__gt=after)
    qs = qs.select_related("author").prefetch_related("mentions").order_by("thread_path")
    comments = list(qs[:limit] if limit is not None else qs)
    reactions = comment_reactions(comment_ids=[c.pk for c in comments])
    return [
        CommentRow.of(
            comment, mentions=comment.mentions.all(), reactions=reactions.get(comment.pk, {})
        )
        for comment in comments
    ]
