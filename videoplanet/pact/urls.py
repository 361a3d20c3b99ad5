"""The Pact verifier's routes, included by config/urls.py only when
PACT_PROVIDER_STATES_ENABLED (config.settings.provider, what `make provider` runs)."""

from django.urls import path

from .apis import ProviderStateApi

urlpatterns = [
    path("provider-states", ProviderStateApi.as_view(), name="pact-provider-states"),
]
