"""The committed OpenAPI document is what the code generates, and it documents errors."""

from __future__ import annotations

import json

import pytest

from videoplanet.contracts.openapi import COMMITTED, generate, render
from videoplanet.contracts.validator import SchemaValidator, to_json_schema


def test_committed_document_matches_the_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(generate()), (
        "contracts/openapi.json is out of date: run `make openapi` and commit it"
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
            if operation.get("security") != [{}] and "security" in operation:
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


class TestValidator:
    validator = SchemaValidator.from_file()

    def test_matches_concrete_paths_to_templates(self) -> None:
        assert (
            self.validator.match_path(
                "/api/v1/comments/550e8400-e29b-41d4-a716-446655440004/reactions"
            )
            == "/api/v1/comments/{comment_id}/reactions"
        )
        assert self.validator.match_path("/api/v1/nothing") is None

    def test_names_the_json_path_of_each_error(self) -> None:
        result = self.validator.validate(
            "Feedback", {"id": "nope", "timestamp": "x", "user": {"id": 1}}
        )
        assert not result.valid
        assert any(e.startswith("$.id:") and "uuid" in e for e in result.errors)
        assert any(e.startswith("$.timestamp:") for e in result.errors)
        assert any(e.startswith("$.user.id:") for e in result.errors)

    def test_unknown_things_are_invalid_results(self) -> None:
        assert not self.validator.validate("Nope", {}).valid
        assert not self.validator.validate_response("/api/v1/x", "get", 200, {}).valid
        assert not self.validator.validate_response("/api/v1/me", "put", 200, {}).valid
        assert not self.validator.validate_response("/api/v1/me", "get", 418, {}).valid

    def test_nullable_fields(self) -> None:
        error = {"code": "not_found", "message": "m", "details": {}}
        assert self.validator.validate_response("/api/v1/me", "get", 401, error).valid
        video = {
            "id": "550e8400-e29b-41d4-a716-446655440001",
            "project_id": "550e8400-e29b-41d4-a716-446655440001",
            "title": "t",
            "url": "https://example.com/v.mp4",
            "duration": None,
            "created_at": "2026-01-01T00:00:00Z",
        }
        assert self.validator.validate("Video", video).valid
        assert not self.validator.validate("Video", {**video, "title": None}).valid

    def test_openapi_30_exclusive_bounds(self) -> None:
        schema = {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 9}
        assert to_json_schema(schema) == {"type": "number", "exclusiveMinimum": 0, "maximum": 9}
        flagged_off = {"type": "number", "maximum": 9, "exclusiveMaximum": False}
        assert to_json_schema(flagged_off) == {"type": "number", "maximum": 9}
