"""Verify the broker's room-message pacts (``make verify-broker`` runs it after the HTTP ones)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from videoplanet.pact.messages import verify_broker


class Command(BaseCommand):
    help = (
        "Verify the Pact Broker's message pacts for VideoPlanet-Backend-Realtime with the "
        "server's own message builders, and publish the results (unless --no-publish). "
        "Messages are built from unsaved objects: no database is touched."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-publish", action="store_true", help="keep results local")

    def handle(self, *args: Any, no_publish: bool, **options: Any) -> None:
        code = verify_broker(publish=not no_publish)
        if code:
            raise CommandError("the message pacts were not verified", returncode=code)
