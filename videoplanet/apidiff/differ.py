"""The comparison itself: two documents in, a list of :class:`Change` out.

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

import json
from typing import Any

from .document import Document, version_of
from .rules import KINDS, SEVERITIES, Change, Direction, Where

_UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum")
_LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum")
_COUNTS = ("minLength", "minItems", "minProperties")  # absent means 0
_FLAGS = ("exclusiveMaximum", "exclusiveMinimum", "uniqueItems")  # true narrows
_WIDER_FORMAT = {"int32": "int64", "float": "double"}


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
    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self._comparing: set[tuple[Any, Any]] = set()

    def add(self, kind: str, where: Where, message: str) -> None:
        assert kind in KINDS, kind
        self.changes.append(Change(kind, str(where), message))

    def documents(self) -> None:
        old_ops, new_ops = self.old.operations(), self.new.operations()
        for key, (template, item, operation) in old_ops.items():
            label = f"{key[1].upper()} {template}"
            if key not in new_ops:
                self.add("operation-removed", Where(label), f"{label} was removed")
                continue
            new_template, new_item, new_operation = new_ops[key]
            where = Where(f"{key[1].upper()} {new_template}")
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
                self.add("operation-added", Where(label), f"{label} was added")

    def parameters(
        self,
        where: Where,
        old: tuple[str, dict[str, Any], dict[str, Any]],
        new: tuple[str, dict[str, Any], dict[str, Any]],
    ) -> None:
        old_params, new_params = self.old.parameters(*old), self.new.parameters(*new)
        for key, parameter in old_params.items():
            at = Where(where.operation, parameter.get("in", ""), parameter.get("name", ""))
            if key not in new_params:
                self.add(
                    "parameter-removed", at, "the parameter was removed: the server ignores it now"
                )
                continue
            now = new_params[key]
            at = Where(where.operation, now.get("in", ""), now.get("name", ""))
            if now.get("required") and not parameter.get("required"):
                self.add("parameter-became-required", at, "the parameter became required")
            elif parameter.get("required") and not now.get("required"):
                self.add("parameter-became-optional", at, "the parameter became optional")
            self.schema(
                self._parameter_schema(parameter), self._parameter_schema(now), at, "request"
            )
        for key, parameter in new_params.items():
            if key not in old_params:
                at = Where(where.operation, parameter.get("in", ""), parameter.get("name", ""))
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

    def request_body(self, where: Where, old_raw: Any, new_raw: Any) -> None:
        old, new = self.old.resolve(old_raw)[0], self.new.resolve(new_raw)[0]
        at = Where(where.operation, "request")
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
                    Where(where.operation, part),
                    f"{media_type} is no longer accepted",
                )
                continue
            self.schema(
                media.get("schema", {}),
                new_content[media_type].get("schema", {}),
                Where(where.operation, part, "$"),
                "request",
            )
        for media_type in _added(new_content, old_content):
            self.add("request-media-type-added", at, f"{media_type} is accepted too")

    def responses(self, where: Where, old: dict[str, Any], new: dict[str, Any]) -> None:
        for status, old_raw in old.items():
            at = Where(where.operation, status)
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
                "response-status-added", Where(where.operation, status), f"a new {status} response"
            )

    def response(self, at: Where, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.headers(at, old.get("headers", {}), new.get("headers", {}))
        old_content, new_content = old.get("content", {}), new.get("content", {})
        for media_type, media in old_content.items():
            part = _media_part(at.part, media_type)
            if media_type not in new_content:
                self.add(
                    "response-media-type-removed",
                    Where(at.operation, part),
                    f"the {media_type} body was removed",
                )
                continue
            self.schema(
                media.get("schema", {}),
                new_content[media_type].get("schema", {}),
                Where(at.operation, part, "$"),
                "response",
            )
        for media_type in _added(new_content, old_content):
            self.add("response-media-type-added", at, f"a {media_type} body was added")

    def headers(self, at: Where, old: dict[str, Any], new: dict[str, Any]) -> None:
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
                self.add(kind, Where(at.operation, part, name), message)
                continue
            name, header_now = now[key]
            header_at = Where(at.operation, part, name)
            if header.get("required") and not header_now.get("required"):
                self.add(
                    "response-header-became-optional", header_at, "the header may now be missing"
                )
            self.schema(
                header.get("schema", {}), header_now.get("schema", {}), header_at, "response"
            )
        for key in _added(now, was):
            self.add(
                "response-header-added", Where(at.operation, part, now[key][0]), "a new header"
            )

    def schema(self, old_raw: Any, new_raw: Any, where: Where, direction: Direction) -> None:
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
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
    ) -> None:
        was, now = bool(old.get("nullable")), bool(new.get("nullable"))
        if was == now:
            return
        if now:
            self.add(f"{direction}-became-nullable", where, "may now be null")
        else:
            self.add(f"{direction}-became-non-nullable", where, "may no longer be null")

    def _type(
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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

    def _bound(self, where: Where, direction: Direction, narrowed: bool, message: str) -> None:
        self.add(f"{direction}-constraint-{'narrowed' if narrowed else 'widened'}", where, message)

    def _properties(
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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
        self, at: Where, name: str, direction: Direction, required: bool, new: dict[str, Any]
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
        document: Document, schema: dict[str, Any], direction: Direction
    ) -> dict[str, Any]:
        hidden = "readOnly" if direction == "request" else "writeOnly"
        return {
            name: prop
            for name, prop in schema.get("properties", {}).items()
            if not document.schema(prop)[0].get(hidden)
        }

    def _variants(
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
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

    def _trial(self, old: Any, new: Any, where: Where, direction: Direction) -> list[Change]:
        kept, self.changes = self.changes, []
        try:
            self.schema(old, new, where, direction)
            return self.changes
        finally:
            self.changes = kept

    @staticmethod
    def _name(document: Document, variant: Any) -> str:
        refs = document.resolve(variant)[1]
        if refs:
            return refs[0].rsplit("/", 1)[-1]
        return _type_name(_types(document.schema(variant)[0]))


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Every change from ``old`` to ``new``, breaking first, then warnings, then the rest."""
    differ = _Differ(Document(old, "the old document"), Document(new, "the new document"))
    differ.documents()
    return sorted(differ.changes, key=lambda c: SEVERITIES.index(c.severity))


def major_went_up(released: dict[str, Any], current: dict[str, Any]) -> bool:
    return version_of(current)[0] > version_of(released)[0]


def unversioned_breaking_changes(released: dict[str, Any], current: dict[str, Any]) -> list[Change]:
    """The breaking changes since ``released`` that ``current``'s version does not allow.

    Breaking changes need a new major version: none is allowed unless the major number of
    ``info.version`` is higher than the released document's.
    """
    if major_went_up(released, current):
        return []
    return [change for change in diff(released, current) if change.severity == "breaking"]
