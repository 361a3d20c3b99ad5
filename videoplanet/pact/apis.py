"""`POST /pact/provider-states`: the Pact verifier's state-change callback."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.api.errors import NotFound
from videoplanet.api.fields import StrictCharField

from .provider import is_loopback
from .provider_states import provider_state_apply


class ProviderStateApi(APIView):
    """Answers 404 unless PACT_PROVIDER_STATES_ENABLED (only `make provider` sets it), and
    to any client that is not on this machine's loopback."""

    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class ProviderStateInputSerializer(serializers.Serializer):
        state = StrictCharField(max_length=200)
        params = serializers.DictField(required=False, allow_null=True)
        action = StrictCharField(required=False, default="setup")

    @extend_schema(exclude=True)
    def post(self, request: Request) -> Response:
        if not settings.PACT_PROVIDER_STATES_ENABLED:
            raise NotFound()
        if not is_loopback(request.META.get("REMOTE_ADDR") or ""):
            raise NotFound()
        data = self.ProviderStateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = provider_state_apply(
            state=data.validated_data["state"], action=data.validated_data["action"]
        )
        return Response(result)
