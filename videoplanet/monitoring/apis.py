"""Contract monitoring endpoints.

- ``POST /api/monitoring/contract-violations``: a reporter's report (reporter token);
- ``GET /api/monitoring/contract-violations``, ``GET /api/monitoring/coverage``: staff
  only, through a staff user's API token or a staff session (the dashboard page);
- ``GET /metrics``: Prometheus text format (``METRICS_TOKEN``, ``METRICS_PUBLIC``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.permissions import BasePermission, IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from videoplanet.accounts.authentication import BearerTokenAuthentication
from videoplanet.api.errors import (
    AuthenticationFailed,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    ValidationFailed,
    error_response,
)
from videoplanet.api.pagination import keyset_response
from videoplanet.api.schema import NEXT_PAGE_LINK, ErrorSerializer, error_responses

from .authentication import IsReporter, ReporterRequest, ReporterTokenAuthentication
from .cursors import VIOLATION_KEYSET
from .metrics import exposition
from .models import ViolationType
from .reports import ReportSerializer
from .selectors import KINDS, STATUSES, VERIFICATION_STATUSES, coverage_matrix, violation_list
from .services import violations_store
from .throttling import ReporterRateThrottle

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
DEFAULT_WINDOW_HOURS = 24
MAX_WINDOW_HOURS = 24 * 90

_STAFF_ONLY = {
    403: OpenApiResponse(
        response=ErrorSerializer, description="Only staff users may read monitoring data."
    )
}


# The bearer scheme first: its challenge keeps an anonymous call a 401, not a 403.
_STAFF_AUTHENTICATION = (BearerTokenAuthentication, SessionAuthentication)


class ContractViolationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    endpoint = serializers.CharField()
    type = serializers.ChoiceField(choices=ViolationType.choices)
    direction = serializers.CharField()
    count = serializers.IntegerField()
    first_seen = serializers.DateTimeField()
    last_seen = serializers.DateTimeField()
    unique_errors = serializers.IntegerField()
    received_at = serializers.DateTimeField()

    class Meta:
        ref_name = "ContractViolation"

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Declared here: class attributes named so would hide Field.source, Serializer.errors.
        fields["source"] = serializers.CharField(help_text="The reporter's name, or `server`.")
        fields["errors"] = serializers.ListField(child=serializers.CharField())
        return fields


class ContractViolationCollectionApi(APIView):
    """POST: reporters (reporter token only); GET: staff."""

    _reporting = False

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # Authentication depends on the method; DRF asks for it before self.request is set.
        self._reporting = request.method == "POST"
        return super().initialize_request(request, *args, **kwargs)

    def get_authenticators(self) -> list[BaseAuthentication]:
        if self._reporting:
            return [ReporterTokenAuthentication()]
        return [auth() for auth in _STAFF_AUTHENTICATION]

    def get_permissions(self) -> list[BasePermission]:
        return [IsReporter()] if self._reporting else [IsAdminUser()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [ReporterRateThrottle()] if self._reporting else []

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
            "`lastSeen`. A concrete documented path is stored as its path template; an "
            "endpoint that is neither a documented operation nor a room message type, "
            "or a new key beyond the reporter's key limit, is stored as `other` (the "
            "endpoint as sent leads its errors). Each reporter may send a limited number "
            "of reports a minute (429 beyond, with `Retry-After`)."
        ),
        request=ReportSerializer,
        responses={
            202: ContractViolationAcceptedSerializer,
            **error_responses(400, 401, 413, 415, 429),
        },
    )
    def post(self, request: ReporterRequest) -> Response:
        if not isinstance(request.data, Mapping):
            raise ValidationFailed.field("non_field_errors", "The report must be a JSON object.")
        accepted = violations_store(source=request.user.name, report=request.data)
        return Response({"accepted": accepted}, status=status.HTTP_202_ACCEPTED)

    class ContractViolationListQuerySerializer(serializers.Serializer):
        endpoint = serializers.CharField(required=False, max_length=255)
        type = serializers.ChoiceField(choices=ViolationType.choices, required=False)
        since = serializers.DateTimeField(required=False)
        limit = serializers.IntegerField(
            min_value=1, max_value=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
        )
        cursor = serializers.CharField(required=False, max_length=200)

        def get_fields(self) -> dict[str, serializers.Field]:
            fields = super().get_fields()
            fields["source"] = serializers.CharField(required=False, max_length=100)
            return fields

    @extend_schema(
        operation_id="contract_violations_list",
        summary="Recent contract violations, newest first (staff)",
        description=(
            "Ordered by `last_seen`, newest first. The body is a bare array; when there "
            'are more, the `Link` header holds the next page: `<url>; rel="next"`.'
        ),
        parameters=[
            # Raw schemas: an empty value is refused (allowEmptyValue is false), so the
            # strings say they take at least one character.
            OpenApiParameter(
                "endpoint",
                {"type": "string", "minLength": 1, "maxLength": 255},
                description="Path template or message type.",
            ),
            OpenApiParameter("type", str, enum=ViolationType.values),
            OpenApiParameter(
                "source",
                {"type": "string", "minLength": 1, "maxLength": 100},
                description="A reporter's name, or `server`.",
            ),
            OpenApiParameter(
                "since", OpenApiTypes.DATETIME, description="Only those last seen at or after."
            ),
            OpenApiParameter(
                "limit",
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
                description=f"Page size, 1–{MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE}).",
            ),
            OpenApiParameter(
                "cursor",
                {"type": "string", "minLength": 1, "maxLength": 200},
                description="Opaque; from the Link header.",
            ),
            NEXT_PAGE_LINK,
        ],
        responses={
            200: ContractViolationOutputSerializer(many=True),
            **error_responses(400, 401),
            **_STAFF_ONLY,
        },
    )
    def get(self, request: Request) -> Response:
        query = self.ContractViolationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = list(
            violation_list(
                endpoint=params.get("endpoint"),
                type=params.get("type"),
                source=params.get("source"),
                since=params.get("since"),
                before=VIOLATION_KEYSET.after(params),
                limit=params["limit"] + 1,
            )
        )
        return keyset_response(
            request,
            rows,
            limit=params["limit"],
            position=lambda row: VIOLATION_KEYSET.encode((row.last_seen, row.id)),
            render=lambda page: ContractViolationOutputSerializer(page, many=True).data,
        )


class CoverageRowOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    method = serializers.CharField(help_text="HTTP method, or `WS` for a room message type.")
    endpoint = serializers.CharField(help_text="Path template or room message type.")
    documented = serializers.BooleanField(
        help_text="False for an endpoint known only from violations."
    )
    pact_interactions = serializers.IntegerField(
        help_text="Consumer pact interactions exercising it."
    )
    verification = serializers.ChoiceField(
        choices=VERIFICATION_STATUSES,
        help_text="The last provider verification of those interactions.",
    )
    verified_at = serializers.DateTimeField(allow_null=True)
    last_seen = serializers.DateTimeField(
        allow_null=True, help_text="When the server last handled it successfully."
    )
    seen = serializers.BooleanField(help_text="`last_seen` is within the window.")
    violations = serializers.IntegerField(help_text="Violations last seen within the window.")
    status = serializers.ChoiceField(choices=STATUSES)
    reasons = serializers.ListField(child=serializers.CharField())

    class Meta:
        ref_name = "CoverageRow"


class CoverageOutputSerializer(serializers.Serializer):
    window_hours = serializers.IntegerField()
    generated_at = serializers.DateTimeField()
    rows = CoverageRowOutputSerializer(many=True)

    class Meta:
        ref_name = "Coverage"


class CoverageApi(APIView):
    authentication_classes = list(_STAFF_AUTHENTICATION)
    permission_classes = [IsAdminUser]

    class CoverageQuerySerializer(serializers.Serializer):
        window_hours = serializers.IntegerField(
            min_value=1, max_value=MAX_WINDOW_HOURS, default=DEFAULT_WINDOW_HOURS
        )

    @extend_schema(
        operation_id="contract_coverage",
        summary="The contract coverage matrix (staff)",
        description=(
            "One row per documented operation and room message type, then any endpoint "
            "with violations that is neither. `status` is red with violations in the "
            "window or a failed provider verification; amber without a consumer pact, "
            "with one never verified, or when not seen in the window; green otherwise."
        ),
        parameters=[
            OpenApiParameter(
                "window_hours",
                int,
                description=f"1–{MAX_WINDOW_HOURS} ({DEFAULT_WINDOW_HOURS}).",
            )
        ],
        responses={200: CoverageOutputSerializer, **error_responses(400, 401), **_STAFF_ONLY},
    )
    def get(self, request: Request) -> Response:
        query = self.CoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        hours = query.validated_data["window_hours"]
        now = timezone.now()
        rows = coverage_matrix(window=timedelta(hours=hours), now=now)
        return Response(
            CoverageOutputSerializer(
                {"window_hours": hours, "generated_at": now, "rows": rows}
            ).data
        )


def metrics(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """``GET /metrics``. With ``METRICS_TOKEN`` set, only ``Authorization: Bearer <it>``
    gets in; without it, the endpoint is open only when ``METRICS_PUBLIC`` is set
    explicitly (the default everywhere is off), else 404."""
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
