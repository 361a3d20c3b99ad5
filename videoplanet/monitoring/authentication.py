"""`Authorization: Bearer <reporter token>` for the violation intake, and nothing else.

A user's API token is not a reporter token (and a reporter token is not a user's), so
each is refused where the other belongs.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from .models import Reporter
from .selectors import reporter_for_token


class ReporterTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[Reporter, None] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Use 'Authorization: Bearer <reporter token>'.")
        try:
            key = parts[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("The token is not valid text.") from exc
        reporter = reporter_for_token(key)
        if reporter is None:
            raise exceptions.AuthenticationFailed("The reporter token is invalid or revoked.")
        return reporter, None

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="monitoring"'


class IsReporter(BasePermission):
    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.user, Reporter)


class ReporterRequest(Request):
    """What the intake receives: ``request.user`` is the active reporter."""

    user: Reporter  # type: ignore[assignment]
