from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class FeedbackConfig(AppConfig):
    name = "videoplanet.feedback"
    label = "feedback"

    def ready(self) -> None:
        from videoplanet.accounts.models import User

        from . import schema  # noqa: F401  (registers the drawing's OpenAPI extensions)
        from .cache import on_feedback_deleted, on_feedback_saved, on_user_saved
        from .models import Feedback
        from .screenshots import pillow_limit_pixels, screenshot_release_on_delete

        pillow_limit_pixels()
        post_delete.connect(
            screenshot_release_on_delete, sender=Feedback, dispatch_uid="feedback-screenshot"
        )
        # The list cache's versions (videoplanet.feedback.cache), in the writer's transaction.
        post_save.connect(on_feedback_saved, sender=Feedback, dispatch_uid="feedback-list-saved")
        post_delete.connect(
            on_feedback_deleted, sender=Feedback, dispatch_uid="feedback-list-deleted"
        )
        post_save.connect(on_user_saved, sender=User, dispatch_uid="feedback-list-author")
