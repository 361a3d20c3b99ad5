"""Feedback pinned to a moment of a video, its comment threads and their reactions."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from videoplanet.projects.models import Video


class Priority(models.TextChoices):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Status(models.TextChoices):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Feedback(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="feedbacks")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedbacks"
    )
    timestamp = models.FloatField(help_text="Seconds from the start of the video.")
    timestamp_end = models.FloatField(null=True, blank=True, help_text="End of a range.")
    content = models.TextField()
    screenshot = models.CharField(
        max_length=255, blank=True, db_index=True, help_text="Storage name of the screenshot."
    )
    drawing_data = models.JSONField(null=True, blank=True)
    priority = models.CharField(max_length=16, choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["video", "timestamp", "id"], name="feedback_video_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(timestamp__gte=0), name="feedback_timestamp_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(timestamp_end__isnull=True) | Q(timestamp_end__gte=F("timestamp")),
                name="feedback_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.video_id}@{self.timestamp}s: {self.content[:40]}"


def thread_segment(created: datetime, comment_id: uuid.UUID) -> str:
    """A comment's own part of its thread path: fixed-width hex, so paths compare the
    same way as text under any collation and siblings sort oldest first."""
    micros = round(created.timestamp() * 1_000_000)
    return f"{micros:014x}{comment_id.hex}"


THREAD_SEGMENT_LENGTH = 14 + 32
MAX_REPLY_DEPTH = 50
"""Levels of replies below a top-level comment."""
MAX_THREAD_PATH_LENGTH = (MAX_REPLY_DEPTH + 1) * THREAD_SEGMENT_LENGTH


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments"
    )
    content = models.TextField()
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    thread_path = models.TextField(
        default="",
        help_text=(
            "Where the comment sits in its feedback's threads: its parent's path plus a "
            "segment of its own (creation time and id, in hex). Ordering by it lists each "
            "comment followed by its replies."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["feedback", "created_at"], name="comment_feedback_time"),
            models.Index(fields=["feedback", "thread_path"], name="comment_feedback_thread"),
        ]

    def __str__(self) -> str:
        return self.content[:40]


class Reaction(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    emoji = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "user", "emoji"], name="reaction_once_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} by {self.user_id}"


class FeedbackListVersion(models.Model):
    """The version of a video's feedback list: a fresh random number on every write that
    changes what the list shows (``videoplanet.feedback.cache``). Kept in its own table
    so that saving a stale ``Video`` can never put an old version back."""

    video = models.OneToOneField(
        Video, on_delete=models.CASCADE, primary_key=True, related_name="feedback_list_version"
    )
    version = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.video_id} v{self.version}"
