"""Check pact files against the provider's documents (``videoplanet.pact.crosscheck``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from videoplanet.pact.crosscheck import check_pact


class Command(BaseCommand):
    help = (
        "Every HTTP interaction of each pact must be a documented operation whose examples "
        "validate against contracts/openapi.json; every message must pass the room's "
        "outgoing contract. Exit 1 when anything does not fit."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("pacts", nargs="+", type=Path, metavar="PACT")

    def handle(self, *args: Any, pacts: list[Path], **options: Any) -> None:
        problems = [problem for path in pacts for problem in check_pact(path)]
        for problem in problems:
            self.stdout.write(problem)
        count = sum(len(json.loads(path.read_text())["interactions"]) for path in pacts)
        summary = f"{count} interactions in {len(pacts)} pact files: {len(problems)} problems"
        if problems:
            raise CommandError(summary, returncode=1)
        self.stdout.write(summary)
