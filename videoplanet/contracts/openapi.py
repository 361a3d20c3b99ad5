"""The OpenAPI document, generated from the code (DRF serializers + @extend_schema).

    manage.py openapi --write      # contracts/openapi.json (what `make openapi` runs)
    manage.py openapi --check      # exit 1 when the committed document is stale

The committed copy is what clients and contract checks read; a test fails when the
code drifts from it.
"""

from __future__ import annotations

import json
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
