from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "videoplanet.api"
    label = "api"
