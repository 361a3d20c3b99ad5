"""`Authorization: Bearer <token>` for the REST API, and the one function every way in
(REST, WebSocket) authenticates a token with."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from videoplanet.api.sql import Columns, fetch_one

from .models import ApiToken, User, token_digest

# last_used_at is written at most once per this interval per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_authenticate(key: str) -> ApiToken | None:
    """The live token with this key (its ``user`` loaded), or None.

    None for an unknown or revoked key, an inactive user, or a token idle for longer than
    API_TOKEN_IDLE_DAYS (which is deleted). One indexed query per call, plus one small
    UPDATE of ``last_used_at`` at most once a minute per token.
    """
    row = fetch_one(_token_sql(), [token_digest(key), True])
    if row is None:
        return None
    split = len(_TOKEN.fields)
    token, user = _TOKEN.load(row[:split]), _USER.load(row[split:])
    token._state.fields_cache["user"] = user  # as select_related("user") leaves it
    now = timezone.now()
    if now >= token.expires_at:
        ApiToken.objects.filter(pk=token.pk).delete()
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


_TOKEN, _USER = Columns(ApiToken, "t"), Columns(User, "u")


@functools.cache
def _token_sql() -> str:
    """``ApiToken.objects.select_related("user").filter(digest=…, user__is_active=True)``
    written out once (``videoplanet.api.sql``: compiling it was most of its cost)."""
    # Names from the models, values as parameters.
    return " ".join(
        [
            f"SELECT {_TOKEN.select()}, {_USER.select()}",
            f"FROM {_TOKEN.table()} JOIN {_USER.table()}",
            f"ON {_USER.column('id')} = {_TOKEN.column('user')}",
            f"WHERE {_TOKEN.column('digest')} = %s AND {_USER.column('is_active')} = %s",
        ]
    )


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
