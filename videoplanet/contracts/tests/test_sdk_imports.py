"""The server uses the SDK only through its public modules (``videoplanet_client`` and
``videoplanet_client.contract``), never its private ones, so the SDK can move its code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PRIVATE = re.compile(r"^\s*(from|import)\s+videoplanet_client\._", re.MULTILINE)


def test_server_code_imports_no_private_sdk_module() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("videoplanet", "config")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if PRIVATE.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_check_sees_a_private_import() -> None:
    assert PRIVATE.search("from videoplanet_client._validator import SchemaValidator\n")
    assert not PRIVATE.search("from videoplanet_client.contract import SchemaValidator\n")
