from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "videoplanet.monitoring"
    label = "monitoring"
