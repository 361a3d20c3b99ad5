"""The OpenAPI document, generated from the code (DRF serializers + @extend_schema).

    python -m videoplanet.contracts.openapi write contracts/openapi.json
    python -m videoplanet.contracts.openapi check contracts/openapi.json

The committed copy is what clients and contract checks read; a test fails when the
code drifts from it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

COMMITTED = Path(__file__).resolve().parents[2] / "contracts" / "openapi.json"


def generate() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    # Round-trip through JSON so the result compares equal to the file on disk.
    return json.loads(json.dumps(schema, ensure_ascii=False))  # type: ignore[no-any-return]


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    import django

    django.setup()
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[1])
    text = render(generate())
    if argv[0] == "write":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{path} is out of date: run `make openapi`", file=sys.stderr)
        return 1
    print(f"{path} is up to date")
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.exit(main(sys.argv[1:]))
