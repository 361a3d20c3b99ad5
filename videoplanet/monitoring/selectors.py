"""Reads for contract monitoring."""

from __future__ import annotations

from django.db.models import QuerySet

from videoplanet.accounts.models import token_digest

from .models import DroppedTotal, Reporter, ViolationTotal


def reporter_for_token(key: str) -> Reporter | None:
    return Reporter.objects.filter(digest=token_digest(key), is_active=True).first()


def violation_totals() -> QuerySet[ViolationTotal]:
    return ViolationTotal.objects.order_by("source", "method", "endpoint", "type")


def dropped_totals() -> QuerySet[DroppedTotal]:
    return DroppedTotal.objects.order_by("source")
