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
    from .documents import write_or_check

    return write_or_check(argv, lambda: render(generate()), usage=__doc__ or "", target="openapi")


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    sys.exit(main(sys.argv[1:]))
