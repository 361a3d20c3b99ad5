"""Sign-up, sign-in (email + password → bearer token) and the current user."""

from __future__ import annotations

from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from videoplanet.accounts.authentication import AuthenticatedRequest
from videoplanet.api.fields import StrictCharField, StrictEmailField
from videoplanet.api.schema import error_responses

from .services import user_register, user_sign_in


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()

    class Meta:
        ref_name = "User"


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    user = UserOutputSerializer()


class AuthTokenApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class AuthTokenInputSerializer(serializers.Serializer):
        email = StrictCharField(max_length=254)
        password = StrictCharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange email and password for an API token",
        request=AuthTokenInputSerializer,
        responses={200: TokenOutputSerializer, **error_responses(400, 401, 413, 415, 429)},
        auth=[],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.AuthTokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = user_sign_in(**data.validated_data)
        return Response(TokenOutputSerializer({"token": token, "user": user}).data)


def password_min_length() -> int:
    """The shortest password AUTH_PASSWORD_VALIDATORS accept, for the OpenAPI document."""
    lengths = [
        v.min_length
        for v in get_default_password_validators()
        if isinstance(v, MinimumLengthValidator)
    ]
    return max(lengths, default=1)


class RegisterApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class RegisterInputSerializer(serializers.Serializer):
        name = StrictCharField(max_length=150)
        email = StrictEmailField(max_length=254)
        password = StrictCharField(
            min_length=password_min_length(),
            max_length=128,
            trim_whitespace=False,
            help_text="Checked by the password validators: not common, not all digits, "
            "not like your name or email.",
        )

    @extend_schema(
        operation_id="auth_register",
        summary="Create an account and get its first API token",
        request=RegisterInputSerializer,
        responses={201: TokenOutputSerializer, **error_responses(400, 413, 415, 429)},
        auth=[],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = user_register(**data.validated_data)
        return Response(
            TokenOutputSerializer({"token": token, "user": user}).data,
            status=status.HTTP_201_CREATED,
        )


class MeApi(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The user the token belongs to",
        responses={200: UserOutputSerializer, **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(UserOutputSerializer(request.user).data)
