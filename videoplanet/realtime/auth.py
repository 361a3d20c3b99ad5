"""WebSocket authentication: `Authorization: Bearer <token>` or `?token=` (browsers
cannot set headers on a WebSocket)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from videoplanet.accounts.selectors import user_for_token


def token_from_scope(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    tokens = query.get("token")
    return tokens[0] if tokens else None


class TokenAuthMiddleware:
    """Puts the token's user (or None) into ``scope["user"]``."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = token_from_scope(scope)
        user = await database_sync_to_async(user_for_token)(token) if token else None
        return await self.inner({**scope, "user": user}, receive, send)
