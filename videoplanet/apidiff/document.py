"""One side of a comparison: reading a document, ``$ref`` resolution, ``allOf`` merging."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

RELEASED = Path(__file__).resolve().parents[2] / "contracts" / "released"

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class DiffError(Exception):
    """A document that cannot be read or compared (exit code 2)."""


class Document:
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


def version_of(document: dict[str, Any]) -> tuple[int, ...]:
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
    return max(documents, key=lambda path: version_of(load(path)))


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
