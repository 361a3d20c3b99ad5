from django.apps import AppConfig
from django.db.models.signals import post_delete


class FeedbackConfig(AppConfig):
    name = "videoplanet.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the drawing's OpenAPI extensions)
        from .models import Feedback
        from .screenshots import pillow_limit_pixels, screenshot_release_on_delete

        pillow_limit_pixels()
        post_delete.connect(
            screenshot_release_on_delete, sender=Feedback, dispatch_uid="feedback-screenshot"
        )
