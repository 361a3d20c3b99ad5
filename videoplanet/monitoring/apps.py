from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "videoplanet.monitoring"
    label = "monitoring"

    def ready(self) -> None:
        from . import schema  # noqa: F401  (registers the OpenAPI auth extension)
