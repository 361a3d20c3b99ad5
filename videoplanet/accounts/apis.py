"""Sign-up (verified by an emailed link), sign-in (email + password → bearer token),
signing out and managing one's tokens, and the current user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import (
    MinimumLengthValidator,
    get_default_password_validators,
)
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, ScopedRateThrottle
from rest_framework.views import APIView

from videoplanet.api.fields import StrictCharField, StrictEmailField
from videoplanet.api.schema import error_responses

from .authentication import AuthenticatedRequest, BearerTokenAuthentication
from .models import ApiToken
from .selectors import token_list
from .services import signup_verify, token_revoke, user_register, user_sign_in


class UserOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()

    class Meta:
        ref_name = "User"


class MeOutputSerializer(UserOutputSerializer):
    is_staff = serializers.BooleanField(
        help_text="Staff may open the contract monitoring dashboard (/monitoring/contracts)."
    )

    class Meta:
        ref_name = "Me"


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`.")
    user = UserOutputSerializer()


class AuthTokenApi(APIView):
    # POST signs in (anyone, rate-limited); DELETE signs out (the token it is sent with).
    throttle_scope = "auth"

    def _signing_in(self) -> bool:
        request = getattr(self, "request", None)  # None while the schema is generated
        return request is None or request.method != "DELETE"

    def get_authenticators(self) -> list[Any]:
        return [] if self._signing_in() else [BearerTokenAuthentication()]

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self._signing_in() else [IsAuthenticated()]

    def get_throttles(self) -> list[BaseThrottle]:
        return [ScopedRateThrottle()] if self._signing_in() else []

    class AuthTokenInputSerializer(serializers.Serializer):
        email = StrictCharField(max_length=254)
        password = StrictCharField(max_length=128, trim_whitespace=False)

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange email and password for an API token",
        description="Rate-limited per client address, and per account: after "
        "SIGN_IN_FAILURE_RATE failed attempts on one email, every attempt on it (the right "
        "password included) answers 429 until the window ends.",
        request=AuthTokenInputSerializer,
        responses={200: TokenOutputSerializer, **error_responses(400, 401, 413, 415, 429)},
        auth=[],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.AuthTokenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = user_sign_in(**data.validated_data)
        return Response(TokenOutputSerializer({"token": token, "user": user}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Sign out: revoke the token this request is sent with",
        description=(
            "Revokes the token this request is authenticated with, so it can no longer be used."
        ),
        request=None,
        responses={204: None, **error_responses(401)},
    )
    def delete(self, request: AuthenticatedRequest) -> Response:
        assert request.auth is not None
        token_revoke(user=request.user, token_id=request.auth.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


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

    class RegisterOutputSerializer(serializers.Serializer):
        email = serializers.EmailField(help_text="Where the link was sent.")
        message = serializers.CharField()

        class Meta:
            ref_name = "SignUpAccepted"

    @extend_schema(
        operation_id="auth_register",
        summary="Sign up: email a link that creates the account",
        description="Answers 202 the same way whether or not the address already has an "
        "account, and issues no token. The address receives a single-use link to "
        "`/verify-email?key=...` (POST the key to `/auth/verify` to get the account and its "
        "first token); an address that already has an account gets a note instead. "
        "Signing up again before following the link replaces it.",
        request=RegisterInputSerializer,
        responses={202: RegisterOutputSerializer, **error_responses(400, 413, 415, 429)},
        auth=[],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.RegisterInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email = user_register(**data.validated_data)
        body = {
            "email": email,
            "message": "Follow the link emailed to this address to finish signing up.",
        }
        return Response(self.RegisterOutputSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class VerifyEmailApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    class VerifyEmailInputSerializer(serializers.Serializer):
        key = StrictCharField(max_length=200, help_text="The `key` of the emailed link.")
        password = StrictCharField(
            max_length=128,
            trim_whitespace=False,
            help_text="The password given when signing up: the key proves the mailbox, the "
            "password proves the sign-up (someone else may have signed up with your address).",
        )

    @extend_schema(
        operation_id="auth_verify",
        summary="Finish signing up: create the account and get its first API token",
        description="The key works once, until it expires; an invalid, used or expired key "
        "is a 400 `validation_error` on `key`. The password must be the one given when "
        "signing up (else a 400 on `password`, and the link stays usable).",
        request=VerifyEmailInputSerializer,
        responses={201: TokenOutputSerializer, **error_responses(400, 413, 415, 429)},
        auth=[],
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        data = self.VerifyEmailInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user, token = signup_verify(**data.validated_data)
        return Response(
            TokenOutputSerializer({"token": token, "user": user}).data,
            status=status.HTTP_201_CREATED,
        )


class TokenInfoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text="What issued it: sign-in, sign-up, ...")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(
        allow_null=True, help_text="To the minute; null if never used."
    )
    expires_at = serializers.DateTimeField(
        help_text="When it stops working unless used before (API_TOKEN_IDLE_DAYS idle)."
    )
    current = serializers.SerializerMethodField(help_text="Whether this request was sent with it.")

    class Meta:
        ref_name = "ApiToken"

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_current(self, token: ApiToken) -> bool:
        current = self.context.get("current")
        return current is not None and token.pk == current.pk


class TokenCollectionApi(APIView):
    @extend_schema(
        operation_id="auth_tokens_list",
        summary="Your API tokens (never their secrets)",
        description=(
            "Every API token of yours: its name, when it was created, last used and expires; "
            "a token's secret is shown only once, when it is created."
        ),
        responses={200: TokenInfoOutputSerializer(many=True), **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        tokens = token_list(user=request.user)
        return Response(
            TokenInfoOutputSerializer(tokens, many=True, context={"current": request.auth}).data
        )


class TokenDetailApi(APIView):
    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary="Revoke one of your API tokens",
        description=(
            "Revokes one of your API tokens by its id: requests with it are refused from now "
            "on. 404 when no token of yours has that id."
        ),
        request=None,
        responses={204: None, **error_responses(401, 404)},
    )
    def delete(self, request: AuthenticatedRequest, token_id: int) -> Response:
        token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    @extend_schema(
        operation_id="me_retrieve",
        summary="The user the token belongs to",
        description="The signed-in user: id, name, email address and whether they are staff.",
        responses={200: MeOutputSerializer, **error_responses(401)},
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        return Response(MeOutputSerializer(request.user).data)
