"""Print what each consumer used over a window as a ``videoplanet-usage/1`` document."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from videoplanet.apidiff.document import DiffError
from videoplanet.apidiff.usage import parse_window
from videoplanet.monitoring.usage_document import usage_document


class Command(BaseCommand):
    help = (
        "Write the per-consumer usage of the last --window (30d, 12h) as a "
        "videoplanet-usage/1 document, for `python -m videoplanet.contracts impact --usage`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--window", default="30d")

    def handle(self, *args: Any, window: str, **options: Any) -> None:
        try:
            span = parse_window(window)
        except DiffError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(usage_document(window=span), indent=2, sort_keys=True))
