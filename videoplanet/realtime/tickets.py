"""Single-use tickets that open one live-room socket: `?ticket=` instead of a token.

Browsers cannot set headers on a WebSocket, and a long-lived token in a URL ends up in
logs. A signed-in client asks ``POST /api/v1/realtime/tickets`` for a ticket, which opens
one socket within ``REALTIME_TICKET_SECONDS`` (optionally only for one video).

Tickets live in Django's default cache (Redis when ``REDIS_URL`` is set), so any server
process can redeem a ticket another one issued. Redeeming deletes the entry and succeeds
only for the caller whose delete removed it, so a ticket opens one socket however many
processes race for it. The cache never holds the ticket or a usable secret: the entry's
key is a hash of the ticket, and the token that asked for it (which the socket keeps
re-checking, so revoking that token closes the socket) is encrypted under a key derived
from the ticket itself.

A ticket also remembers which consumer asked for it (the ``X-Client`` of the ticket
request, ``identify``'s ``(name, version)``): a browser cannot set ``X-Client`` on the
socket's handshake, so the socket it opens is counted under the web app's name and
version (``VideoPlanet-Frontend/<version>``) rather than ``unknown``.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.cache import cache

from videoplanet.accounts.models import User
from videoplanet.projects.selectors import video_get

MAX_TICKET_LENGTH = 100


@dataclass(frozen=True)
class Ticket:
    value: str
    expires_at: datetime
    video_id: UUID | None


@dataclass(frozen=True)
class Redeemed:
    """What a valid ticket stood for: who asked, with which token, for which video."""

    user_id: str
    token_key: str
    video_id: UUID | None
    client: tuple[str, str] | None = None  # (consumer, version) that asked for it


def _derive(value: str, purpose: bytes) -> bytes:
    return hashlib.sha256(purpose + b"\0" + value.encode()).digest()


def _cache_key(value: str) -> str:
    return "realtime-ticket:" + _derive(value, b"videoplanet ticket id").hex()


def _cipher(value: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive(value, b"videoplanet ticket key")))


def ticket_issue(
    *,
    user: User,
    token_key: str,
    video_id: UUID | None = None,
    client: tuple[str, str] | None = None,
) -> Ticket:
    """A ticket for ``user`` (signed in with ``token_key``), asked for by the consumer
    ``client`` (name, version); NotFound for a video the user cannot see."""
    if video_id is not None:
        video_get(user=user, video_id=video_id)
    value = secrets.token_urlsafe(32)
    lifetime = settings.REALTIME_TICKET_SECONDS
    expires = time.time() + lifetime
    entry = {
        "user_id": str(user.pk),
        "video_id": str(video_id) if video_id else None,
        "token": _cipher(value).encrypt(token_key.encode()),
        "expires": expires,
        "client": list(client) if client else None,
    }
    cache.set(_cache_key(value), entry, timeout=lifetime)
    return Ticket(value=value, expires_at=datetime.fromtimestamp(expires, UTC), video_id=video_id)


def ticket_redeem(value: str) -> Redeemed | None:
    """What the ticket stood for, once; None when it is unknown, used or expired."""
    if not value or len(value) > MAX_TICKET_LENGTH:
        return None
    key = _cache_key(value)
    entry = cache.get(key)
    # Only the caller whose delete removed the entry may use it (single use across
    # processes); the stored expiry also bounds a cache that keeps entries longer.
    if entry is None or not cache.delete(key) or entry["expires"] < time.time():
        return None
    try:
        token_key = _cipher(value).decrypt(entry["token"]).decode()
    except InvalidToken:
        return None
    video_id = UUID(entry["video_id"]) if entry["video_id"] else None
    stored = entry.get("client")
    client = (str(stored[0]), str(stored[1])) if stored else None
    return Redeemed(user_id=entry["user_id"], token_key=token_key, video_id=video_id, client=client)
