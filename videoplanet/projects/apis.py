"""Projects, members, invitations and videos: what a client needs to get from sign-up to
feedback."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from videoplanet.accounts.apis import UserOutputSerializer
from videoplanet.accounts.authentication import AuthenticatedRequest
from videoplanet.api.fields import (
    PositiveNumberField,
    StrictCharField,
    StrictChoiceField,
    StrictEmailField,
    StrictURLField,
    StrictUUIDField,
    isoformat_z,
)
from videoplanet.api.pagination import Keyset, PageQuerySerializer, keyset_response
from videoplanet.api.schema import NEXT_PAGE_LINK, error_responses
from videoplanet.media.signing import media_url

from .links import INVITATION_SENT, PROJECT_CREATED, VIDEO_ADDED
from .models import InvitationStatus, Role, Video, VideoStatus
from .selectors import (
    invitation_list_for_project,
    invitation_list_for_user,
    member_list,
    project_get,
    project_list,
    video_get,
    video_list,
    video_versions,
)
from .services import (
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_revoke,
    membership_leave,
    project_create,
    video_create,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _video_position(position: list[Any]) -> tuple[datetime, uuid.UUID]:
    micros, video_id = position
    if not isinstance(micros, (int, float)) or isinstance(micros, bool):
        raise ValueError(micros)
    if not math.isfinite(micros):
        raise ValueError(micros)
    return EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(video_id)


VIDEO_KEYSET = Keyset[tuple[datetime, uuid.UUID]](
    dump=lambda position: [(position[0] - EPOCH) // timedelta(microseconds=1), str(position[1])],
    parse=_video_position,
)
"""The video list's cursor: the last video's ``(created_at, id)``, the time in whole
microseconds since 1970 (exact in a JSON number)."""


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="project.id")
    name = serializers.CharField(source="project.name")
    role = serializers.ChoiceField(choices=Role.choices, help_text="Your role in the project.")
    created_at = serializers.DateTimeField(source="project.created_at")

    class Meta:
        ref_name = "Project"


class MemberOutputSerializer(serializers.Serializer):
    user = UserOutputSerializer()
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        ref_name = "Member"


class VideoThumbnailSerializer(serializers.Serializer):
    time = serializers.FloatField(help_text="Seconds from the start.")
    url = serializers.URLField(help_text="Signed link to a small still (WebP).")

    class Meta:
        ref_name = "VideoThumbnail"


@extend_schema_field({"type": "string", "pattern": r"^[1-9][0-9]*(/[1-9][0-9]*)?$"})
class RationalField(serializers.CharField):
    """An exact frame rate: ``24000/1001``, or ``25``."""


class VideoOutputSerializer(serializers.Serializer):
    """A video. Links to stored media are signed and expire (MEDIA_URL_TTL_SECONDS): fetch
    the video again for fresh ones. The fields after ``duration`` came with uploads; the
    server always sends them, the document leaves them optional so clients written
    before them still fit it."""

    id = serializers.UUIDField()
    project_id = serializers.UUIDField()
    title = serializers.CharField()
    url = serializers.URLField(
        help_text="The video's own address; for an uploaded file, a signed link to the original."
    )
    duration = serializers.FloatField(allow_null=True)
    status = serializers.ChoiceField(
        required=False,
        choices=VideoStatus.choices,
        help_text="`processing` until an uploaded file is playable; `failed` if it cannot be.",
    )
    failure_reason = serializers.CharField(
        required=False, allow_null=True, help_text="Why it `failed`."
    )
    playback_url = serializers.URLField(
        required=False,
        allow_null=True,
        help_text="What a player should load (Range requests work): the original when "
        "browsers play it, else an H.264/AAC MP4 proxy. null until `ready`.",
    )
    poster_url = serializers.URLField(
        required=False, allow_null=True, help_text="A still (WebP), once ready."
    )
    thumbnails = VideoThumbnailSerializer(
        required=False, many=True, help_text="Timeline stills, in order."
    )
    width = serializers.IntegerField(required=False, allow_null=True)
    height = serializers.IntegerField(required=False, allow_null=True)
    fps = RationalField(
        required=False, allow_null=True, help_text="Exact frame rate, e.g. 24000/1001."
    )
    frame_count = serializers.IntegerField(required=False, allow_null=True)
    stack_id = serializers.UUIDField(
        required=False, help_text="Shared by every version (cut) of this video."
    )
    version = serializers.IntegerField(required=False, help_text="1 for the first cut.")
    created_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Video"

    def to_representation(self, instance: Video) -> dict[str, Any]:
        request = self.context["request"]

        def signed(name: str) -> str | None:
            return media_url(name, request) if name else None

        return {
            "id": str(instance.id),
            "project_id": str(instance.project_id),
            "title": instance.title,
            "url": signed(instance.source) if instance.source else instance.url,
            "duration": instance.duration,
            "status": instance.status,
            "failure_reason": instance.failure_reason or None,
            "playback_url": (
                None
                if instance.status != VideoStatus.READY
                else signed(instance.playback) or instance.url
            ),
            "poster_url": signed(instance.poster),
            "thumbnails": [
                {"time": t["time"], "url": media_url(t["name"], request)}
                for t in instance.thumbnails
            ],
            "width": instance.width,
            "height": instance.height,
            "fps": instance.fps or None,
            "frame_count": instance.frame_count,
            "stack_id": str(instance.stack_id),
            "version": instance.version,
            "created_at": isoformat_z(instance.created_at),
        }


class ProjectCollectionApi(APIView):
    @extend_schema(
        operation_id="projects_list",
        summary="Projects you are a member of",
        description="Every project you are a member of, with your role in each.",
        responses={200: ProjectOutputSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(ProjectOutputSerializer(project_list(user=request.user), many=True).data)

    class ProjectCreateInputSerializer(serializers.Serializer):
        name = StrictCharField(max_length=200)

    @extend_schema(
        operation_id="projects_create",
        summary="Create a project; you become its owner",
        description=(
            "Creates a project owned by you; its id leads to its members, videos and invitations."
        ),
        request=ProjectCreateInputSerializer,
        responses={201: ProjectOutputSerializer, **error_responses(400, 401, 413, 415)},
        extensions=PROJECT_CREATED,
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.ProjectCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = project_create(user=request.user, **data.validated_data)
        return Response(ProjectOutputSerializer(membership).data, status=status.HTTP_201_CREATED)


class ProjectDetailApi(APIView):
    @extend_schema(
        operation_id="projects_retrieve",
        summary="One project",
        description="The project with your role in it. 404 when you are not a member.",
        responses={200: ProjectOutputSerializer, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, project_id: uuid.UUID) -> Response:
        project = project_get(user=request.user, project_id=project_id)
        return Response(ProjectOutputSerializer(project).data)


class ProjectMembersApi(APIView):
    @extend_schema(
        operation_id="project_members_list",
        summary="Members of a project with their roles",
        description="Everyone in the project, with their role. 404 when you are not a member.",
        responses={200: MemberOutputSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, project_id: uuid.UUID) -> Response:
        members = member_list(user=request.user, project_id=project_id)
        return Response(MemberOutputSerializer(members, many=True).data)


class ProjectMemberMeApi(APIView):
    @extend_schema(
        operation_id="project_members_leave",
        summary="Leave the project",
        description=(
            "Ends your membership. The last owner cannot leave: 400 with code `last_owner`."
        ),
        responses={204: None, **error_responses(400, 401, 404)},
    )
    def delete(self, request: AuthenticatedRequest, project_id: uuid.UUID) -> Response:
        membership_leave(user=request.user, project_id=project_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationProjectSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "InvitationProject"


class InvitationUserSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "InvitationUser"


class InvitationOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    project = InvitationProjectSerializer()
    email = serializers.EmailField(help_text="The address invited.")
    role = serializers.ChoiceField(choices=Role.choices, help_text="The role offered.")
    status = serializers.ChoiceField(choices=InvitationStatus.choices)
    invited_by = InvitationUserSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    class Meta:
        ref_name = "Invitation"


class InvitationThrottle(ScopedRateThrottle):
    """Invitations sent per inviter: ``invitations`` in DEFAULT_THROTTLE_RATES, or
    30 an hour when a settings module leaves the scope out."""

    scope_attr = "invitation_throttle_scope"
    default_rate = "30/hour"

    def get_rate(self) -> str | None:
        return self.THROTTLE_RATES.get(self.scope or "", self.default_rate)  # type: ignore[no-any-return]


class ProjectInvitationsApi(APIView):
    invitation_throttle_scope = "invitations"

    def get_throttles(self) -> list[Any]:
        return [InvitationThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        operation_id="project_invitations_list",
        summary="Invitations of the project still waiting for an answer (owners and editors)",
        description=(
            "The project's invitations still waiting for an answer. "
            "Only owners and editors may see them (403 otherwise); 404 when you are not a "
            "member."
        ),
        responses={200: InvitationOutputSerializer(many=True), **error_responses(401, 403, 404)},
    )
    def get(self, request: AuthenticatedRequest, project_id: uuid.UUID) -> Response:
        invitations = invitation_list_for_project(user=request.user, project_id=project_id)
        return Response(InvitationOutputSerializer(invitations, many=True).data)

    class InvitationCreateInputSerializer(serializers.Serializer):
        email = StrictEmailField(help_text="Anyone's email address; they need not have signed up.")
        role = StrictChoiceField(choices=Role.choices, help_text="Only owners can invite owners.")

    @extend_schema(
        operation_id="project_invitations_create",
        summary="Invite someone by email (owners and editors)",
        description=(
            "Emails a key that the invitee, signed in with that address, uses to accept or "
            "decline. The answer is the same whether or not the address has an account. "
            "Inviting the same address again renews its pending invitation (same id, new "
            "key). Limited per inviter (429 with `Retry-After`)."
        ),
        request=InvitationCreateInputSerializer,
        responses={
            202: InvitationOutputSerializer,
            **error_responses(400, 401, 403, 404, 413, 415, 429),
        },
        extensions=INVITATION_SENT,
    )
    def post(self, request: AuthenticatedRequest, project_id: uuid.UUID) -> Response:
        data = self.InvitationCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation = invitation_create(
            user=request.user, project_id=project_id, **data.validated_data
        )
        return Response(
            InvitationOutputSerializer(invitation).data, status=status.HTTP_202_ACCEPTED
        )


class ProjectInvitationDetailApi(APIView):
    @extend_schema(
        operation_id="project_invitations_destroy",
        summary="Revoke a pending invitation (owners and editors)",
        description="An answered invitation cannot be revoked: 400 `invitation_used`.",
        responses={204: None, **error_responses(400, 401, 403, 404)},
    )
    def delete(
        self, request: AuthenticatedRequest, project_id: uuid.UUID, invitation_id: uuid.UUID
    ) -> Response:
        invitation_revoke(user=request.user, project_id=project_id, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationCollectionApi(APIView):
    @extend_schema(
        operation_id="invitations_list",
        summary="Invitations to you (sent to your email address) waiting for an answer",
        description=(
            "Invitations sent to your email address that you have not accepted or declined "
            "yet; accept or decline each by its id."
        ),
        responses={200: InvitationOutputSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        invitations = invitation_list_for_user(user=request.user)
        return Response(InvitationOutputSerializer(invitations, many=True).data)


_ANSWER_ERRORS = (
    "404 when no invitation to your email address has this key or id; 400 "
    "`invitation_used` when it was already answered, `invitation_expired` when it expired."
)


class InvitationKeyInputSerializer(serializers.Serializer):
    key = StrictCharField(max_length=100, help_text="The key from the invitation email.")

    class Meta:
        ref_name = "InvitationKeyInput"


class InvitationAcceptApi(APIView):
    @extend_schema(
        operation_id="invitations_accept",
        summary="Accept an invitation with the key from its email; you join the project",
        description=_ANSWER_ERRORS,
        request=InvitationKeyInputSerializer,
        responses={200: ProjectOutputSerializer, **error_responses(400, 401, 404, 413, 415)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = InvitationKeyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = invitation_accept(user=request.user, key=data.validated_data["key"])
        return Response(ProjectOutputSerializer(membership).data)


class InvitationDeclineApi(APIView):
    @extend_schema(
        operation_id="invitations_decline",
        summary="Decline an invitation with the key from its email",
        description=_ANSWER_ERRORS,
        request=InvitationKeyInputSerializer,
        responses={204: None, **error_responses(400, 401, 404, 413, 415)},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = InvitationKeyInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitation_decline(user=request.user, key=data.validated_data["key"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationAcceptByIdApi(APIView):
    @extend_schema(
        operation_id="invitations_accept_by_id",
        summary="Accept one of your invitations by id (from GET /invitations)",
        description=_ANSWER_ERRORS,
        request=None,
        responses={200: ProjectOutputSerializer, **error_responses(400, 401, 404)},
    )
    def post(self, request: AuthenticatedRequest, invitation_id: uuid.UUID) -> Response:
        membership = invitation_accept(user=request.user, invitation_id=invitation_id)
        return Response(ProjectOutputSerializer(membership).data)


class InvitationDeclineByIdApi(APIView):
    @extend_schema(
        operation_id="invitations_decline_by_id",
        summary="Decline one of your invitations by id (from GET /invitations)",
        description=_ANSWER_ERRORS,
        request=None,
        responses={204: None, **error_responses(400, 401, 404)},
    )
    def post(self, request: AuthenticatedRequest, invitation_id: uuid.UUID) -> Response:
        invitation_decline(user=request.user, invitation_id=invitation_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class VideoCollectionApi(APIView):
    class VideoListQuerySerializer(PageQuerySerializer):
        project_id = serializers.UUIDField()

    @extend_schema(
        operation_id="videos_list",
        summary="Videos of a project, oldest first",
        description=(
            "The body is a bare array. When there are more, the `Link` header holds the "
            'next page: `<url>; rel="next"`.'
        ),
        parameters=[VideoListQuerySerializer, NEXT_PAGE_LINK],
        responses={200: VideoOutputSerializer(many=True), **error_responses(400, 401, 404)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        query = self.VideoListQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = video_list(
            user=request.user,
            project_id=params["project_id"],
            after=VIDEO_KEYSET.after(params),
            limit=params["limit"] + 1,
        )
        return keyset_response(
            request,
            list(rows),
            limit=params["limit"],
            position=lambda video: VIDEO_KEYSET.encode((video.created_at, video.id)),
            render=lambda page: (
                VideoOutputSerializer(page, many=True, context={"request": request}).data
            ),
        )

    class VideoCreateInputSerializer(serializers.Serializer):
        project_id = StrictUUIDField()
        title = StrictCharField(max_length=300)
        url = StrictURLField(max_length=2000)
        duration = PositiveNumberField(
            required=False, allow_null=True, help_text="Length in seconds."
        )

    @extend_schema(
        operation_id="videos_create",
        summary="Add a video to a project (owners and editors)",
        description=(
            "Creates a video in the project named in the body. Only the project's owners and "
            "editors may (403 otherwise); 404 when the project is not yours to see."
        ),
        request=VideoCreateInputSerializer,
        responses={201: VideoOutputSerializer, **error_responses(400, 401, 403, 404, 413, 415)},
        extensions=VIDEO_ADDED,
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.VideoCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        video = video_create(user=request.user, **data.validated_data)
        return Response(
            VideoOutputSerializer(video, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class VideoDetailApi(APIView):
    @extend_schema(
        operation_id="videos_retrieve",
        summary="One video",
        description=(
            "The video with its processing status and, once processed, its playback details. "
            "404 when it is not in one of your projects."
        ),
        responses={200: VideoOutputSerializer, **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, video_id: uuid.UUID) -> Response:
        video = video_get(user=request.user, video_id=video_id)
        return Response(VideoOutputSerializer(video, context={"request": request}).data)


class VideoVersionsApi(APIView):
    @extend_schema(
        operation_id="videos_versions_list",
        summary="Every version of a video, first to last (feedback stays on its own version)",
        description=(
            "All versions of the video, the first upload first. Each version is a video of "
            "its own; feedback stays on the version it was given on. 404 when the video is "
            "not in one of your projects."
        ),
        responses={200: VideoOutputSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request: AuthenticatedRequest, video_id: uuid.UUID) -> Response:
        versions = video_versions(user=request.user, video_id=video_id)
        return Response(
            VideoOutputSerializer(versions, many=True, context={"request": request}).data
        )
