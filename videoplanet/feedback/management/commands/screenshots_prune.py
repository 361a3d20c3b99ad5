"""Delete stored screenshots that no feedback refers to (safe while the app runs)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from videoplanet.feedback.screenshots import screenshots_prune


class Command(BaseCommand):
    help = (
        "Delete stored screenshots no feedback refers to: what a crash between a "
        "deletion and its clean-up, or an older version of the app, left behind."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = screenshots_prune()
        self.stdout.write(f"Deleted {deleted} unused screenshots.")
