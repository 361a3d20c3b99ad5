"""Video uploads: create one, send its bytes in parts at offsets (resumable), complete it.

POST   /api/v1/uploads                      {project_id, title, filename, size}
PATCH  /api/v1/uploads/{id}?offset=N        body: the next bytes (application/octet-stream)
GET    /api/v1/uploads/{id}                 where to resume (offset)
POST   /api/v1/uploads/{id}/complete        → the Video (status processing)
DELETE /api/v1/uploads/{id}                 give up; the bytes are removed
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.accounts.authentication import AuthenticatedRequest
from videoplanet.api.errors import UnsupportedMediaType, ValidationFailed
from videoplanet.api.fields import StrictCharField, StrictUUIDField
from videoplanet.api.schema import ErrorSerializer, error_responses
from videoplanet.projects.apis import VideoOutputSerializer

from .services import upload_abort, upload_append, upload_complete, upload_create, upload_get

CONFLICT = OpenApiResponse(
    response=ErrorSerializer,
    description="`offset_mismatch`: the part does not start at the upload's offset "
    "(`details.offset` holds it); `upload_incomplete`: bytes are still missing.",
)


class JsonIntegerField(serializers.IntegerField):
    """A JSON integer: no strings, no booleans, no fractions."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class UploadOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project_id = serializers.UUIDField()
    title = serializers.CharField()
    filename = serializers.CharField()
    size = serializers.IntegerField(help_text="The file's length in bytes.")
    offset = serializers.IntegerField(
        source="received", help_text="Bytes received so far: send the next part from here."
    )
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Upload"


class UploadCollectionApi(APIView):
    class UploadCreateInputSerializer(serializers.Serializer):
        project_id = StrictUUIDField()
        title = StrictCharField(max_length=300)
        filename = StrictCharField(max_length=255)
        size = JsonIntegerField(
            min_value=1,
            max_value=settings.VIDEO_MAX_BYTES,
            help_text="The file's length in bytes, at most the server's VIDEO_MAX_BYTES.",
        )
        video_id = StrictUUIDField(
            required=False,
            help_text="Upload a new version of this video (of the same project): the new "
            "video joins its stack with the next version number.",
        )

    @extend_schema(
        operation_id="uploads_create",
        summary="Start uploading a video file (owners and editors)",
        description=(
            "Then send the bytes with PATCH in parts of at most the server's part size, "
            "each at the offset the upload stands at, and complete it. A file larger "
            "than the server's limit is refused with 413."
        ),
        request=UploadCreateInputSerializer,
        responses={201: UploadOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.UploadCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = upload_create(user=request.user, **data.validated_data)
        return Response(UploadOutputSerializer(upload).data, status=status.HTTP_201_CREATED)


class UploadDetailApi(APIView):
    @extend_schema(
        operation_id="uploads_retrieve",
        summary="An upload in progress: its offset is where to resume",
        description=(
            "Where a resumable upload stands: send the next bytes from its `offset`. 404 when "
            "the upload is not yours."
        ),
        responses={200: UploadOutputSerializer, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, upload_id: uuid.UUID) -> Response:
        upload = upload_get(user=request.user, upload_id=upload_id)
        return Response(UploadOutputSerializer(upload).data)

    class UploadPartQuerySerializer(serializers.Serializer):
        offset = serializers.IntegerField(
            min_value=0, help_text="Where this part starts: the upload's current offset."
        )
        sha256 = serializers.RegexField(
            r"^[0-9a-fA-F]{64}$",
            required=False,
            help_text="Hex SHA-256 of this part; a part that does not match is not kept.",
        )

    @extend_schema(
        operation_id="uploads_partial_update",
        summary="Send the next part of the file",
        description=(
            "The body is raw bytes (`Content-Type: application/octet-stream`, "
            "`Content-Length` required). Whatever arrives before a dropped connection is "
            "kept: GET the upload for its offset and send the rest from there."
        ),
        parameters=[UploadPartQuerySerializer],
        request={"application/octet-stream": OpenApiTypes.BINARY},
        responses={
            200: UploadOutputSerializer,
            **error_responses(400, 401, 404, 413, 415),
            409: CONFLICT,
        },
    )
    def patch(self, request: AuthenticatedRequest, upload_id: uuid.UUID) -> Response:
        query = self.UploadPartQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        if request.content_type != "application/octet-stream":
            raise UnsupportedMediaType("Send the part as application/octet-stream.")
        raw = request.META.get("CONTENT_LENGTH") or ""
        if not raw.isdigit():
            raise ValidationFailed.field("Content-Length", "Send the part's length.")
        upload = upload_append(
            user=request.user,
            upload_id=upload_id,
            offset=query.validated_data["offset"],
            length=int(raw),
            stream=request._request,
            sha256=query.validated_data.get("sha256"),
        )
        return Response(UploadOutputSerializer(upload).data)

    @extend_schema(
        operation_id="uploads_destroy",
        summary="Give up an upload; its bytes are removed",
        description=(
            "Abandons the upload: the bytes received so far are removed and it can no longer "
            "be completed. 404 when the upload is not yours."
        ),
        responses={204: None, **error_responses(401, 404)},
    )
    def delete(self, request: AuthenticatedRequest, upload_id: uuid.UUID) -> Response:
        upload_abort(user=request.user, upload_id=upload_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadCompleteApi(APIView):
    @extend_schema(
        operation_id="uploads_complete",
        summary="Finish an upload: the file becomes a video (status processing)",
        description=(
            "The file is probed. A video becomes a Video with `status: processing`; the "
            "room gets `video.updated` when it is `ready` (or `failed`). A file that is "
            "not a whole video is refused with 400 `invalid_video` and removed."
        ),
        request=None,
        responses={201: VideoOutputSerializer, **error_responses(400, 401, 404), 409: CONFLICT},
    )
    def post(self, request: AuthenticatedRequest, upload_id: uuid.UUID) -> Response:
        video = upload_complete(user=request.user, upload_id=upload_id)
        return Response(
            VideoOutputSerializer(video, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )
