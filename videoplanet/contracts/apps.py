from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "videoplanet.contracts"
    label = "contracts"
