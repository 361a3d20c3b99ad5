"""Delete contract violations older than MONITORING_RETENTION_DAYS, and the totals of
keys not reported since (run it daily)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from videoplanet.monitoring.services import violations_prune


class Command(BaseCommand):
    help = (
        "Delete stored contract violations last seen more than MONITORING_RETENTION_DAYS "
        "(or --days) ago, and the all-time totals (/metrics) of keys and sources not "
        "reported since."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args: Any, days: int | None, **options: Any) -> None:
        keep = settings.MONITORING_RETENTION_DAYS if days is None else days
        if keep < 1:
            raise CommandError("the retention must be at least one day")
        cutoff = timezone.now() - timedelta(days=keep)
        deleted = violations_prune(older_than=cutoff)
        self.stdout.write(
            f"Deleted {deleted} violations last seen before {cutoff:%Y-%m-%d %H:%M} UTC."
        )
