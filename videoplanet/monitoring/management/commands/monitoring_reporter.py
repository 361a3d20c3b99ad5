"""Create a reporter, or rotate its token, and print the token (shown only this once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from videoplanet.api.errors import ValidationFailed
from videoplanet.monitoring.services import reporter_issue


class Command(BaseCommand):
    help = (
        "Create the contract-violation reporter NAME (e.g. VideoPlanet-Frontend), or give it "
        "a new token; print the token. A rotated reporter's old token stops working."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        try:
            reporter, token, created = reporter_issue(name=name)
        except ValidationFailed as exc:
            raise CommandError("; ".join(m for ms in exc.details.values() for m in ms)) from exc
        what = "created" if created else "token rotated for"
        self.stderr.write(f"Reporter {what} {reporter.name!r}. Its token (shown only now):")
        self.stdout.write(token)
