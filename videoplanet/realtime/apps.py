from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "videoplanet.realtime"
    label = "realtime"

    def ready(self) -> None:
        from .redaction import install
        from .revocation import connect_signals

        connect_signals()
        install()
