"""One side of a comparison: reading a document, ``$ref`` resolution, ``allOf`` merging.

Documents are read leniently where a slip is common and the meaning is clear (a ``null``
where an object or list belongs is empty), and refused where comparing would mean
guessing (changed OpenAPI 3.1 ``webhooks``, which this diff does not compare).
OpenAPI 3.1's JSON Schema spellings are brought to the 3.0 ones the differ compares:
``type: [..., "null"]`` and a ``null`` branch of ``anyOf``/``oneOf`` are ``nullable``,
``const`` is a one-value ``enum``, a numeric ``exclusiveMinimum``/``exclusiveMaximum`` is
a bound with the 3.0 flag. Keywords without a 3.0 spelling (``not``, ``contains``,
``if``/``then``/``else``, ``prefixItems``, ``patternProperties``, ...) are compared as
opaque constraints by the differ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .rules import Direction

RELEASED = Path(__file__).resolve().parents[2] / "contracts" / "released"

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class DiffError(Exception):
    """A document that cannot be read or compared (exit code 2)."""


# Objects whose values are named objects: a null value there is an empty object.
# fmt: skip below: a word list kept packed (one name a line would be 18 lines).
_MAPS = frozenset(
    {
        "paths", "properties", "responses", "content", "headers", "schemas", "parameters",
        "requestBodies", "securitySchemes", "callbacks", "links", "examples", "encoding",
        "patternProperties", "webhooks", "pathItems", "$defs", "definitions",
    }
)  # fmt: skip
# Keywords where null is a value, not a slip.
_NULL_IS_A_VALUE = frozenset({"default", "const", "example"})
# Keywords that hold a list: a null there is an empty list.
_LISTS = frozenset({"required", "parameters", "allOf", "anyOf", "oneOf", "tags", "security"})


def _without_nulls(node: Any, key: str = "") -> Any:
    """The document with ``null`` read as empty: ``responses: null`` is ``{}``.

    A YAML indentation slip (``responses:`` with nothing under it) parses as null; read
    literally it would crash the comparison or, worse, look like every response removed
    in both documents alike. Inside a map of named objects a null value is an empty
    object; a null list keyword is an empty list; other null keywords are absent, except
    those where null is a real value (``default``, ``const``, ``example``, ``x-...``).
    """
    if isinstance(node, dict):
        cleaned: dict[Any, Any] = {}
        for name, value in node.items():
            if value is None:
                if key in _MAPS:
                    cleaned[name] = {}
                elif name in _LISTS and key not in _MAPS:
                    cleaned[name] = []
                elif name in _MAPS:
                    cleaned[name] = {}
                elif name in _NULL_IS_A_VALUE or str(name).startswith("x-"):
                    cleaned[name] = None
                continue
            cleaned[name] = (
                value
                if name in _NULL_IS_A_VALUE and key not in _MAPS
                else _without_nulls(value, name)
            )
        return cleaned
    if isinstance(node, list):
        return [_without_nulls(item, "") for item in node]
    return node


def _is_null_branch(node: Any) -> bool:
    return isinstance(node, dict) and (
        node.get("type") == "null" or node.get("enum") == [None] or node == {"nullable": True}
    )


def _normalized(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.1 spellings as their 3.0 equivalents (see the module docstring)."""
    result = dict(schema)
    types = result.get("type")
    if isinstance(types, list):
        if "null" in types:
            result["nullable"] = True
        kept = [t for t in types if t != "null"]
        if len(kept) == 1:
            result["type"] = kept[0]
        elif kept:
            result["type"] = kept
        else:
            del result["type"]
    if "const" in result:
        result["enum"] = [result.pop("const")]
    for exclusive, inclusive, stricter in (
        ("exclusiveMinimum", "minimum", max),
        ("exclusiveMaximum", "maximum", min),
    ):
        bound = result.get(exclusive)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            current = result.get(inclusive)
            if current is not None and stricter(current, bound) == current and current != bound:
                del result[exclusive]  # the inclusive bound is the stricter one
            else:
                result[inclusive], result[exclusive] = bound, True
    for keyword in ("anyOf", "oneOf"):
        variants = result.get(keyword)
        if isinstance(variants, list) and any(_is_null_branch(v) for v in variants):
            result["nullable"] = True
            result[keyword] = [v for v in variants if not _is_null_branch(v)]
    return result


_UPPER = frozenset({"maxLength", "maxItems", "maxProperties", "maximum"})
_LOWER = frozenset({"minLength", "minItems", "minProperties", "minimum"})


def _both(keyword: str, first: Any, second: Any) -> Any:
    """What two ``allOf`` parts setting the same keyword demand together.

    Every part must hold, so the stricter bound wins, enums intersect, and two
    different patterns must both match; for anything else the later part wins.
    """
    if first == second:
        return second
    numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (first, second))
    if keyword in _UPPER and numbers:
        return min(first, second)
    if keyword in _LOWER and numbers:
        return max(first, second)
    if keyword == "enum" and isinstance(first, list) and isinstance(second, list):
        return [value for value in first if value in second]
    if keyword == "pattern" and isinstance(first, str) and isinstance(second, str):
        return f"^(?=[\\s\\S]*?(?:{first}))(?=[\\s\\S]*?(?:{second}))"
    return second


class Document:
    """One side of the comparison: local ``$ref`` resolution and ``allOf`` merging."""

    def __init__(self, raw: Any, name: str) -> None:
        if not isinstance(raw, dict) or not (
            str(raw.get("openapi", "")).startswith("3.")
            or str(raw.get("asyncapi", "")).startswith(("2.", "3."))
        ):
            raise DiffError(f"{name} is not an OpenAPI 3 or AsyncAPI document")
        raw = _without_nulls(raw)
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
        schema = _normalized(schema)
        for keyword in ("anyOf", "oneOf"):
            variants = schema.get(keyword)
            if isinstance(variants, list) and len(variants) == 1 and "allOf" not in schema:
                # One branch (often what is left of a branch and null): the branch itself.
                own = {k: v for k, v in schema.items() if k != keyword}
                schema = {"allOf": [variants[0]], **own}
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
            for key, value in flat.items():
                if key not in ("properties", "required"):
                    merged[key] = (
                        value
                        if part is own or key not in merged
                        else _both(key, merged[key], value)
                    )
        if properties:
            merged["properties"] = properties
        if required:
            merged["required"] = sorted(required)
        return merged, used

    def messages(self) -> dict[str, tuple[Direction, Any]]:
        """An AsyncAPI document's messages by name (the message ``type``): who sends each
        (``response``: the server, read by clients; ``request``: clients) and its payload.

        AsyncAPI 3 says it with each operation's ``action`` (``send``: the application
        sends); 2.x with ``subscribe`` (clients receive) and ``publish`` on channels.
        """
        found: dict[str, tuple[Direction, Any]] = {}

        def take(raw: Any, direction: Direction) -> None:
            message, _ = self.resolve(raw)
            if not isinstance(message, dict):
                return
            for one in message.get("oneOf", []) or [message]:
                one = self.resolve(one)[0]
                if isinstance(one, dict) and isinstance(one.get("name"), str):
                    found[one["name"]] = (direction, one.get("payload", {}))

        if str(self.raw.get("asyncapi", "")).startswith("3."):
            for operation in self.raw.get("operations", {}).values():
                direction: Direction = (
                    "response" if operation.get("action") == "send" else "request"
                )
                for raw in operation.get("messages", []):
                    take(raw, direction)
        else:
            for channel in self.raw.get("channels", {}).values():
                for verb, direction in (("subscribe", "response"), ("publish", "request")):
                    if isinstance(channel.get(verb), dict):
                        take(channel[verb].get("message", {}), direction)
        return found

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
                operation = item.get(method)
                if isinstance(operation, dict):
                    for key, kind in (("responses", dict), ("parameters", list)):
                        if not isinstance(operation.get(key, kind()), kind):
                            raise DiffError(
                                f"{self.name}: {key} of {method.upper()} {template}"
                                f" is not {'an object' if kind is dict else 'a list'}"
                            )
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


def version_of(document: dict[str, Any]) -> tuple[int, ...]:
    version = str(document.get("info", {}).get("version", ""))
    numbers = re.match(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?", version)
    if not numbers:
        raise DiffError(f"info.version {version!r} is not a version number")
    return tuple(int(n or 0) for n in numbers.groups())


def latest_release(folder: Path = RELEASED, kind: str = "openapi") -> Path:
    """The released ``kind`` document (``openapi*.json``) with the highest ``info.version``."""
    documents = sorted(folder.glob(f"{kind}*.json"))
    if not documents:
        raise DiffError(f"no released document ({kind}*.json) in {folder}")
    return max(documents, key=lambda path: version_of(load(path)))


def documents_in(path: Path) -> dict[str, dict[str, Any]]:
    """``{"openapi": ..., "asyncapi": ...}`` from a document or a folder holding either.

    In a folder, the one of each kind with the highest ``info.version``
    (``contracts/released/``), or the only one (``contracts/``).
    """
    if not path.is_dir():
        document = load(path)
        return {"asyncapi" if "asyncapi" in document else "openapi": document}
    found = {}
    for kind in ("openapi", "asyncapi"):
        if any(path.glob(f"{kind}*.json")):
            found[kind] = load(latest_release(path, kind))
    if not found:
        raise DiffError(
            f"no OpenAPI or AsyncAPI document (openapi*.json, asyncapi*.json) in {path}"
        )
    return found


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
