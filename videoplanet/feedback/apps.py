from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "videoplanet.feedback"
    label = "feedback"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the drawing's OpenAPI extensions)
