"""`POST /api/v1/realtime/tickets` (a ticket that opens one live-room socket) and
`GET /api/v1/asyncapi.json` (the rooms' AsyncAPI document)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import get_authorization_header
from rest_framework.response import Response
from rest_framework.views import APIView

from videoplanet.accounts.authentication import AuthenticatedRequest, BearerTokenAuthentication
from videoplanet.api.fields import StrictUUIDField
from videoplanet.api.schema import error_responses
from videoplanet.monitoring.usage import identify

from .asyncapi import generate
from .tickets import ticket_issue


@cache
def _document() -> dict[str, Any]:
    return generate()


@require_GET
def asyncapi_document(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_document(), json_dumps_params={"ensure_ascii": False})


class RealtimeTicketApi(APIView):
    authentication_classes = [BearerTokenAuthentication]  # the ticket carries this token

    class RealtimeTicketInputSerializer(serializers.Serializer):
        video_id = StrictUUIDField(
            required=False, help_text="Only this video's room (default: any of yours)."
        )

    class RealtimeTicketOutputSerializer(serializers.Serializer):
        ticket = serializers.CharField(
            help_text="Open `ws://HOST/ws/videos/{video_id}/?ticket=<ticket>` with it, once."
        )
        expires_at = serializers.DateTimeField(help_text="Unused after this, it opens nothing.")

    @extend_schema(
        operation_id="realtime_tickets_create",
        summary="A single-use ticket that opens one live-room socket (for browsers)",
        description=(
            "Browsers cannot send `Authorization` on a WebSocket, and a token in a URL "
            "ends up in logs: ask for a ticket, then open the room with `?ticket=`. It "
            "opens one socket, shortly; the socket acts with the token that asked for it "
            "and closes when that token is revoked."
        ),
        request=RealtimeTicketInputSerializer,
        responses={
            201: RealtimeTicketOutputSerializer,
            **error_responses(400, 401, 404, 413, 415),
        },
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.RealtimeTicketInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # Authentication succeeded, so the header holds exactly "Bearer <token>".
        token_key = get_authorization_header(request).split()[1].decode()
        # The socket cannot say who it is (browsers set no X-Client on a WebSocket): the
        # ticket remembers the consumer that asked for it.
        client = identify(request.headers.get("X-Client"), request.headers.get("User-Agent"))
        ticket = ticket_issue(
            user=request.user,
            token_key=token_key,
            video_id=data.validated_data.get("video_id"),
            client=client,
        )
        output = {"ticket": ticket.value, "expires_at": ticket.expires_at}
        return Response(
            self.RealtimeTicketOutputSerializer(output).data, status=status.HTTP_201_CREATED
        )
