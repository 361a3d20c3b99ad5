from django.urls import path

from .apis import ContractViolationCollectionApi, CoverageApi

urlpatterns = [
    path(
        "contract-violations",
        ContractViolationCollectionApi.as_view(),
        name="monitoring-contract-violations",
    ),
    path("coverage", CoverageApi.as_view(), name="monitoring-coverage"),
]
