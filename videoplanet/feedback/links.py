"""The OpenAPI links of feedback, comments and reactions: what a client can do next with
the object a response returns, declared once per response here; each operation's
``@extend_schema(extensions=...)`` names its set (``videoplanet.api.schema`` moves them
onto the response and checks every target operation and parameter)."""

from __future__ import annotations

from videoplanet.api.schema import link, response_links

FEEDBACK_CREATED = response_links(
    201,
    GetFeedback=link(
        "feedbacks_retrieve",
        "The feedback just created.",
        parameters={"path.feedback_id": "$response.body#/id"},
    ),
    UpdateFeedback=link(
        "feedbacks_partial_update",
        "Change its content, priority or status.",
        parameters={"path.feedback_id": "$response.body#/id"},
    ),
    DeleteFeedback=link(
        "feedbacks_destroy",
        "Delete it.",
        parameters={"path.feedback_id": "$response.body#/id"},
    ),
    ListComments=link(
        "comments_list",
        "Its comments.",
        parameters={"query.feedback_id": "$response.body#/id"},
    ),
    AddComment=link(
        "comments_create",
        "Comment on it, mentioning its author.",
        body={
            "feedback_id": "$response.body#/id",
            "parent_id": None,
            "mentions": ["$response.body#/user/id"],
        },
    ),
    ListVideoFeedback=link(
        "feedbacks_list",
        "All feedback on the same video.",
        parameters={"query.video_id": "$response.body#/video_id"},
    ),
)


COMMENT_CREATED = response_links(
    201,
    AddReaction=link(
        "comment_reactions_create",
        "React to the comment.",
        parameters={"path.comment_id": "$response.body#/id"},
    ),
    Reply=link(
        "comments_create",
        "Reply to the comment, mentioning its author.",
        body={
            "feedback_id": "$response.body#/feedback_id",
            "parent_id": "$response.body#/id",
            "mentions": ["$response.body#/user/id"],
        },
    ),
    ListComments=link(
        "comments_list",
        "The thread the comment belongs to.",
        parameters={"query.feedback_id": "$response.body#/feedback_id"},
    ),
    GetFeedback=link(
        "feedbacks_retrieve",
        "The feedback commented on.",
        parameters={"path.feedback_id": "$response.body#/feedback_id"},
    ),
)


REACTION_ADDED = response_links(
    200,
    RemoveReaction=link(
        "comment_reactions_destroy",
        "Take the same reaction back.",
        parameters={
            "path.comment_id": "$request.path.comment_id",
            "path.emoji": "$request.body#/emoji",
        },
    ),
)
