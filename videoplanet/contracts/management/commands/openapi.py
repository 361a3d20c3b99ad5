"""Write the OpenAPI document generated from the code, or check the committed one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from videoplanet.contracts.openapi import COMMITTED, generate, render


class Command(BaseCommand):
    help = (
        "Regenerate the OpenAPI document from the code (--write), or fail when the "
        "committed one differs from it (--check). PATH defaults to contracts/openapi.json."
    )

    def add_arguments(self, parser: Any) -> None:
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--write", action="store_true", help="write the document to PATH")
        mode.add_argument("--check", action="store_true", help="exit 1 when PATH is stale")
        parser.add_argument("path", nargs="?", type=Path, default=COMMITTED)

    def handle(self, *args: Any, write: bool, path: Path, **options: Any) -> None:
        text = render(generate())
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {path}")
            return
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise CommandError(f"{path} is out of date: run `make openapi`", returncode=1)
        self.stdout.write(f"{path} is up to date")
