from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "videoplanet.media"
    label = "media"
