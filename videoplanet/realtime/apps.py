from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "videoplanet.realtime"
    label = "realtime"
