"""Validate HTTP bodies against the committed OpenAPI document.

``SchemaValidator`` loads the document once, turns its OpenAPI 3.0 schemas into JSON
Schema (``nullable`` becomes a ``null`` alternative) and compiles one validator per
component and per operation response. Concrete paths are matched to their templates
(``/api/v1/comments/<uuid>/reactions`` → ``/api/v1/comments/{comment_id}/reactions``).
Unknown paths, methods or statuses are invalid results, never exceptions.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .openapi import COMMITTED

_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("uuid", raises=ValueError)
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or str(uuid.UUID(value)) == value.lower()


@_FORMATS.checks("date-time", raises=ValueError)
def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@_FORMATS.checks("uri")
def _is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@_FORMATS.checks("email")
def _is_email(value: object) -> bool:
    return (
        not isinstance(value, str) or re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value) is not None
    )


@dataclass(frozen=True)
class ValidationResult:
    valid: bool
    errors: list[str] = field(default_factory=list)


def to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0 schema → JSON Schema 2020-12 (nullable, exclusive bounds, $ref targets)."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):  # OpenAPI 3.0 flags the bound; 2020-12 names it
            del out[exclusive]
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/components/schemas/", "urn:schema:")
    if node.get("nullable"):
        if "type" in out and "enum" not in out:
            out["type"] = [out["type"], "null"]
        else:
            return {"anyOf": [out, {"type": "null"}]}
    return out


def _error_text(error: Any) -> str:
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
    return f"${path}: {error.message}"


class SchemaValidator:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        schemas = document.get("components", {}).get("schemas", {})
        resources = [
            (
                f"urn:schema:{name}",
                Resource.from_contents(to_json_schema(s), default_specification=DRAFT202012),
            )
            for name, s in schemas.items()
        ]
        self._registry: Registry[Any] = Registry().with_resources(resources)
        self._components = {name: self._compile(to_json_schema(s)) for name, s in schemas.items()}
        # (template, method, status or "request") -> compiled validator, built on first use
        # (template, method, status or "request") -> compiled validator, built on first use
        self._responses: dict[tuple[str, str, str], Draft202012Validator] = {}
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for template in document.get("paths", {}):
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(f"^{pattern}$"), template))

    @classmethod
    def from_file(cls, path: Path = COMMITTED) -> SchemaValidator:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _compile(self, schema: Any) -> Draft202012Validator:
        return Draft202012Validator(schema, registry=self._registry, format_checker=_FORMATS)

    def _check(self, validator: Draft202012Validator, data: Any) -> ValidationResult:
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
        return ValidationResult(not errors, [_error_text(e) for e in errors])

    def match_path(self, path: str) -> str | None:
        for pattern, template in self._routes:
            if pattern.match(path):
                return template
        return None

    def validate(self, schema_name: str, data: Any) -> ValidationResult:
        validator = self._components.get(schema_name)
        if validator is None:
            return ValidationResult(False, [f"Schema '{schema_name}' not found"])
        return self._check(validator, data)

    def operation(self, path: str, method: str) -> tuple[str, dict[str, Any]] | ValidationResult:
        """The path template and operation for a concrete path, or why there is none."""
        template = self.match_path(path)
        if template is None:
            return ValidationResult(False, [f"No operation for path {path}"])
        operation = self.document["paths"][template].get(method.lower())
        if operation is None:
            return ValidationResult(False, [f"No operation for {method.upper()} {template}"])
        return template, operation

    def validate_request(self, path: str, method: str, data: Any) -> ValidationResult:
        found = self.operation(path, method)
        if isinstance(found, ValidationResult):
            return found
        template, operation = found
        body = operation.get("requestBody")
        if body is None:
            if data is None:
                return ValidationResult(True)
            return ValidationResult(False, [f"{method.upper()} {template} takes no request body"])
        if data is None:
            if body.get("required"):
                return ValidationResult(
                    False, [f"{method.upper()} {template} needs a request body"]
                )
            return ValidationResult(True)
        key = (template, method.lower(), "request")
        if key not in self._responses:
            schema = body["content"]["application/json"]["schema"]
            self._responses[key] = self._compile(to_json_schema(schema))
        return self._check(self._responses[key], data)

    def validate_response(self, path: str, method: str, status: int, data: Any) -> ValidationResult:
        found = self.operation(path, method)
        if isinstance(found, ValidationResult):
            return found
        template, operation = found
        response = operation.get("responses", {}).get(str(status))
        if response is None:
            return ValidationResult(
                False, [f"No schema for {method.upper()} {template} -> {status}"]
            )
        content = response.get("content")
        if not content:
            if data in (None, b"", ""):
                return ValidationResult(True)
            return ValidationResult(False, [f"{method.upper()} {template} -> {status} has no body"])
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return ValidationResult(False, [f"{method.upper()} {template} -> {status} is not JSON"])
        return self._check(self._response_validator(template, method.lower(), str(status)), data)

    def _response_validator(self, template: str, method: str, status: str) -> Draft202012Validator:
        key = (template, method, status)
        if key not in self._responses:
            response = self.document["paths"][template][method]["responses"][status]
            schema = response["content"]["application/json"]["schema"]
            self._responses[key] = self._compile(to_json_schema(schema))
        return self._responses[key]


@cache
def committed_validator() -> SchemaValidator:
    return SchemaValidator.from_file()
