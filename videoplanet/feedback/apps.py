from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "videoplanet.feedback"
    label = "feedback"
