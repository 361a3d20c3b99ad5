from django.urls import path

from .apis import (
    InvitationAcceptApi,
    InvitationAcceptByIdApi,
    InvitationCollectionApi,
    InvitationDeclineApi,
    InvitationDeclineByIdApi,
    ProjectCollectionApi,
    ProjectDetailApi,
    ProjectInvitationDetailApi,
    ProjectInvitationsApi,
    ProjectMemberMeApi,
    ProjectMembersApi,
    VideoCollectionApi,
    VideoDetailApi,
    VideoVersionsApi,
)

urlpatterns = [
    path("projects", ProjectCollectionApi.as_view(), name="projects"),
    path("projects/<uuid:project_id>", ProjectDetailApi.as_view(), name="project-detail"),
    path("projects/<uuid:project_id>/members", ProjectMembersApi.as_view(), name="members"),
    path("projects/<uuid:project_id>/members/me", ProjectMemberMeApi.as_view(), name="member-me"),
    path(
        "projects/<uuid:project_id>/invitations",
        ProjectInvitationsApi.as_view(),
        name="project-invitations",
    ),
    path(
        "projects/<uuid:project_id>/invitations/<uuid:invitation_id>",
        ProjectInvitationDetailApi.as_view(),
        name="project-invitation-detail",
    ),
    path("invitations", InvitationCollectionApi.as_view(), name="invitations"),
    path("invitations/accept", InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("invitations/decline", InvitationDeclineApi.as_view(), name="invitation-decline"),
    path(
        "invitations/<uuid:invitation_id>/accept",
        InvitationAcceptByIdApi.as_view(),
        name="invitation-accept-by-id",
    ),
    path(
        "invitations/<uuid:invitation_id>/decline",
        InvitationDeclineByIdApi.as_view(),
        name="invitation-decline-by-id",
    ),
    path("videos", VideoCollectionApi.as_view(), name="videos"),
    path("videos/<uuid:video_id>", VideoDetailApi.as_view(), name="video-detail"),
    path("videos/<uuid:video_id>/versions", VideoVersionsApi.as_view(), name="video-versions"),
]
