"""Who may open a live-room socket.

A socket authenticates with ``Authorization: Bearer <token>`` (SDKs, servers) or with a
single-use ``?ticket=`` (browsers, which cannot set headers on a WebSocket; see
``tickets.py``). A token in the URL is not accepted: it would end up in access logs.
Either way the socket remembers the token behind it, and ``access_lost`` re-checks that
token with the REST API's own authentication and the video with the REST API's own
membership check, so an open socket loses access exactly when a REST call would.

A browser's handshake carries ``Origin``; one from a host outside ``ALLOWED_HOSTS`` is
refused (another site's page cannot open a room in its visitor's name). Clients that
are not browsers send no ``Origin`` and are let through to authenticate as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs
from uuid import UUID

from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.http import HttpRequest
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from videoplanet.accounts.authentication import BearerTokenAuthentication
from videoplanet.accounts.models import User
from videoplanet.api.errors import NotFound
from videoplanet.projects.selectors import video_get

from .tickets import ticket_redeem

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


@dataclass(frozen=True)
class Credential:
    """The user a socket acts as, the token that vouches for them, the video a ticket
    was limited to (None: any video the user may see) and the consumer (name, version)
    that asked for the ticket (None: a header token, or a ticket asked for anonymously)."""

    user: User
    token_key: str
    video_id: UUID | None = None
    client: tuple[str, str] | None = None


def user_for_key(key: str) -> User | None:
    """The token's user as the REST API authenticates ``Authorization: Bearer <key>``."""
    request = HttpRequest()
    request.META["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    try:
        authenticated = BearerTokenAuthentication().authenticate(Request(request))
    except (AuthenticationFailed, UnicodeError):
        return None
    return authenticated[0] if authenticated else None


def _bearer(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def credential_for_scope(scope: dict[str, Any]) -> Credential | None:
    key = _bearer(scope)
    if key is not None:
        user = user_for_key(key)
        return Credential(user=user, token_key=key) if user else None
    tickets = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("ticket")
    redeemed = ticket_redeem(tickets[0]) if tickets else None
    if redeemed is None:
        return None
    user = user_for_key(redeemed.token_key)
    if user is None or str(user.pk) != redeemed.user_id:
        return None
    return Credential(
        user=user,
        token_key=redeemed.token_key,
        video_id=redeemed.video_id,
        client=redeemed.client,
    )


def project_of(credential: Credential, video_id: UUID) -> UUID | None:
    """The video's project if the credential may be in its room, else None."""
    if credential.video_id is not None and credential.video_id != video_id:
        return None
    try:
        video = video_get(user=credential.user, video_id=video_id)
    except NotFound:
        return None
    return video.project_id


def admit(credential: Credential, video_id: UUID) -> tuple[int | None, UUID | None]:
    """(None, the video's project) while the token and membership hold, else (the close
    code, None): 4401 when the token is gone, 4403 when the membership is."""
    user = user_for_key(credential.token_key)
    if user is None or user.pk != credential.user.pk:
        return CLOSE_UNAUTHENTICATED, None
    project_id = project_of(credential, video_id)
    return (CLOSE_FORBIDDEN, None) if project_id is None else (None, project_id)


def access_lost(credential: Credential, video_id: UUID) -> int | None:
    """The close code when the socket may no longer stay (token gone, membership gone)."""
    return admit(credential, video_id)[0]


class TokenAuthMiddleware:
    """Puts the socket's ``credential`` and its ``user`` (or None) into the scope."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        credential = await database_sync_to_async(credential_for_scope)(scope)
        user = credential.user if credential else None
        return await self.inner({**scope, "credential": credential, "user": user}, receive, send)


class BrowserOriginValidator:
    """Channels' ``AllowedHostsOriginValidator`` for handshakes that carry ``Origin``.

    Channels refuses a handshake without ``Origin`` too; browsers always send it, so its
    absence means a client that is not a browser (an SDK), which the token check guards.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.validated = AllowedHostsOriginValidator(inner)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if any(name == b"origin" for name, _ in scope.get("headers", [])):
            return await self.validated(scope, receive, send)
        return await self.inner(scope, receive, send)
