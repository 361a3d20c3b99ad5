"""What changed between two OpenAPI 3.0 documents, and what of it breaks existing clients.

    python -m videoplanet.contracts diff OLD NEW [--json]

OLD is a document, or a folder of released documents (the one with the highest
``info.version`` is used); NEW is a document. Exit code 0 when nothing breaks, 1 when
something does, 2 for bad arguments and unreadable or unsupported documents.

Each change has a kind, and ``KINDS`` gives every kind its severity. The rules take the
client's side: a request is what it sends, a response what it reads.

- breaking: an operation removed; a success (1xx-3xx) status, a response media type, a
  required response property or header removed, or one that became optional or
  nullable; a response enum value removed (clients match on the values they were
  promised); a type changed, except integer to number in a request or number to integer
  in a response; a required request property, body or parameter added, or an optional
  one made required; a request value that may no longer be null; a request enum value
  removed; a narrower format or constraint in a request (``maxLength`` down, ``minimum``
  up, ``pattern``, ``format`` or ``enum`` added, ...) or a wider one in a response; a
  changed ``pattern`` or unrelated ``format``; a request property removed from a schema
  that rejects unknown properties; a ``oneOf``/``anyOf`` variant removed from a request or
  added to a response.
- warning (reported, never fails): an enum value added to a response (strict clients may
  reject it); an optional response property or header removed (clients had to cope with
  its absence anyway); an error status (4xx, 5xx, default) removed; a request property,
  body or query/header parameter removed (the server now ignores what clients still
  send); a request default changed.
- compatible: the mirror images, which clients may ignore or need not use.

Schemas are compared after following ``$ref`` on both sides, so a renamed component of the
same shape is no change. A recursive schema is compared down to where it recurs; its
changes are reported there, not again at every level. ``allOf`` is merged into one
schema. ``oneOf``/``anyOf`` variants are paired by component name, then by shape; a
variant without a partner was added or removed. Descriptions, titles and examples are
ignored; so are ``readOnly`` properties in requests and ``writeOnly`` ones in responses.

The release gate, ``unversioned_breaking_changes``, allows breaking changes only with a
new major version (see ``contracts/released/README.md``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Severity = Literal["breaking", "warning", "compatible"]
Direction = Literal["request", "response"]

RELEASED = Path(__file__).resolve().parents[2] / "contracts" / "released"

KINDS: dict[str, Severity] = {
    "operation-removed": "breaking",
    "operation-added": "compatible",
    "parameter-added-required": "breaking",
    "parameter-became-required": "breaking",
    "parameter-removed": "warning",
    "parameter-added": "compatible",
    "parameter-became-optional": "compatible",
    "request-body-added-required": "breaking",
    "request-body-became-required": "breaking",
    "request-body-removed": "warning",
    "request-body-added": "compatible",
    "request-body-became-optional": "compatible",
    "request-media-type-removed": "breaking",
    "request-media-type-added": "compatible",
    "response-success-status-removed": "breaking",
    "response-error-status-removed": "warning",
    "response-status-added": "compatible",
    "response-media-type-removed": "breaking",
    "response-media-type-added": "compatible",
    "response-header-removed": "breaking",
    "response-header-became-optional": "breaking",
    "response-optional-header-removed": "warning",
    "response-header-added": "compatible",
    "request-property-added-required": "breaking",
    "request-property-became-required": "breaking",
    "request-property-rejected": "breaking",
    "request-property-removed": "warning",
    "request-property-added": "compatible",
    "request-property-became-optional": "compatible",
    "response-property-removed": "breaking",
    "response-property-became-optional": "breaking",
    "response-optional-property-removed": "warning",
    "response-property-added": "compatible",
    "response-property-became-required": "compatible",
    "request-became-non-nullable": "breaking",
    "response-became-nullable": "breaking",
    "request-became-nullable": "compatible",
    "response-became-non-nullable": "compatible",
    "type-changed": "breaking",
    "request-type-widened": "compatible",
    "response-type-narrowed": "compatible",
    "request-enum-value-removed": "breaking",
    "response-enum-value-removed": "breaking",
    "response-enum-value-added": "warning",
    "request-enum-value-added": "compatible",
    "format-changed": "breaking",
    "request-format-narrowed": "breaking",
    "response-format-widened": "breaking",
    "request-format-widened": "compatible",
    "response-format-narrowed": "compatible",
    "constraint-changed": "breaking",
    "request-constraint-narrowed": "breaking",
    "response-constraint-widened": "breaking",
    "request-constraint-widened": "compatible",
    "response-constraint-narrowed": "compatible",
    "request-variant-removed": "breaking",
    "response-variant-added": "breaking",
    "request-variant-added": "compatible",
    "response-variant-removed": "compatible",
    "request-default-changed": "warning",
}
SEVERITIES: tuple[Severity, ...] = ("breaking", "warning", "compatible")

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum")
_COUNTS = ("minLength", "minItems", "minProperties")  # absent means 0
_FLAGS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")  # true narrows
_WIDER_FORMAT = {"int32": "int64", "float": "double"}


class DiffError(Exception):
    """A document that cannot be read or compared (exit code 2)."""


@dataclass(frozen=True)
class Change:
    kind: str
    location: str
    message: str

    @property
    def severity(self) -> Severity:
        return KINDS[self.kind]

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "kind": self.kind,
            "location": self.location,
            "message": self.message,
        }


@dataclass(frozen=True)
class _Where:
    """``GET /api/v1/feedbacks -> 200 $[].status``: operation, part, then a JSON path."""

    operation: str
    part: str = ""
    path: str = ""

    def __str__(self) -> str:
        return " ".join(
            filter(None, (self.operation, "->" if self.part else "", self.part, self.path))
        )

    def child(self, suffix: str) -> _Where:
        return _Where(self.operation, self.part, self.path + suffix)

    def property(self, name: str) -> _Where:
        return self.child(f".{name}" if re.fullmatch(r"\w+", name) else f"[{json.dumps(name)}]")


class _Document:
    """One side of the comparison: local ``$ref`` resolution and ``allOf`` merging."""

    def __init__(self, raw: Any, name: str) -> None:
        if not isinstance(raw, dict) or not str(raw.get("openapi", "")).startswith("3."):
            raise DiffError(f"{name} is not an OpenAPI 3 document")
        if not isinstance(raw.get("paths", {}), dict):
            raise DiffError(f"{name}: paths is not an object")
        self.raw = raw
        self.name = name

    def resolve(self, node: Any) -> tuple[Any, tuple[str, ...]]:
        """The object a chain of ``$ref`` leads to, and the references followed."""
        refs: list[str] = []
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in refs:
                raise DiffError(f"{self.name}: $ref {ref!r} refers to itself")
            refs.append(ref)
            node = self._pointer(ref)
        return node, tuple(refs)

    def _pointer(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise DiffError(f"{self.name}: only local references are followed, not {ref!r}")
        node: Any = self.raw
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise DiffError(f"{self.name}: $ref {ref!r} leads nowhere")
            node = node[part]
        return node

    def schema(
        self, node: Any, merging: frozenset[str] = frozenset()
    ) -> tuple[dict[str, Any], frozenset[str]]:
        """The schema with references followed and ``allOf`` merged, and the refs used.

        Merging combines ``properties`` (a property in several parts becomes an ``allOf``
        of them) and ``required``; other keywords come from the last part that sets them,
        and the schema's own keywords win, so drf-spectacular's
        ``{"allOf": [{"$ref": ...}], "nullable": true}`` is the component, nullable.
        """
        schema, refs = self.resolve(node)
        used = frozenset(refs)
        if not isinstance(schema, dict):
            return {}, used
        if "allOf" not in schema:
            return schema, used
        if used & merging:
            raise DiffError(f"{self.name}: allOf includes itself through {sorted(used & merging)}")
        merged: dict[str, Any] = {}
        properties: dict[str, Any] = {}
        required: set[str] = set()
        own = {k: v for k, v in schema.items() if k != "allOf"}
        for part in [*schema["allOf"], own]:
            flat, part_refs = (
                (part, frozenset()) if part is own else self.schema(part, merging | used)
            )
            used |= part_refs
            for name, prop in flat.get("properties", {}).items():
                properties[name] = (
                    {"allOf": [properties[name], prop]} if name in properties else prop
                )
            required.update(flat.get("required", []))
            merged.update({k: v for k, v in flat.items() if k not in ("properties", "required")})
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = sorted(required)
        return merged, used

    def operations(self) -> dict[tuple[str, str], tuple[str, dict[str, Any], dict[str, Any]]]:
        """(path shape, method) → (path template, path item, operation).

        The shape hides path parameter names: ``/a/{id}`` and ``/a/{pk}`` are one path.
        """
        found = {}
        for template, raw_item in self.raw.get("paths", {}).items():
            item = self.resolve(raw_item)[0]
            if not isinstance(item, dict):
                continue
            for method in _METHODS:
                if isinstance(item.get(method), dict):
                    found[(re.sub(r"\{[^}]*\}", "{}", template), method)] = (
                        template,
                        item,
                        item[method],
                    )
        return found

    def parameters(
        self, template: str, item: dict[str, Any], operation: dict[str, Any]
    ) -> dict[tuple[str, Any], dict[str, Any]]:
        """An operation's parameters, path-level ones included, keyed by where they go.

        Path parameters are keyed by position, since clients fill them in by position.
        """
        names = re.findall(r"\{([^}]*)\}", template)
        found = {}
        for raw in [*item.get("parameters", []), *operation.get("parameters", [])]:
            parameter = self.resolve(raw)[0]
            place, name = parameter.get("in"), parameter.get("name")
            if place == "path" and name in names:
                key: tuple[str, Any] = ("path", names.index(name))
            else:
                key = (place, name.lower() if place == "header" else name)
            found[key] = parameter
        return found


def _show(value: Any) -> str:
    return "none" if value is None else json.dumps(value, ensure_ascii=False)


def _types(schema: dict[str, Any]) -> frozenset[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return frozenset([declared] if isinstance(declared, str) else declared)


def _covers(wide: frozenset[str] | None, narrow: frozenset[str] | None) -> bool:
    if wide is None:
        return True
    if narrow is None:
        return False
    return all(t in wide or (t == "integer" and "number" in wide) for t in narrow)


def _type_name(types: frozenset[str] | None) -> str:
    return "any" if types is None else "/".join(sorted(types))


def _extra_rank(schema: dict[str, Any]) -> int:
    """additionalProperties from strictest to loosest: false, a schema, anything."""
    extra = schema.get("additionalProperties", True)
    return 0 if extra is False else 1 if isinstance(extra, dict) and extra else 2


def _added(now: dict[str, Any], was: dict[str, Any]) -> list[str]:
    """Keys only in ``now``, in its order, so reports come out the same every run."""
    return [key for key in now if key not in was]


def _is_success(status: str) -> bool:
    return status[:1] in ("1", "2", "3")


def _media_part(part: str, media_type: str) -> str:
    return part if media_type == "application/json" else f"{part} {media_type}"


class _Differ:
    def __init__(self, old: _Document, new: _Document) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self._comparing: set[tuple[Any, Any]] = set()

    def add(self, kind: str, where: _Where, message: str) -> None:
        assert kind in KINDS, kind
        self.changes.append(Change(kind, str(where), message))

    def documents(self) -> None:
        old_ops, new_ops = self.old.operations(), self.new.operations()
        for key, (template, item, operation) in old_ops.items():
            label = f"{key[1].upper()} {template}"
            if key not in new_ops:
                self.add("operation-removed", _Where(label), f"{label} was removed")
                continue
            new_template, new_item, new_operation = new_ops[key]
            where = _Where(f"{key[1].upper()} {new_template}")
            self.parameters(
                where, (template, item, operation), (new_template, new_item, new_operation)
            )
            self.request_body(where, operation.get("requestBody"), new_operation.get("requestBody"))
            self.responses(
                where, operation.get("responses", {}), new_operation.get("responses", {})
            )
        for key, (template, _, _) in new_ops.items():
            if key not in old_ops:
                label = f"{key[1].upper()} {template}"
                self.add("operation-added", _Where(label), f"{label} was added")

    def parameters(
        self,
        where: _Where,
        old: tuple[str, dict[str, Any], dict[str, Any]],
        new: tuple[str, dict[str, Any], dict[str, Any]],
    ) -> None:
        old_params, new_params = self.old.parameters(*old), self.new.parameters(*new)
        for key, parameter in old_params.items():
            at = _Where(where.operation, parameter.get("in", ""), parameter.get("name", ""))
            if key not in new_params:
                self.add(
                    "parameter-removed", at, "the parameter was removed: the server ignores it now"
                )
                continue
            now = new_params[key]
            at = _Where(where.operation, now.get("in", ""), now.get("name", ""))
            if now.get("required") and not parameter.get("required"):
                self.add("parameter-became-required", at, "the parameter became required")
            elif parameter.get("required") and not now.get("required"):
                self.add("parameter-became-optional", at, "the parameter became optional")
            self.schema(
                self._parameter_schema(parameter), self._parameter_schema(now), at, "request"
            )
        for key, parameter in new_params.items():
            if key not in old_params:
                at = _Where(where.operation, parameter.get("in", ""), parameter.get("name", ""))
                if parameter.get("required"):
                    self.add("parameter-added-required", at, "a new required parameter")
                else:
                    self.add("parameter-added", at, "a new optional parameter")

    @staticmethod
    def _parameter_schema(parameter: dict[str, Any]) -> Any:
        if "schema" in parameter:
            return parameter["schema"]
        for media in parameter.get("content", {}).values():
            return media.get("schema", {})
        return {}

    def request_body(self, where: _Where, old_raw: Any, new_raw: Any) -> None:
        old, new = self.old.resolve(old_raw)[0], self.new.resolve(new_raw)[0]
        at = _Where(where.operation, "request")
        if old is None and new is None:
            return
        if old is None:
            if new.get("required"):
                self.add("request-body-added-required", at, "a request body is now required")
            else:
                self.add("request-body-added", at, "an optional request body was added")
            return
        if new is None:
            self.add(
                "request-body-removed",
                at,
                "the request body was removed: the server ignores it now",
            )
            return
        if new.get("required") and not old.get("required"):
            self.add("request-body-became-required", at, "the request body became required")
        elif old.get("required") and not new.get("required"):
            self.add("request-body-became-optional", at, "the request body became optional")
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media_type, media in old_content.items():
            part = _media_part("request", media_type)
            if media_type not in new_content:
                self.add(
                    "request-media-type-removed",
                    _Where(where.operation, part),
                    f"{media_type} is no longer accepted",
                )
                continue
            self.schema(
                media.get("schema", {}),
                new_content[media_type].get("schema", {}),
                _Where(where.operation, part, "$"),
                "request",
            )
        for media_type in _added(new_content, old_content):
            self.add("request-media-type-added", at, f"{media_type} is accepted too")

    def responses(self, where: _Where, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status, old_raw in old.items():
            at = _Where(where.operation, status)
            if status not in new:
                if _is_success(status):
                    self.add(
                        "response-success-status-removed", at, f"the {status} response was removed"
                    )
                else:
                    self.add(
                        "response-error-status-removed",
                        at,
                        f"the {status} response is no longer documented",
                    )
                continue
            self.response(at, self.old.resolve(old_raw)[0], self.new.resolve(new[status])[0])
        for status in _added(new, old):
            self.add(
                "response-status-added", _Where(where.operation, status), f"a new {status} response"
            )

    def response(self, at: _Where, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.headers(at, old.get("headers", {}), new.get("headers", {}))
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media_type, media in old_content.items():
            part = _media_part(at.part, media_type)
            if media_type not in new_content:
                self.add(
                    "response-media-type-removed",
                    _Where(at.operation, part),
                    f"the {media_type} body was removed",
                )
                continue
            self.schema(
                media.get("schema", {}),
                new_content[media_type].get("schema", {}),
                _Where(at.operation, part, "$"),
                "response",
            )
        for media_type in _added(new_content, old_content):
            self.add("response-media-type-added", at, f"a {media_type} body was added")

    def headers(self, at: _Where, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Response headers, matched without regard to case."""
        was = {name.lower(): (name, self.old.resolve(h)[0]) for name, h in old.items()}
        now = {name.lower(): (name, self.new.resolve(h)[0]) for name, h in new.items()}
        part = f"{at.part} header"
        for key, (name, header) in was.items():
            if key not in now:
                if header.get("required"):
                    kind, message = "response-header-removed", "the header is no longer sent"
                else:
                    kind, message = (
                        "response-optional-header-removed",
                        "the optional header was removed",
                    )
                self.add(kind, _Where(at.operation, part, name), message)
                continue
            name, header_now = now[key]
            header_at = _Where(at.operation, part, name)
            if header.get("required") and not header_now.get("required"):
                self.add(
                    "response-header-became-optional", header_at, "the header may now be missing"
                )
            self.schema(
                header.get("schema", {}), header_now.get("schema", {}), header_at, "response"
            )
        for key in _added(now, was):
            self.add(
                "response-header-added", _Where(at.operation, part, now[key][0]), "a new header"
            )

    def schema(self, old_raw: Any, new_raw: Any, where: _Where, direction: Direction) -> None:
        old, old_refs = self.old.schema(old_raw)
        new, new_refs = self.new.schema(new_raw)
        # A pair of components already being compared further up is a recursion: its
        # changes are reported there. Inline schemas are finite and need no guard.
        key = (old_refs or ("inline", id(old_raw)), new_refs or ("inline", id(new_raw)))
        if key in self._comparing:
            return
        self._comparing.add(key)
        try:
            self._compare(old, new, where, direction)
        finally:
            self._comparing.discard(key)

    def _compare(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        self._nullable(old, new, where, direction)
        if any(k in s for s in (old, new) for k in ("oneOf", "anyOf")):
            self._variants(old, new, where, direction)
            return
        if not self._type(old, new, where, direction):
            return
        self._enum(old, new, where, direction)
        self._format(old, new, where, direction)
        self._constraints(old, new, where, direction)
        if (
            direction == "request"
            and "default" in old
            and "default" in new
            and old["default"] != new["default"]
        ):
            self.add(
                "request-default-changed",
                where,
                f"default {_show(old['default'])} → {_show(new['default'])}",
            )
        self._properties(old, new, where, direction)
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict) and old_extra and new_extra:
            self.schema(old_extra, new_extra, where.child(".*"), direction)
        if "items" in old or "items" in new:
            self.schema(old.get("items", {}), new.get("items", {}), where.child("[]"), direction)

    def _nullable(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        was, now = bool(old.get("nullable")), bool(new.get("nullable"))
        if was == now:
            return
        if now:
            self.add(f"{direction}-became-nullable", where, "may now be null")
        else:
            self.add(f"{direction}-became-non-nullable", where, "may no longer be null")

    def _type(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> bool:
        """False when the type changed: nothing below it is worth comparing then."""
        was, now = _types(old), _types(new)
        if was == now:
            return True
        message = f"type {_type_name(was)} → {_type_name(now)}"
        if direction == "request" and _covers(now, was):
            self.add("request-type-widened", where, message)
            return True
        if direction == "response" and _covers(was, now):
            self.add("response-type-narrowed", where, message)
            return True
        self.add("type-changed", where, message)
        return False

    def _enum(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        was, now = old.get("enum"), new.get("enum")
        if was is None and now is None:
            return
        if was is None or now is None:
            self._bound(where, direction, now is not None, f"enum {_show(was)} → {_show(now)}")
            return
        for value in was:
            if value not in now:
                self.add(
                    f"{direction}-enum-value-removed",
                    where,
                    f"enum value {_show(value)} was removed",
                )
        for value in now:
            if value not in was:
                self.add(
                    f"{direction}-enum-value-added", where, f"enum value {_show(value)} was added"
                )

    def _format(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        was, now = old.get("format"), new.get("format")
        if was == now:
            return
        message = f"format {_show(was)} → {_show(now)}"
        if was is None or _WIDER_FORMAT.get(str(now)) == was:
            narrowed = True
        elif now is None or _WIDER_FORMAT.get(was) == now:
            narrowed = False
        else:
            self.add("format-changed", where, message)
            return
        self.add(f"{direction}-format-{'narrowed' if narrowed else 'widened'}", where, message)

    def _constraints(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        for keyword in (*_UPPER_BOUNDS, *_LOWER_BOUNDS):
            default = 0 if keyword in _COUNTS else None
            was, now = old.get(keyword, default), new.get(keyword, default)
            if was == now:
                continue
            if keyword in _UPPER_BOUNDS:
                narrowed = now is not None and (was is None or now < was)
            else:
                narrowed = now is not None and (was is None or now > was)
            self._bound(where, direction, narrowed, f"{keyword} {_show(was)} → {_show(now)}")
        for keyword in _FLAGS:
            was, now = old.get(keyword) is True, new.get(keyword) is True
            if was != now:
                self._bound(where, direction, now, f"{keyword} {_show(was)} → {_show(now)}")
        for keyword in ("pattern", "multipleOf"):
            was, now = old.get(keyword), new.get(keyword)
            if was == now:
                continue
            message = f"{keyword} {_show(was)} → {_show(now)}"
            if was is None or now is None:
                self._bound(where, direction, now is not None, message)
            elif keyword == "multipleOf" and now % was == 0:
                self._bound(where, direction, True, message)
            elif keyword == "multipleOf" and was % now == 0:
                self._bound(where, direction, False, message)
            else:
                self.add("constraint-changed", where, message)
        was_rank, now_rank = _extra_rank(old), _extra_rank(new)
        if was_rank != now_rank:
            message = (
                f"additionalProperties {_show(old.get('additionalProperties'))}"
                f" → {_show(new.get('additionalProperties'))}"
            )
            self._bound(where, direction, now_rank < was_rank, message)

    def _bound(self, where: _Where, direction: Direction, narrowed: bool, message: str) -> None:
        self.add(f"{direction}-constraint-{'narrowed' if narrowed else 'widened'}", where, message)

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        was, now = self._visible(self.old, old, direction), self._visible(self.new, new, direction)
        was_required, now_required = set(old.get("required", [])), set(new.get("required", []))
        for name, prop in was.items():
            at = where.property(name)
            if name not in now:
                self._property_removed(at, name, direction, name in was_required, new)
                continue
            if direction == "request" and name in now_required - was_required:
                self.add("request-property-became-required", at, f"{name} became required")
            elif direction == "request" and name in was_required - now_required:
                self.add("request-property-became-optional", at, f"{name} became optional")
            elif direction == "response" and name in was_required - now_required:
                self.add("response-property-became-optional", at, f"{name} may now be missing")
            elif direction == "response" and name in now_required - was_required:
                self.add("response-property-became-required", at, f"{name} is now always present")
            self.schema(prop, now[name], at, direction)
        for name in _added(now, was):
            at = where.property(name)
            if direction == "response":
                self.add("response-property-added", at, f"{name} was added")
            elif name in now_required:
                self.add("request-property-added-required", at, f"{name} was added as required")
            else:
                self.add("request-property-added", at, f"{name} was added as optional")

    def _property_removed(
        self, at: _Where, name: str, direction: Direction, required: bool, new: dict[str, Any]
    ) -> None:
        if direction == "response":
            if required:
                self.add("response-property-removed", at, f"{name} is no longer in the response")
            else:
                self.add(
                    "response-optional-property-removed", at, f"the optional {name} was removed"
                )
        elif new.get("additionalProperties") is False:
            self.add(
                "request-property-rejected",
                at,
                f"{name} was removed and unknown properties are rejected",
            )
        else:
            self.add(
                "request-property-removed", at, f"{name} was removed: the server ignores it now"
            )

    @staticmethod
    def _visible(
        document: _Document, schema: dict[str, Any], direction: Direction
    ) -> dict[str, Any]:
        hidden = "readOnly" if direction == "request" else "writeOnly"
        return {
            name: prop
            for name, prop in schema.get("properties", {}).items()
            if not document.schema(prop)[0].get(hidden)
        }

    def _variants(
        self, old: dict[str, Any], new: dict[str, Any], where: _Where, direction: Direction
    ) -> None:
        """Pair oneOf/anyOf variants: by component name, then by shape, then the last two.

        A schema without variants counts as a single variant, so wrapping a schema in a
        oneOf that adds another is one variant added.
        """
        plain = {"nullable"}
        was = (
            old.get("oneOf")
            or old.get("anyOf")
            or [{k: v for k, v in old.items() if k not in plain}]
        )
        now = (
            new.get("oneOf")
            or new.get("anyOf")
            or [{k: v for k, v in new.items() if k not in plain}]
        )
        unpaired_old, unpaired_new = list(was), list(now)
        pairs = []
        for variant in was:
            name = self.old.resolve(variant)[1][:1]
            match = next(
                (v for v in unpaired_new if name and self.new.resolve(v)[1][:1] == name), None
            )
            if match is not None:
                pairs.append((variant, match))
                unpaired_old.remove(variant)
                unpaired_new.remove(match)
        for variant in list(unpaired_old):
            for candidate in unpaired_new:
                if not any(
                    c.severity == "breaking"
                    for c in self._trial(variant, candidate, where, direction)
                ):
                    pairs.append((variant, candidate))
                    unpaired_old.remove(variant)
                    unpaired_new.remove(candidate)
                    break
        if len(unpaired_old) == len(unpaired_new) == 1:
            pairs.append((unpaired_old.pop(), unpaired_new.pop()))
        for variant_old, variant_new in pairs:
            self.schema(variant_old, variant_new, where, direction)
        for variant in unpaired_old:
            self.add(
                f"{direction}-variant-removed",
                where,
                f"variant {self._name(self.old, variant)} was removed",
            )
        for variant in unpaired_new:
            self.add(
                f"{direction}-variant-added",
                where,
                f"variant {self._name(self.new, variant)} was added",
            )

    def _trial(self, old: Any, new: Any, where: _Where, direction: Direction) -> list[Change]:
        kept, self.changes = self.changes, []
        try:
            self.schema(old, new, where, direction)
            return self.changes
        finally:
            self.changes = kept

    @staticmethod
    def _name(document: _Document, variant: Any) -> str:
        refs = document.resolve(variant)[1]
        if refs:
            return refs[0].rsplit("/", 1)[-1]
        return _type_name(_types(document.schema(variant)[0]))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking first, then warnings, then the rest."""
    differ = _Differ(_Document(old, "the old document"), _Document(new, "the new document"))
    differ.documents()
    return sorted(differ.changes, key=lambda c: SEVERITIES.index(c.severity))


def _version(document: dict[str, Any]) -> tuple[int, ...]:
    version = str(document.get("info", {}).get("version", ""))
    numbers = re.match(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not numbers:
        raise DiffError(f"info.version {version!r} is not a version number")
    return tuple(int(n or 0) for n in numbers.groups())


def latest_release(folder: Path = RELEASED) -> Path:
    """The released document with the highest ``info.version``."""
    documents = sorted(folder.glob("*.json"))
    if not documents:
        raise DiffError(f"no released document (*.json) in {folder}")
    return max(documents, key=lambda path: _version(load(path)))


def load(path: Path) -> dict[str, Any]:
    """A JSON document; a folder means its latest release."""
    if path.is_dir():
        path = latest_release(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DiffError(f"cannot read {path}: {error.strerror}") from error
    except ValueError as error:
        raise DiffError(f"{path} is not JSON: {error}") from error
    if not isinstance(document, dict):
        raise DiffError(f"{path} is not an OpenAPI document")
    return document


def _major_went_up(released: dict[str, Any], current: dict[str, Any]) -> bool:
    return _version(current)[0] > _version(released)[0]


def unversioned_breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """The breaking changes since ``released`` that ``current``'s version does not allow.

    Breaking changes need a new major version: none is allowed unless the major number of
    ``info.version`` is higher than the released document's.
    """
    if _major_went_up(released, current):
        return []
    return [change for change in diff(released, current) if change.severity == "breaking"]


def report(changes: list[Change], *, old: dict[str, Any], new: dict[str, Any]) -> str:
    """The text report: changes grouped by severity, breaking first, then one summary line."""
    lines: list[str] = []
    for severity in SEVERITIES:
        group = [c for c in changes if c.severity == severity]
        if not group:
            continue
        lines.append(f"{severity.upper()} ({len(group)})")
        for change in group:
            lines += [f"  {change.kind}  {change.location}", f"      {change.message}"]
        lines.append("")
    breaking, warnings, compatible = (sum(c.severity == s for c in changes) for s in SEVERITIES)
    old_version, new_version = (d.get("info", {}).get("version", "?") for d in (old, new))
    lines.append(
        f"{old_version} → {new_version}: {breaking} breaking,"
        f" {warnings} warning{'' if warnings == 1 else 's'}, {compatible} compatible"
    )
    try:
        allowed = _major_went_up(old, new)
    except DiffError:  # a version the gate cannot read does not stop the report
        allowed = False
    if allowed and any(c.severity == "breaking" for c in changes):
        lines.append(
            "The major version went up, so the release gate allows these breaking changes."
        )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m videoplanet.contracts diff",
        description="The changes between two OpenAPI 3.0 documents; exit 1 if any breaks clients.",
    )
    parser.add_argument(
        "old", type=Path, help="the released document, or a folder of them (the latest is used)"
    )
    parser.add_argument("new", type=Path, help="the new document")
    parser.add_argument("--json", action="store_true", help="print a JSON list of changes")
    return parser


def main(argv: list[str]) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage
        return 0 if exit_.code == 0 else 2
    try:
        old, new = load(args.old), load(args.new)
        changes = diff(old, new)
        text = report(changes, old=old, new=new)
    except DiffError as error:
        print(f"diff: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([change.as_dict() for change in changes], indent=2, ensure_ascii=False))
    else:
        print(text)
    return 1 if any(change.severity == "breaking" for change in changes) else 0
