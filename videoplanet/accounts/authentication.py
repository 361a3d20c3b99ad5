"""`Authorization: Bearer <token>` for the REST API."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from .models import User
from .selectors import user_for_token


class BearerTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <token>'.")
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid text.") from exc
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed("The token is invalid or revoked.")
        return user, None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class AuthenticatedRequest(Request):
    """What views behind IsAuthenticated receive: ``request.user`` is a real User."""

    user: User  # type: ignore[assignment]
