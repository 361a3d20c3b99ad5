"""The committed OpenAPI document is what the code generates, and it documents errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import videoplanet_client
from django.core.management import call_command
from django.core.management.base import CommandError

from videoplanet.contracts.openapi import COMMITTED, generate, render


def test_committed_document_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(generate()), (
        "contracts/openapi.json is out of date: run `make openapi` and commit it"
    )


def test_the_command_checks_and_writes_the_document(tmp_path: Path) -> None:
    call_command("openapi", "--check")  # the committed document is up to date
    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date: run `make openapi`") as raised:
        call_command("openapi", "--check", str(stale))
    assert raised.value.returncode == 1
    call_command("openapi", "--write", str(stale))
    assert stale.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")
    call_command("openapi", "--check", str(stale))


def test_the_sdk_bundles_the_committed_document() -> None:
    bundled = Path(videoplanet_client.__file__).with_name("openapi.json")
    assert bundled.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "the SDK's copy of the OpenAPI document is stale: run `make openapi` and commit it"
    )


def test_every_operation_documents_its_errors_with_the_envelope() -> None:
    document = generate()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            errors = [status for status in responses if status.startswith("4")]
            assert errors, f"{method.upper()} {path} documents no error response"
            for status in errors:
                ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (method, path, status)
            if operation["security"] not in ([], [{}]):  # [] : no authentication at all
                assert "401" in responses, f"{method.upper()} {path} needs auth but has no 401"


def test_served_document_is_the_committed_one(client: pytest.FixtureRequest) -> None:
    response = client.get("/api/v1/openapi.json")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_swagger_ui_needs_no_cdn(client: pytest.FixtureRequest) -> None:
    response = client.get("/api/docs/")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert b"cdn.jsdelivr" not in response.content
    assert b"/static/drf_spectacular_sidecar/" in response.content
