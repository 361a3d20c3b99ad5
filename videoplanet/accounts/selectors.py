"""Reads for accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from .authentication import user_for_token
from .models import ApiToken, User


def token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")


__all__ = ["token_list", "user_for_token"]
