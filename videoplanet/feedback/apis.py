"""Feedback, comment and reaction endpoints. Each method parses input, calls one
service or selector, and renders the result."""

from __future__ import annotations

import copy
import math
import uuid
from typing import Any

from django.http import HttpResponse
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.accounts.authentication import AuthenticatedRequest
from videoplanet.api.errors import NotFound
from videoplanet.api.fields import (
    RequestSerializer,
    StrictCharField,
    StrictChoiceField,
    StrictNumberField,
    StrictUUIDField,
)
from videoplanet.api.pagination import PageQuerySerializer, keyset_response, next_page_link
from videoplanet.api.schema import NEXT_PAGE_LINK, error_responses, named_component

from .cache import list_key, page_get, page_put, page_render, page_response
from .drawing import DrawingDataSerializer
from .inputs import (
    COMMENT_KEYSET,
    FEEDBACK_KEYSET,
    EmojiField,
    FrameField,
    ScreenshotField,
    emoji_from_path,
)
from .links import COMMENT_CREATED, FEEDBACK_CREATED, REACTION_ADDED
from .models import Priority, Status
from .selectors import (
    FeedbackFilters,
    comment_list,
    feedback_get,
    feedback_list,
)
from .serializers import (
    CommentOutputSerializer,
    FeedbackOutputSerializer,
    ReactionsOutputSerializer,
)
from .services import (
    comment_create,
    feedback_create,
    feedback_delete,
    feedback_update,
    reaction_add,
    reaction_remove,
)

MAX_CONTENT_LENGTH = 10_000
MAX_FRAME = 2**31 - 1
MISSING_MOMENT = "Send timestamp (seconds) or frame."


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


class FeedbackCollectionApi(APIView):
    class FeedbackListQuerySerializer(PageQuerySerializer):
        video_id = serializers.UUIDField()
        status = serializers.ChoiceField(choices=Status.choices, required=False)
        priority = serializers.ChoiceField(choices=Priority.choices, required=False)

        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            fields["from"] = FiniteFloatField(
                required=False, min_value=0, help_text="Only feedback at or after (s)."
            )
            fields["to"] = FiniteFloatField(
                required=False, min_value=0, help_text="Only feedback at or before (s)."
            )
            return fields

    @extend_schema(
        operation_id="feedbacks_list",
        summary="Feedback on a video, ordered by timestamp",
        description=(
            "The body is a bare array. When there are more, the `Link` header holds the "
            'next page: `<url>; rel="next"`.'
        ),
        parameters=[
            FeedbackListQuerySerializer,
            NEXT_PAGE_LINK,
            OpenApiParameter(
                "If-None-Match",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                description="The `ETag` of the copy the client holds: 304 while it is current.",
            ),
            OpenApiParameter(
                "ETag",
                OpenApiTypes.STR,
                location=OpenApiParameter.HEADER,
                response=[200, 304],
                description="The page's version; send it back in `If-None-Match`.",
            ),
        ],
        responses={
            200: FeedbackOutputSerializer(many=True),
            304: OpenApiResponse(
                description="Not modified: the copy named in `If-None-Match` is current."
            ),
            **error_responses(400, 401, 404),
        },
    )
    def get(self, request: AuthenticatedRequest) -> HttpResponse:
        # A page in the cache was rendered for this very query string, which passed
        # validation then and would again (it is a function of the string alone): such a
        # page is answered without parsing the query. Access is checked first either way.
        key = None
        video_id = _uuid_or_none(request.GET.get("video_id"))
        if video_id is not None:
            try:
                key = list_key(user=request.user, video_id=video_id, request=request)
            except NotFound:
                self._query(request)  # a bad query is a 400 before it is a 404
                raise
            page = page_get(key)
            if page is not None:
                return page_response(request, page, cached=True)
        params = self._query(request)
        limit = params["limit"]
        after = FEEDBACK_KEYSET.after(params)
        if key is None or video_id != params["video_id"]:
            key = list_key(user=request.user, video_id=params["video_id"], request=request)
        rows = feedback_list(
            user=request.user,
            video_id=params["video_id"],
            filters=FeedbackFilters(
                status=params.get("status"),
                priority=params.get("priority"),
                time_from=params.get("from"),
                time_to=params.get("to"),
            ),
            after=after,
            limit=limit + 1,
        )
        page_rows = rows[:limit]
        body = FeedbackOutputSerializer(page_rows, many=True, context={"request": request}).data
        more = len(rows) > limit
        next_cursor = (
            FEEDBACK_KEYSET.encode((page_rows[-1].timestamp, page_rows[-1].id)) if more else None
        )
        page = page_render(body, next_page_link(request, next_cursor))
        page_put(key, page)
        return page_response(request, page, cached=False)

    def _query(self, request: AuthenticatedRequest) -> dict[str, Any]:
        # A plain dict, not the QueryDict: DRF reads an empty form value of an optional
        # field as "not sent", but `?cursor=` is a blank cursor, which the document refuses.
        query = self.FeedbackListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return query.validated_data  # type: ignore[no-any-return]

    class FeedbackCreateInputSerializer(RequestSerializer):
        video_id = StrictUUIDField()
        timestamp = StrictNumberField(
            required=False, min_value=0, help_text="Seconds from the start; or send frame."
        )
        frame = FrameField(
            required=False,
            min_value=0,
            max_value=MAX_FRAME,
            help_text=(
                "Instead of timestamp: the frame index (0-based). Needs the video's frame "
                "rate; must be below its frame count when that is known."
            ),
        )
        timestamp_end = StrictNumberField(
            required=False, allow_null=True, min_value=0, help_text="End of a range."
        )
        frame_end = FrameField(
            required=False,
            allow_null=True,
            min_value=0,
            max_value=MAX_FRAME,
            help_text="Instead of timestamp_end: the frame index the range ends at.",
        )
        content = StrictCharField(max_length=MAX_CONTENT_LENGTH)
        screenshot = ScreenshotField(required=False, allow_null=True)
        drawing_data = DrawingDataSerializer(required=False, allow_null=True)
        priority = StrictChoiceField(choices=Priority.choices, default=Priority.MEDIUM)

        def to_internal_value(self, data: Any) -> Any:
            # "timestamp or frame" is reported with the other fields' problems, not after.
            missing = isinstance(data, dict) and "timestamp" not in data and "frame" not in data
            try:
                value = super().to_internal_value(data)
            except serializers.ValidationError as exc:
                if missing and isinstance(exc.detail, dict):
                    exc.detail.setdefault("timestamp", [ErrorDetail(MISSING_MOMENT, "required")])
                raise
            if missing:
                raise serializers.ValidationError({"timestamp": [MISSING_MOMENT]})
            return value

    @extend_schema(
        operation_id="feedbacks_create",
        summary="Pin feedback to a moment of a video",
        description=(
            "The moment is `timestamp` (seconds) or `frame` (a frame index, when the "
            "video's frame rate is known): exactly one of them. The same goes for the end "
            "of a range (`timestamp_end` or `frame_end`). The response has both, plus the "
            "SMPTE `timecode`."
        ),
        request=FeedbackCreateInputSerializer,
        responses={201: FeedbackOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
        extensions=FEEDBACK_CREATED,
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.FeedbackCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_create(user=request.user, **data.validated_data)
        return Response(
            FeedbackOutputSerializer(feedback, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class FeedbackDetailApi(APIView):
    @extend_schema(
        operation_id="feedbacks_retrieve",
        summary="One feedback",
        description=(
            "The feedback with its moment, screenshot and drawing. 404 when its video is not "
            "in one of your projects."
        ),
        responses={200: FeedbackOutputSerializer, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, feedback_id: uuid.UUID) -> Response:
        feedback = feedback_get(user=request.user, feedback_id=feedback_id)
        return Response(FeedbackOutputSerializer(feedback, context={"request": request}).data)

    class FeedbackUpdateInputSerializer(serializers.Serializer):
        content = StrictCharField(required=False, max_length=MAX_CONTENT_LENGTH)
        priority = StrictChoiceField(choices=Priority.choices, required=False)
        status = StrictChoiceField(choices=Status.choices, required=False)

    @extend_schema(
        operation_id="feedbacks_partial_update",
        summary="Change content, priority or status (author, owner or editor)",
        description="Any status may move to any other; closed feedback can be reopened.",
        request=FeedbackUpdateInputSerializer,
        responses={200: FeedbackOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def patch(self, request: AuthenticatedRequest, feedback_id: uuid.UUID) -> Response:
        data = self.FeedbackUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback = feedback_update(
            user=request.user, feedback_id=feedback_id, changes=dict(data.validated_data)
        )
        return Response(FeedbackOutputSerializer(feedback, context={"request": request}).data)

    @extend_schema(
        operation_id="feedbacks_destroy",
        summary="Delete feedback with its comments (author, owner or editor)",
        description=(
            "Deletes the feedback and every comment on it. Its author and the project's "
            "owners and editors may (403 otherwise)."
        ),
        responses={204: None, **error_responses(401, 403, 404)},
    )
    def delete(self, request: AuthenticatedRequest, feedback_id: uuid.UUID) -> Response:
        feedback_delete(user=request.user, feedback_id=feedback_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CommentCollectionApi(APIView):
    class CommentListQuerySerializer(PageQuerySerializer):
        feedback_id = serializers.UUIDField()
        # A thread position grows with the depth of the reply it ends at.
        cursor = serializers.CharField(
            required=False, max_length=4000, help_text="Opaque; from the Link header."
        )

    @extend_schema(
        operation_id="comments_list",
        summary="A feedback's comments, each followed by its replies",
        description=(
            "The body is a bare array in thread order: each comment is followed by its "
            "replies (and theirs), oldest first. When there are more, the `Link` header "
            'holds the next page: `<url>; rel="next"`.'
        ),
        parameters=[CommentListQuerySerializer, NEXT_PAGE_LINK],
        responses={200: CommentOutputSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        # A plain dict: `?cursor=` is a blank cursor, refused (see feedbacks_list).
        query = self.CommentListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        comments = comment_list(
            user=request.user,
            feedback_id=params["feedback_id"],
            after=COMMENT_KEYSET.after(params),
            limit=params["limit"] + 1,
        )
        return keyset_response(
            request,
            comments,
            limit=params["limit"],
            position=lambda comment: COMMENT_KEYSET.encode(comment.thread_path),
            render=lambda page: CommentOutputSerializer(page, many=True).data,
        )

    class CommentCreateInputSerializer(serializers.Serializer):
        feedback_id = StrictUUIDField()
        parent_id = StrictUUIDField(
            required=False, allow_null=True, help_text="Reply to this comment (same feedback)."
        )
        content = StrictCharField(max_length=MAX_CONTENT_LENGTH)
        mentions = serializers.ListField(
            child=StrictUUIDField(),
            required=False,
            max_length=50,
            help_text="Ids of project members to mention.",
        )

    @extend_schema(
        operation_id="comments_create",
        summary="Comment on feedback or reply to a comment",
        description=(
            "Adds a comment to feedback, or a reply when `parent_id` names a comment; "
            "the project members listed in `mentions` are mentioned. Viewers may not comment (403)."
        ),
        request=CommentCreateInputSerializer,
        responses={201: CommentOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
        extensions=COMMENT_CREATED,
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.CommentCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        comment = comment_create(
            user=request.user,
            feedback_id=fields["feedback_id"],
            content=fields["content"],
            parent_id=fields.get("parent_id"),
            mention_ids=fields.get("mentions"),
        )
        return Response(CommentOutputSerializer(comment).data, status=status.HTTP_201_CREATED)


class ReactionCreateApi(APIView):
    class ReactionInputSerializer(serializers.Serializer):
        emoji = EmojiField(help_text="A single emoji, e.g. 👍.")

    @extend_schema(
        operation_id="comment_reactions_create",
        summary="React to a comment; reacting twice with the same emoji changes nothing",
        description=(
            "One person may use at most 10 different emoji on a comment; an 11th is 400 "
            "with code `too_many_reactions`."
        ),
        request=ReactionInputSerializer,
        responses={200: ReactionsOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
        extensions=REACTION_ADDED,
    )
    def post(self, request: AuthenticatedRequest, comment_id: uuid.UUID) -> Response:
        data = self.ReactionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        reactions = reaction_add(
            user=request.user, comment_id=comment_id, emoji=data.validated_data["emoji"]
        )
        return Response({"success": True, "reactions": reactions})


class ReactionDeleteApi(APIView):
    @extend_schema(
        operation_id="comment_reactions_destroy",
        summary="Remove your reaction",
        description=(
            "Removes your reaction with this emoji from the comment; removing one you have "
            "not added changes nothing. Answers with the comment's reactions."
        ),
        responses={200: ReactionsOutputSerializer, **error_responses(400, 401, 403, 404)},
    )
    def delete(self, request: AuthenticatedRequest, comment_id: uuid.UUID, emoji: str) -> Response:
        emoji = emoji_from_path(emoji)
        reactions = reaction_remove(user=request.user, comment_id=comment_id, emoji=emoji)
        return Response({"success": True, "reactions": reactions})


class FeedbackCreateInputSchema(OpenApiSerializerExtension):
    """The moment as seconds or as a frame: one object per way, so exactly one is sent."""

    target_class = FeedbackCollectionApi.FeedbackCreateInputSerializer

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        base = super().map_serializer(auto_schema, direction)

        def way(name: str, moment: str, other: str) -> dict[str, str]:
            schema = copy.deepcopy(base)
            del schema["properties"][other]
            schema["required"] = sorted({*schema["required"], moment})
            ends = ["timestamp_end", "frame_end"]
            schema["not"] = {"properties": {end: {} for end in ends}, "required": ends}
            return named_component(auto_schema, name, schema)

        # The fields both ways require, at the top too: it makes the body itself required.
        return {
            "oneOf": [
                way("FeedbackCreateAtTimestamp", "timestamp", "frame"),
                way("FeedbackCreateAtFrame", "frame", "timestamp"),
            ],
            "required": base["required"],
        }
