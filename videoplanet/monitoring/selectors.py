"""Reads for contract monitoring."""

from __future__ import annotations

from videoplanet.accounts.models import token_digest

from .models import Reporter


def reporter_for_token(key: str) -> Reporter | None:
    return Reporter.objects.filter(digest=token_digest(key), is_active=True).first()
