"""The OpenAPI links of projects, invitations and videos: what a client can do next with
the object a response returns, declared once per response here; each operation's
``@extend_schema(extensions=...)`` names its set (``videoplanet.api.schema`` moves them
onto the response and checks every target operation and parameter)."""

from __future__ import annotations

from videoplanet.api.schema import link, response_links

PROJECT_CREATED = response_links(
    201,
    GetProject=link(
        "projects_retrieve",
        "The project just created.",
        parameters={"path.project_id": "$response.body#/id"},
    ),
    ListMembers=link(
        "project_members_list",
        "Its members (you, as owner).",
        parameters={"path.project_id": "$response.body#/id"},
    ),
    Invite=link(
        "project_invitations_create",
        "Invite someone to it by email.",
        parameters={"path.project_id": "$response.body#/id"},
    ),
    ListVideos=link(
        "videos_list",
        "Its videos.",
        parameters={"query.project_id": "$response.body#/id"},
    ),
    AddVideo=link(
        "videos_create",
        "Add a video to it.",
        body={"project_id": "$response.body#/id"},
    ),
)


INVITATION_SENT = response_links(
    202,
    RevokeInvitation=link(
        "project_invitations_destroy",
        "Withdraw it.",
        parameters={
            "path.project_id": "$request.path.project_id",
            "path.invitation_id": "$response.body#/id",
        },
    ),
    ListInvitations=link(
        "project_invitations_list",
        "The project's pending invitations.",
        parameters={"path.project_id": "$request.path.project_id"},
    ),
)


VIDEO_ADDED = response_links(
    201,
    GetVideo=link(
        "videos_retrieve",
        "The video just added.",
        parameters={"path.video_id": "$response.body#/id"},
    ),
    ListFeedback=link(
        "feedbacks_list",
        "Its feedback.",
        parameters={"query.video_id": "$response.body#/id"},
    ),
    AddFeedback=link(
        "feedbacks_create",
        "Pin feedback to it.",
        body={"video_id": "$response.body#/id"},
    ),
)
