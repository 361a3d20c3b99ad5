"""Reads for accounts."""

from __future__ import annotations

from .models import ApiToken, User, token_digest


def user_for_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), user__is_active=True)
        .first()
    )
    return token.user if token else None
