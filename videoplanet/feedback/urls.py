from django.urls import path

from .apis import (
    CommentCollectionApi,
    FeedbackCollectionApi,
    FeedbackDetailApi,
    ReactionCreateApi,
    ReactionDeleteApi,
)

urlpatterns = [
    path("feedbacks", FeedbackCollectionApi.as_view(), name="feedbacks"),
    path("feedbacks/<uuid:feedback_id>", FeedbackDetailApi.as_view(), name="feedback-detail"),
    path("comments", CommentCollectionApi.as_view(), name="comments"),
    path("comments/<uuid:comment_id>/reactions", ReactionCreateApi.as_view(), name="reactions"),
    path(
        "comments/<uuid:comment_id>/reactions/<str:emoji>",
        ReactionDeleteApi.as_view(),
        name="reaction-detail",
    ),
]
