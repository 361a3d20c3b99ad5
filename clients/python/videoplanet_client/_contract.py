"""One OpenAPI validator for both ends of the wire, and the violations it finds.

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

The document's OpenAPI 3.0 schemas become JSON Schema 2020-12 (``nullable`` admits
``null``; an object accepts only the properties the document lists) and are compiled
once, with jsonschema-rs, into one validator per component, per request body, per
parameter and per response.

Violations seen at run time are ``ContractViolation`` records handed to a
``ViolationRecorder``: the one interface the SDK, the server's middleware and its live
rooms report to. ``LoggingRecorder`` logs them; ``MemoryRecorder`` keeps them.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import unquote

import httpx
import jsonschema_rs

from ._errors import ContractViolationError
from ._requests import API_PREFIX

Location = Literal["body", "query", "path"]
Mode = Literal["off", "report", "enforce"]
MODES: tuple[Mode, ...] = ("off", "report", "enforce")

_MAX_MESSAGE = 200


# -- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a value breaks the contract: where (location + path) and what."""

    location: Location
    path: tuple[str | int, ...]
    message: str

    @property
    def field(self) -> str:
        """The dotted field path the error envelope uses (``shapes.0.style``)."""
        return ".".join(str(part) for part in self.path) or "non_field_errors"

    def __str__(self) -> str:
        if self.location != "body":
            return f"{self.location}.{self.field}: {self.message}"
        pointer = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in self.path)
        return f"${pointer}: {self.message}"


@dataclass(frozen=True, slots=True)
class ValidationResult:
    valid: bool
    problems: tuple[Problem, ...] = ()
    summary: str = ""
    """Why nothing could be checked (no such schema, operation or status), if so."""

    @property
    def errors(self) -> list[str]:
        """Each problem as ``<where>: <what>``, as in docs/contract-testing.md §3."""
        return [self.summary] if self.summary else [str(p) for p in self.problems]

    @property
    def details(self) -> dict[str, list[str]]:
        """Problems keyed by field path, like the ``details`` of the error envelope."""
        if self.summary:
            return {"non_field_errors": [self.summary]}
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.field, []).append(problem.message)
        return out


VALID = ValidationResult(True)


def _invalid(summary: str) -> ValidationResult:
    return ValidationResult(False, summary=summary)


# -- OpenAPI 3.0 schema -> JSON Schema -----------------------------------------------------

_REF_PREFIX = "#/components/schemas/"
_URN = "urn:videoplanet:schema:"


_INTEGER = "x-videoplanet-integer-token"
"""Marks each ``type: integer``: request validators refuse a number written with a
fraction part there (``1.0``), as OpenAPI 3.0 readers that keep JSON's number tokens do;
JSON Schema 2020-12 alone counts ``1.0`` as an integer."""


def to_json_schema(node: Any, *, lenient_nullable: bool = False) -> Any:
    """An OpenAPI 3.0.3 schema as JSON Schema 2020-12.

    ``exclusiveMinimum: true`` next to ``minimum`` becomes 2020-12's numeric bound;
    ``nullable: true`` adds null to an explicit ``type`` and does nothing without one
    (OpenAPI 3.0.3), so ``nullable`` beside a bare ``allOf: [$ref]`` does not admit null
    and an enum admits null only when it lists it. ``lenient_nullable`` reads ``nullable``
    without ``type`` as admitting null anyway, for documents written that way. Beside a
    ``type`` and a composition, null is admitted as an ``if null / else``, so a non-null
    value gets the detailed errors of its schema. An object schema with ``properties``
    and no ``additionalProperties`` rejects properties it does not list, so an
    undocumented field is a contract violation in either direction.
    """
    if isinstance(node, list):
        return [to_json_schema(item, lenient_nullable=lenient_nullable) for item in node]
    if not isinstance(node, dict):
        return node
    out = {
        key: to_json_schema(value, lenient_nullable=lenient_nullable)
        for key, value in node.items()
        if key != "nullable"
    }
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = out.get(exclusive)
        if isinstance(flag, bool):  # OpenAPI 3.0 flags the bound; 2020-12 names it
            del out[exclusive]
            if flag and bound in out:
                out[exclusive] = out.pop(bound)
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF_PREFIX):
        out["$ref"] = _URN + ref[len(_REF_PREFIX) :]
    if "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    kind = out.get("type")
    if kind == "integer":
        out[_INTEGER] = True
    if not node.get("nullable"):
        return out
    if isinstance(kind, str):
        if {"allOf", "anyOf", "oneOf"} & out.keys():
            return {"if": {"type": "null"}, "else": out}
        out["type"] = [kind, "null"]
    elif lenient_nullable:
        if "enum" in out:
            out["enum"] = [*out["enum"], *([] if None in out["enum"] else [None])]
        else:
            return {"if": {"type": "null"}, "else": out}
    return out


class _IntegerToken:
    """The ``_INTEGER`` keyword: a float (``1.0`` in the JSON text) is not an integer."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        pass

    def validate(self, instance: Any) -> None:
        if isinstance(instance, float):
            raise ValueError("expected integer")


def _message(error: jsonschema_rs.ValidationError) -> str:
    """What is wrong, without the value itself."""
    kind: Any = error.kind  # one subclass per keyword, each with its own attributes
    name = type(kind).__name__
    if name == "Type":
        return "expected " + " or ".join(t for t in kind.types if t != "null")
    if name == "Format":
        return f"not a valid {kind.format}"
    if name == "Enum":
        return "must be one of " + ", ".join(json.dumps(o) for o in kind.options)
    if name == "Pattern":
        return f"does not match {kind.pattern}"
    if name == "Constant":
        return f"must be {json.dumps(kind.expected_value)}"
    limits = {
        "MaxLength": "longer than {} characters",
        "MinLength": "shorter than {} characters",
        "Maximum": "greater than the maximum of {}",
        "Minimum": "less than the minimum of {}",
        "ExclusiveMaximum": "not less than {}",
        "ExclusiveMinimum": "not greater than {}",
        "MaxItems": "more than {} items",
        "MinItems": "fewer than {} items",
    }
    if name in limits:
        return limits[name].format(kind.limit)
    text = str(error.message)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _problems(
    validator: jsonschema_rs.Validator,
    data: Any,
    location: Location = "body",
    *,
    every_string: bool = True,
) -> tuple[Problem, ...]:
    """What is wrong with ``data``. A lone surrogate is a problem wherever it is; with
    ``every_string`` False (responses, the hot path, whose text came from JSON the
    server wrote) only where the schema reads the string whole."""
    out: list[Problem] = []
    try:
        if validator.is_valid(data):  # the common case: no error objects built
            if not (every_string and _holds_non_text(data)):
                return ()
            out = _unencodable(data, location)
        else:
            for error in validator.iter_errors(data):
                _explain(error, location, out)
    except UnicodeEncodeError:  # text JSON cannot carry: say where, do not raise
        out = _unencodable(data, location) or [Problem(location, (), _NOT_UNICODE)]
    unique = dict.fromkeys(out)  # the same problem can come through several branches
    return tuple(sorted(unique, key=lambda p: (p.location, [str(x) for x in p.path])))


_NOT_UNICODE = "not valid Unicode text (a lone UTF-16 surrogate)"


def _is_text(value: str) -> bool:
    if value.isascii():  # a flag CPython keeps: no scan
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_SCALARS = (int, float, bool, type(None))


def _holds_non_text(data: Any) -> bool:
    """Whether any string in ``data`` (value or key) is not valid Unicode. Cheap on the
    valid path: no paths built, ASCII strings skipped unread, numbers not pushed."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str or (kind not in _SCALARS and isinstance(value, str)):
            if not _is_text(value):
                return True
        elif kind is dict or isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and not _is_text(key):
                    return True
                if type(item) not in _SCALARS:
                    stack.append(item)
        elif kind is list or kind is tuple or isinstance(value, (list, tuple)):
            stack.extend(item for item in value if type(item) not in _SCALARS)
    return False


def _unencodable(data: Any, location: Location) -> list[Problem]:
    """Where ``data`` holds a string (value or key) that is not valid Unicode: a lone
    surrogate, which no JSON text may carry and jsonschema-rs cannot read (it raises on
    some and reads others as U+FFFD)."""
    out: list[Problem] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:  # iterative: as deep as the data, never a RecursionError
        path, value = stack.pop()
        if isinstance(value, str):
            if not _is_text(value):
                out.append(Problem(location, path, _NOT_UNICODE))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and not _is_text(key):
                    out.append(Problem(location, path, f"has a key that is {_NOT_UNICODE}"))
                else:
                    stack.append(((*path, key), item))
        elif isinstance(value, (list, tuple)):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
    return out


def _explain(error: jsonschema_rs.ValidationError, location: Location, out: list[Problem]) -> None:
    path = tuple(error.instance_path)
    kind: Any = error.kind
    name = type(kind).__name__
    if name == "Required":
        out.append(Problem(location, (*path, kind.property), "required"))
    elif name == "AdditionalProperties":
        out.extend(
            Problem(location, (*path, extra), "not a documented field") for extra in kind.unexpected
        )
    elif name in ("OneOfNotValid", "AnyOf") and kind.context:
        # None of the alternatives fit: explain by the one that came closest (a
        # rectangle with 3 coordinates is told about its coordinates, not its type).
        closest = min(kind.context, key=len)
        # A value every alternative refuses by the same enum (a shape's type) is told
        # every value the alternatives allow together.
        enums = [[e for e in branch if type(e.kind).__name__ == "Enum"] for branch in kind.context]
        shared = {tuple(e.instance_path) for e in enums[0]}.intersection(
            *({tuple(e.instance_path) for e in branch} for branch in enums[1:])
        )
        for inner in closest:
            at = tuple(inner.instance_path)
            if at in shared and type(inner.kind).__name__ == "Enum":
                options = [
                    o for branch in enums for e in branch if tuple(e.instance_path) == at
                    for o in e.kind.options
                ]  # fmt: skip
                allowed = ", ".join(json.dumps(o) for o in dict.fromkeys(options))
                out.append(Problem(location, at, f"must be one of {allowed}"))
            else:
                _explain(inner, location, out)
    elif name == "OneOfMultipleValid":
        out.append(Problem(location, path, "matches more than one of the allowed forms"))
    else:
        out.append(Problem(location, path, _message(error)))


# -- the validator -------------------------------------------------------------------------


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
        # Lenient until the document declares drawing_data's and invited_by's null the
        # 3.0.3 way (nullable beside a type); they are null in real responses.
        return cls(json.loads(text), lenient_nullable=True)

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

    def operation(self, path: str, method: str) -> str | ValidationResult:
        """The template of the operation for a concrete path and method, or why not."""
        found = self._find(path, method)
        return found if isinstance(found, ValidationResult) else found[0].template

    def _find(self, path: str, method: str) -> tuple[_Operation, dict[str, str]] | ValidationResult:
        route = self._route(path)
        if route is None:
            return _invalid(f"No operation for path {path}")
        template, values = route
        operation = self._operations.get((template, method.lower()))
        if operation is None:
            return _invalid(f"No operation for {method.upper()} {template}")
        return operation, values

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
        if isinstance(found, ValidationResult):
            return found
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
        if isinstance(found, ValidationResult):
            return found
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


# -- violations ----------------------------------------------------------------------------


ViolationType = Literal["request", "response", "message"]
Direction = Literal["incoming", "outgoing"]


@dataclass(frozen=True, slots=True)
class ContractViolation:
    """One message that broke the contract, as seen by ``source``.

    endpoint: the path template (``/api/v1/feedbacks/{feedback_id}``) or, for a room
    message, its type (``feedback.created``); method: the HTTP method, ``WS`` for room
    messages; type: request, response or message; direction: relative to the observer
    (a request is outgoing for the SDK, incoming for the server).
    """

    source: str
    endpoint: str
    method: str
    type: ViolationType
    direction: Direction
    errors: tuple[str, ...]
    status: int | None = None
    observed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def key(self) -> str:
        """How violations aggregate (docs/contract-testing.md §6.1): ``METHOD:endpoint:type``."""
        return f"{self.method}:{self.endpoint}:{self.type}"


class ViolationRecorder(Protocol):
    """Where contract violations go: logs, memory, a monitor, a database."""

    def record(self, violation: ContractViolation) -> None: ...


class LoggingRecorder:
    """Logs each violation as a warning on ``logger`` (``videoplanet_client.contract``)."""

    def __init__(self, logger: logging.Logger | str = "videoplanet_client.contract") -> None:
        self.logger = logging.getLogger(logger) if isinstance(logger, str) else logger

    def record(self, violation: ContractViolation) -> None:
        status = f" -> {violation.status}" if violation.status is not None else ""
        self.logger.warning(
            "contract violation (%s, %s %s): %s %s%s: %s",
            violation.source,
            violation.direction,
            violation.type,
            violation.method,
            violation.endpoint,
            status,
            "; ".join(violation.errors),
        )


class MemoryRecorder:
    """Keeps the latest ``keep`` violations in memory (tests, debugging)."""

    def __init__(self, keep: int = 1000) -> None:
        self._items: deque[ContractViolation] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def record(self, violation: ContractViolation) -> None:
        with self._lock:
            self._items.append(violation)

    @property
    def violations(self) -> list[ContractViolation]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class FanOutRecorder:
    """Hands each violation to several recorders; one failing does not stop the others."""

    def __init__(self, recorders: Iterable[ViolationRecorder]) -> None:
        self.recorders = tuple(recorders)

    def record(self, violation: ContractViolation) -> None:
        for recorder in self.recorders:
            try:
                recorder.record(violation)
            except Exception:
                logging.getLogger(__name__).exception("violation recorder %r failed", recorder)


# -- the SDK's runtime check (docs/contract-testing.md §3.2) ---------------------------


@cache
def bundled_validator() -> SchemaValidator:
    """The bundled document, compiled once per process."""
    return SchemaValidator.bundled()


class ClientContract:
    """Checks what a client sends and receives against the OpenAPI document.

    mode: ``off``; ``report`` records a bad request and sends it anyway; ``enforce``
    records it and raises ``ContractViolationError`` instead of sending. Responses are
    checked in both modes and their violations only recorded: a surprising answer is
    the server's problem to hear about, not a reason to lose it.
    """

    def __init__(
        self,
        mode: Mode,
        recorder: ViolationRecorder | None = None,
        *,
        validator: SchemaValidator | None = None,
        source: str = "videoplanet-client",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"contract_validation must be one of {', '.join(MODES)}")
        self.mode = mode
        self.recorder: ViolationRecorder = recorder or LoggingRecorder()
        self._validator = validator
        self.source = source

    @property
    def validator(self) -> SchemaValidator:
        if self._validator is None:
            self._validator = bundled_validator()
        return self._validator

    @staticmethod
    def _api_path(url: httpx.URL) -> str:
        path = unquote(url.path)
        at = path.find(API_PREFIX + "/")
        return path[at:] if at > 0 else path

    def check_request(self, request: httpx.Request, body: Any) -> None:
        """``body``: the JSON the request carries, None for none (httpx sends no ``null``)."""
        if self.mode == "off":
            return
        if body is None:
            body = NO_BODY
        path = self._api_path(request.url)
        params = request.url.params
        query = {name: params.get_list(name) for name in params}
        result = self.validator.validate_request(path, request.method, body, query=query)
        if result.valid:
            return
        endpoint = self.validator.match_path(path) or path
        self.recorder.record(
            ContractViolation(
                source=self.source,
                endpoint=endpoint,
                method=request.method,
                type="request",
                direction="outgoing",
                errors=tuple(result.errors),
            )
        )
        if self.mode == "enforce":
            raise ContractViolationError(
                f"{request.method} {endpoint} breaks the API contract: " + "; ".join(result.errors),
                errors=result.errors,
                details=result.details,
            )

    def check_response(self, response: httpx.Response) -> None:
        if self.mode == "off":
            return
        content_type = response.headers.get("content-type", "")
        if response.content and "json" not in content_type:
            return  # not the API speaking (a proxy's error page): nothing to hold it to
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = _UNREADABLE
        request = response.request
        path = self._api_path(request.url)
        status = response.status_code
        if body is _UNREADABLE:
            result = _invalid(f"{request.method} {path} -> {status}: body is not JSON")
        else:
            result = self.validator.validate_response(path, request.method, status, body)
        if result.valid:
            return
        self.recorder.record(
            ContractViolation(
                source=self.source,
                endpoint=self.validator.match_path(path) or path,
                method=request.method,
                type="response",
                direction="incoming",
                errors=tuple(result.errors),
                status=status,
            )
        )


_UNREADABLE = object()
