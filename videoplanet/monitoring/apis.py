"""Contract monitoring endpoints.

- ``POST /api/monitoring/contract-violations``: a reporter's report (reporter token);
- ``GET /metrics``: Prometheus text format (``METRICS_TOKEN``, ``METRICS_PUBLIC``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare
from drf_spectacular.utils import extend_schema
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.api.errors import (
    AuthenticationFailed,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    error_response,
)
from videoplanet.api.schema import error_responses

from .authentication import IsReporter, ReporterRequest, ReporterTokenAuthentication
from .metrics import exposition
from .reports import ReportSerializer
from .services import violations_store


class ContractViolationCollectionApi(APIView):
    """POST: reporters (reporter token only)."""

    authentication_classes = [ReporterTokenAuthentication]
    permission_classes = [IsReporter]

    class ContractViolationAcceptedSerializer(serializers.Serializer):
        accepted = serializers.IntegerField(help_text="How many entries were stored.")

    @extend_schema(
        operation_id="contract_violations_report",
        summary="Report aggregated contract violations (a consumer's ContractMonitor)",
        description=(
            "Authenticated with a reporter token, never a user's API token. The report is "
            "stored whole or not at all. Limits: 1000 entries, 50 errors of 1000 "
            "characters each per entry, endpoints of 255 characters; `key` must be "
            "`{method}:{endpoint}:{type}`, `count` at least 1, `firstSeen` not after "
            "`lastSeen`. A concrete documented path is stored as its path template."
        ),
        request=ReportSerializer,
        responses={
            202: ContractViolationAcceptedSerializer,
            **error_responses(400, 401, 413, 415),
        },
    )
    def post(self, request: ReporterRequest) -> Response:
        if not isinstance(request.data, Mapping):
            raise ValidationFailed.field("non_field_errors", "The report must be a JSON object.")
        accepted = violations_store(source=request.user.name, report=request.data)
        return Response({"accepted": accepted}, status=status.HTTP_202_ACCEPTED)


def metrics(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``GET /metrics``. With ``METRICS_TOKEN`` set, only ``Authorization: Bearer <it>``
    gets in; without it, the endpoint is open when ``METRICS_PUBLIC``, else 404."""
    if request.method not in ("GET", "HEAD"):
        return error_response(MethodNotAllowed())
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
        if not scheme:
            return error_response(NotAuthenticated())
        if scheme.lower() != "bearer" or not constant_time_compare(credentials.strip(), token):
            return error_response(AuthenticationFailed("The metrics token is wrong."))
    elif not settings.METRICS_PUBLIC:
        return error_response(NotFound())
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_PLAIN_0_0_4)
