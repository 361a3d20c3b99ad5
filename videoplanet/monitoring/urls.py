from django.urls import path

from .apis import ContractViolationCollectionApi

urlpatterns = [
    path(
        "contract-violations",
        ContractViolationCollectionApi.as_view(),
        name="monitoring-contract-violations",
    ),
]
