"""One OpenAPI validator for both ends of the wire.

    validator = SchemaValidator.bundled()   # the document this SDK was built against
    validator.validate("Feedback", data)
    validator.validate_request("/api/v1/feedbacks", "POST", body)
    validator.validate_request("/api/v1/feedbacks", "GET", query={"video_id": [vid]})
    validator.validate_response(f"/api/v1/feedbacks/{fid}", "GET", 200, data)

Each check returns a ``ValidationResult(valid, errors)``; every error names where and
what, e.g. ``$.drawing_data.shapes[0].style.color: does not match ^#[0-9A-F]{6}$`` or
``query.video_id: required``, and never echoes the offending value (a 5 MB screenshot or
someone's text does not belong in a log). ``details`` gives the same problems keyed by
field path (``drawing_data.shapes.0.style.color``), the shape of the server's error
envelope. An unknown schema, path, method or status is an invalid result, never an
exception; so is a string holding a lone UTF-16 surrogate (``"\\ud800"``), which no
JSON text can carry. Concrete paths match templates: ``/api/v1/comments/<uuid>/reactions`` is
``/api/v1/comments/{comment_id}/reactions``.

The document's OpenAPI 3.0.3 schemas become JSON Schema 2020-12 (``_schema``: ``nullable``
beside a ``type`` admits ``null``; an object accepts only the properties the document
lists) and are compiled once, with jsonschema-rs, into one validator per component, per
request body, per parameter and per response.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs

from ._problems import _problems
from ._results import VALID, Location, Problem, ValidationResult, _invalid
from ._schema import _INTEGER, _URN, _IntegerToken, to_json_schema


@dataclass(frozen=True, slots=True)
class _Parameter:
    name: str
    location: Location
    required: bool
    allow_empty: bool
    array: bool
    scalar_type: str
    validator: jsonschema_rs.Validator


@dataclass(slots=True)
class _Operation:
    template: str
    method: str
    request: jsonschema_rs.Validator | None
    request_required: bool
    parameters: dict[tuple[str, str], _Parameter]
    responses: dict[str, jsonschema_rs.Validator | None]
    """Status -> validator of its JSON body, or None for a response without a body."""


class NoBody(Enum):
    """The type of ``NO_BODY``."""

    NO_BODY = "no body"


NO_BODY = NoBody.NO_BODY
"""A request without a body, as opposed to ``None``: a JSON ``null`` body."""


class SchemaValidator:
    """Checks bodies and parameters against one OpenAPI 3.0 document (thread-safe).

    ``lenient_nullable``: read ``nullable: true`` without a ``type`` (beside a bare
    ``allOf: [$ref]``) as admitting null, although OpenAPI 3.0.3 gives it no effect
    there; for a document that still relies on it (see ``to_json_schema``).
    """

    def __init__(self, document: Mapping[str, Any], *, lenient_nullable: bool = False) -> None:
        self.document = document
        self.lenient_nullable = lenient_nullable
        schemas: Mapping[str, Any] = document.get("components", {}).get("schemas", {})
        self._registry = jsonschema_rs.Registry(
            resources=[(_URN + name, self._resource(s)) for name, s in schemas.items()]
        )
        self._components = {name: self._compile(s) for name, s in schemas.items()}
        self._operations: dict[tuple[str, str], _Operation] = {}
        routes: list[tuple[int, re.Pattern[str], str, tuple[str, ...]]] = []
        for template, item in document.get("paths", {}).items():
            names = tuple(re.findall(r"\{([^/{}]+)\}", template))
            pattern = re.sub(r"\\\{[^/]+?\\\}", "([^/]+)", re.escape(template))
            routes.append((len(names), re.compile(f"^{pattern}$"), template, names))
            shared = item.get("parameters", [])
            for method, operation in item.items():
                if method != "parameters" and isinstance(operation, Mapping):
                    self._operations[(template, method)] = self._operation(
                        template, method, operation, shared
                    )
        routes.sort(key=lambda route: route[0])  # literal segments win over {params}
        self._routes = [(pattern, template, names) for _, pattern, template, names in routes]

    @classmethod
    def from_file(cls, path: Path | str, *, lenient_nullable: bool = False) -> SchemaValidator:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(document, lenient_nullable=lenient_nullable)

    @classmethod
    def bundled(cls) -> SchemaValidator:
        """The OpenAPI document this SDK release was built against."""
        text = resources.files(__package__).joinpath("openapi.json").read_text("utf-8")
        return cls(json.loads(text))

    # -- compiling ---------------------------------------------------------------------

    def _resource(self, schema: Any) -> Any:
        converted = to_json_schema(schema, lenient_nullable=self.lenient_nullable)
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", **converted}

    def _compile(self, schema: Any, *, integer_tokens: bool = True) -> jsonschema_rs.Validator:
        """A validator for ``schema``; with ``integer_tokens`` (requests, components) a
        number written with a fraction part is no integer: see ``_INTEGER``."""
        return jsonschema_rs.Draft202012Validator(
            to_json_schema(schema, lenient_nullable=self.lenient_nullable),
            registry=self._registry,
            validate_formats=True,
            keywords={_INTEGER: _IntegerToken} if integer_tokens else None,
        )

    def _operation(
        self,
        template: str,
        method: str,
        operation: Mapping[str, Any],
        shared: Sequence[Mapping[str, Any]],
    ) -> _Operation:
        parameters: dict[tuple[str, str], _Parameter] = {}
        for spec in [*shared, *operation.get("parameters", [])]:
            if spec.get("in") not in ("query", "path"):
                continue  # headers and cookies are the transport's business
            schema = spec.get("schema", {})
            array = schema.get("type") == "array"
            item_type = (schema.get("items", {}) if array else schema).get("type", "string")
            parameters[(spec["in"], spec["name"])] = _Parameter(
                name=spec["name"],
                location=spec["in"],
                required=bool(spec.get("required")) or spec["in"] == "path",
                allow_empty=spec["in"] == "query" and bool(spec.get("allowEmptyValue")),
                array=array,
                scalar_type=item_type,
                validator=self._compile(schema),
            )
        body = operation.get("requestBody")
        request = None
        if body is not None:
            schema = body.get("content", {}).get("application/json", {}).get("schema")
            request = self._compile(schema) if schema is not None else None
        responses: dict[str, jsonschema_rs.Validator | None] = {}
        for status, response in operation.get("responses", {}).items():
            schema = (response.get("content") or {}).get("application/json", {}).get("schema")
            responses[str(status)] = (
                None if schema is None else self._compile(schema, integer_tokens=False)
            )
        return _Operation(
            template=template,
            method=method,
            request=request,
            request_required=bool(body and body.get("required")),
            parameters=parameters,
            responses=responses,
        )

    # -- lookups -----------------------------------------------------------------------

    def _route(self, path: str) -> tuple[str, dict[str, str]] | None:
        for pattern, template, names in self._routes:
            match = pattern.match(path)
            if match:
                return template, dict(zip(names, match.groups(), strict=True))
        return None

    def match_path(self, path: str) -> str | None:
        """The path template a concrete path belongs to, or None."""
        route = self._route(path)
        return None if route is None else route[0]

    def operation(self, path: str, method: str) -> str | None:
        """The template of the operation for a concrete path and method, or None."""
        found = self._find(path, method)
        return None if found is None else found[0].template

    def _find(self, path: str, method: str) -> tuple[_Operation, dict[str, str]] | None:
        route = self._route(path)
        if route is None:
            return None
        template, values = route
        operation = self._operations.get((template, method.lower()))
        return None if operation is None else (operation, values)

    def _unknown(self, path: str, method: str) -> ValidationResult:
        """Why ``_find`` found no operation, as an invalid result."""
        template = self.match_path(path)
        if template is None:
            return _invalid(f"No operation for path {path}")
        return _invalid(f"No operation for {method.upper()} {template}")

    # -- checks ------------------------------------------------------------------------

    def validate(self, schema_name: str, data: Any) -> ValidationResult:
        """``data`` against ``components/schemas/<schema_name>``."""
        validator = self._components.get(schema_name)
        if validator is None:
            return _invalid(f"Schema '{schema_name}' not found")
        problems = _problems(validator, data)
        return ValidationResult(not problems, problems)

    def validate_request(
        self,
        path: str,
        method: str,
        data: Any = NO_BODY,
        *,
        query: Mapping[str, Sequence[str]] | None = None,
    ) -> ValidationResult:
        """A request: its path parameters, its query (when given) and its JSON body.

        ``data`` is the parsed body, ``NO_BODY`` when there is none (``None`` is a JSON
        ``null`` body); ``query`` maps each parameter name to its values as sent
        (strings), e.g. ``{"video_id": ["…"], "limit": ["50"]}``. A number written with
        a fraction part (``1.0``, a float) is not an integer here.
        """
        found = self._find(path, method)
        if found is None:
            return self._unknown(path, method)
        operation, path_values = found
        problems: list[Problem] = []
        for name, value in path_values.items():
            problems.extend(self._check_parameter(operation, "path", name, [value]))
        if query is not None:
            for name, values in query.items():
                problems.extend(self._check_parameter(operation, "query", name, values))
            problems.extend(
                Problem("query", (p.name,), "required")
                for (location, name), p in operation.parameters.items()
                if location == "query" and p.required and name not in query
            )
        where = f"{operation.method.upper()} {operation.template}"
        if operation.request is None:
            if data is not NO_BODY:
                return _invalid(f"{where} takes no request body")
        elif data is NO_BODY:
            if operation.request_required:
                return _invalid(f"{where} needs a request body")
        else:
            problems.extend(_problems(operation.request, data))
        return ValidationResult(not problems, tuple(problems))

    def _check_parameter(
        self, operation: _Operation, location: Location, name: str, values: Sequence[str]
    ) -> Iterable[Problem]:
        parameter = operation.parameters.get((location, name))
        if parameter is None:
            return [Problem(location, (name,), "not a documented parameter")]
        if not parameter.array and len(values) > 1:
            return [Problem(location, (name,), "given more than once")]
        if location == "query" and not parameter.allow_empty and "" in values:
            return [Problem(location, (name,), _EMPTY)]
        coerced: list[Any] = []
        for value in values:
            converted = _coerce(value, parameter.scalar_type)
            if converted is _NOT_CONVERTIBLE:
                return [Problem(location, (name,), f"expected {parameter.scalar_type}")]
            coerced.append(converted)
        instance = coerced if parameter.array else coerced[0]
        return [
            Problem(location, (name, *p.path), p.message)
            for p in _problems(parameter.validator, instance, location)
        ]

    def validate_response(self, path: str, method: str, status: int, data: Any) -> ValidationResult:
        """A response: its status must be documented and its JSON body match (None: no body)."""
        found = self._find(path, method)
        if found is None:
            return self._unknown(path, method)
        operation, _ = found
        where = f"{operation.method.upper()} {operation.template} -> {status}"
        if str(status) not in operation.responses:
            return _invalid(f"No schema for {where}")
        validator = operation.responses[str(status)]
        if validator is None:
            return VALID if data in (None, b"", "") else _invalid(f"{where} has no body")
        problems = _problems(validator, data, every_string=False)
        return ValidationResult(not problems, problems)


_NOT_CONVERTIBLE = object()
_EMPTY = "empty, and the parameter does not allow an empty value"


def _coerce(value: str, kind: str) -> Any:
    """A query or path string as the JSON type its schema asks for."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            number = float(value)
            if not math.isfinite(number):
                return _NOT_CONVERTIBLE
            return int(number) if number.is_integer() and "." not in value else number
    except ValueError:
        return _NOT_CONVERTIBLE
    if kind == "boolean":
        return {"true": True, "false": False}.get(value, _NOT_CONVERTIBLE)
    return value


@cache
def bundled_validator() -> SchemaValidator:
    """The bundled document, compiled once per process."""
    return SchemaValidator.bundled()
