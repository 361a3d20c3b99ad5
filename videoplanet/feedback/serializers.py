"""Output shapes of feedback, comments and reactions.

The declared fields are the OpenAPI schema. ``to_representation`` is written out by
hand because these objects are rendered in lists on the hottest endpoints, and DRF's
generic field-by-field rendering costs several times more; the API test client
validates every response against the committed OpenAPI document, so the two cannot
drift apart unnoticed.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from videoplanet.api.fields import isoformat_z

from .drawing import DrawingDataSerializer
from .models import Feedback, Priority, Status
from .screenshots import screenshot_url
from .selectors import CommentRow, FeedbackRow
from .timecode import frame_at


class FeedbackUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()

    class Meta:
        ref_name = "FeedbackUser"


class FeedbackOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    video_id = serializers.UUIDField()
    timestamp = serializers.FloatField(help_text="Seconds from the start of the video.")
    timestamp_end = serializers.FloatField(allow_null=True, help_text="End of a range, if any.")
    frame = serializers.IntegerField(
        allow_null=True,
        help_text="The frame shown at timestamp (0-based); null while the frame rate is unknown.",
    )
    timecode = serializers.CharField(
        allow_null=True,
        help_text=(
            "SMPTE timecode of frame: HH:MM:SS:FF, or HH:MM:SS;FF (drop-frame) at 29.97 and "
            "59.94 fps; null while the frame rate is unknown."
        ),
    )
    frame_end = serializers.IntegerField(
        allow_null=True, help_text="The frame shown at timestamp_end, if any."
    )
    timecode_end = serializers.CharField(
        allow_null=True, help_text="SMPTE timecode of frame_end, if any."
    )
    content = serializers.CharField()
    screenshot_url = serializers.URLField(
        allow_null=True, help_text="Absolute URL ending in .webp, .png or .jpg."
    )
    drawing_data = DrawingDataSerializer(allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices)
    status = serializers.ChoiceField(choices=Status.choices)
    user = FeedbackUserSerializer(help_text="The author.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Feedback"

    def to_representation(self, instance: Feedback | FeedbackRow) -> dict[str, Any]:
        author = instance.author
        if isinstance(instance, FeedbackRow):
            fps, frame_count = instance.video_fps, instance.video_frame_count
        else:
            fps, frame_count = instance.video.fps, instance.video.frame_count
        frame, timecode = frame_at(instance.timestamp, fps, frame_count)
        frame_end, timecode_end = frame_at(instance.timestamp_end, fps, frame_count)
        return {
            "id": str(instance.id),
            "video_id": str(instance.video_id),
            "timestamp": instance.timestamp,
            "timestamp_end": instance.timestamp_end,
            "frame": frame,
            "timecode": timecode,
            "frame_end": frame_end,
            "timecode_end": timecode_end,
            "content": instance.content,
            "screenshot_url": (
                screenshot_url(instance.screenshot, self.context["request"])
                if instance.screenshot
                else None
            ),
            "drawing_data": instance.drawing_data,
            "priority": instance.priority,
            "status": instance.status,
            "user": {"id": str(author.id), "name": author.name, "email": author.email},
            "created_at": isoformat_z(instance.created_at),
            "updated_at": isoformat_z(instance.updated_at),
        }


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string", "format": "uuid"}},
        "description": "Emoji → ids of the users who reacted with it, in the order they did.",
    },
    component_name="ReactionMap",
)
class ReactionMapField(serializers.DictField):
    """A comment's reactions: one schema wherever they appear."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.ListField(child=serializers.UUIDField()), **kwargs)


class CommentUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "CommentUser"


class CommentOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    feedback_id = serializers.UUIDField()
    parent_id = serializers.UUIDField(allow_null=True, help_text="null for a top-level comment.")
    content = serializers.CharField()
    user = CommentUserSerializer(help_text="The author.")
    mentions = CommentUserSerializer(many=True)
    reactions = ReactionMapField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Comment"

    def to_representation(self, instance: CommentRow) -> dict[str, Any]:
        return {
            "id": str(instance.id),
            "feedback_id": str(instance.feedback_id),
            "parent_id": str(instance.parent_id) if instance.parent_id else None,
            "content": instance.content,
            "user": {"id": str(instance.author.id), "name": instance.author.name},
            "mentions": [{"id": str(u.id), "name": u.name} for u in instance.mentions],
            "reactions": instance.reactions,
            "created_at": isoformat_z(instance.created_at),
            "updated_at": isoformat_z(instance.updated_at),
        }


class ReactionsOutputSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    reactions = ReactionMapField()

    class Meta:
        # Not "Reactions": a generated client's class would hold a field of its own name.
        ref_name = "CommentReactions"
