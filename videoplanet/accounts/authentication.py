"""`Authorization: Bearer <token>` for the REST API, and the one function every way in
(REST, WebSocket) authenticates a token with."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import ApiToken, User, token_digest

# last_used_at is written at most once per this interval per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_authenticate(key: str) -> ApiToken | None:
    """The live token with this key (its ``user`` loaded), or None.

    None for an unknown or revoked key, an inactive user, or a token idle for longer than
    API_TOKEN_IDLE_DAYS (which is deleted). One indexed query per call, plus one small
    UPDATE of ``last_used_at`` at most once a minute per token.
    """
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if now >= token.expires_at:
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_for_token(key: str) -> User | None:
    """The user a live token belongs to (see :func:`token_authenticate`), or None."""
    token = token_authenticate(key)
    return token.user if token else None


class BearerTokenAuthentication(BaseAuthentication):
    """Sets ``request.user`` to the token's user and ``request.auth`` to the ApiToken."""

    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid text.") from exc
        token = token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is invalid, revoked or expired.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class AuthenticatedRequest(Request):
    """What views behind IsAuthenticated receive: ``request.user`` is a real User and
    ``request.auth`` the ApiToken it came with (None for a staff session)."""

    user: User  # type: ignore[assignment]
    auth: ApiToken | None
