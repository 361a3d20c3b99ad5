from django.apps import AppConfig


class PactConfig(AppConfig):
    name = "videoplanet.pact"
    label = "pact"
