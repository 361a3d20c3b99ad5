"""`write` / `check` for a generated contract document (OpenAPI, AsyncAPI)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(argv: list[str], render: Callable[[], str], *, usage: str, target: str) -> int:
    """``write PATH`` regenerates the document; ``check PATH`` fails when it is stale."""
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(usage, file=sys.stderr)
        return 2
    path, text = Path(argv[1]), render()
    if argv[0] == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{path} is out of date: run `make {target}`", file=sys.stderr)
        return 1
    print(f"{path} is up to date")
    return 0
