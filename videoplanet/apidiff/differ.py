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

import datetime as dt
import json
import re
from re import _constants as sre_constants  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

from .document import DiffError, Document, version_of
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


def _is_json(media_type: str) -> bool:
    essence = media_type.split(";")[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def _specialises(narrow: str, wide: str) -> bool:
    """``application/problem+json`` is a kind of ``application/json`` (RFC 6839 suffixes)."""
    narrow_type, _, narrow_sub = narrow.split(";")[0].strip().lower().partition("/")
    wide_type, _, wide_sub = wide.split(";")[0].strip().lower().partition("/")
    return narrow_type == wide_type and "+" not in wide_sub and narrow_sub.endswith(f"+{wide_sub}")


def _sunset_passed(operation: dict[str, Any]) -> bool:
    """True unless ``x-sunset`` names a date still to come (or one that cannot be read)."""
    sunset = operation.get("x-sunset")
    if sunset is None:
        return True
    try:
        day = dt.date.fromisoformat(str(sunset)[:10])
    except ValueError:
        return False
    return day <= dt.datetime.now(dt.UTC).date()


def _canonical(items: Any) -> tuple[Any, ...]:
    """A regular expression's parse tree with spellings of the same thing made one.

    ECMA-262 ``\\d`` is ``[0-9]``; groups are transparent; ``aaa`` is ``a{3}``.
    """
    repeat = str(sre_constants.MAX_REPEAT)
    out: list[Any] = []
    for op, arg in items:
        if op is sre_constants.SUBPATTERN and not arg[1] and not arg[2]:
            out.extend(_canonical(arg[3]))
            continue
        if op is sre_constants.IN:
            arg = tuple(
                (sre_constants.RANGE, (48, 57))
                if item == (sre_constants.CATEGORY, sre_constants.CATEGORY_DIGIT)
                else item
                for item in arg
            )
            if len(arg) == 1 and arg[0][0] is sre_constants.LITERAL:
                op, arg = arg[0]
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            arg = (arg[0], arg[1], _canonical(arg[2]))
        elif op is sre_constants.BRANCH:
            arg = (None, tuple(_canonical(branch) for branch in arg[1]))
        item = (str(op), arg)
        last = out[-1] if out else None
        if last == item:
            out[-1] = (repeat, (2, 2, (item,)))
        elif last and last[0] == repeat and last[1][0] == last[1][1] and last[1][2] == (item,):
            out[-1] = (repeat, (last[1][0] + 1, last[1][0] + 1, (item,)))
        else:
            out.append(item)
    return tuple(out)


def _pattern_key(pattern: Any) -> Any:
    """What a pattern means, for comparing: None when it matches every string (or is absent).

    A pattern (searched, not anchored, as JSON Schema reads it) that can match the
    empty string without an anchor at both ends matches everything: ``""``, ``.*``,
    ``^.*``. Patterns Python cannot parse are compared as written.
    """
    if not isinstance(pattern, str):
        return pattern
    try:
        tree = _canonical(sre_parse.parse(pattern))
    except (re.error, RecursionError, OverflowError, ValueError, TypeError):
        return pattern
    at = str(sre_constants.AT)
    begins = bool(tree) and tree[0] == (at, sre_constants.AT_BEGINNING)
    ends = bool(tree) and tree[-1] == (at, sre_constants.AT_END)
    core = tree[int(begins) : len(tree) - int(ends)]
    repeats = (str(sre_constants.MAX_REPEAT), str(sre_constants.MIN_REPEAT))
    if not (begins and ends) and all(op in repeats and arg[0] == 0 for op, arg in core):
        return None
    return tree


# JSON Schema keywords with no 3.0 spelling: compared whole, as a constraint.
# fmt: skip below: word lists kept packed, one name a line says nothing more.
_OPAQUE = (
    "not", "contains", "minContains", "maxContains", "if", "then", "else", "prefixItems",
    "dependentRequired", "dependentSchemas", "patternProperties", "propertyNames",
    "unevaluatedProperties", "unevaluatedItems",
)  # fmt: skip
_SCHEMA_VALUED = frozenset(
    {"not", "contains", "if", "then", "else", "propertyNames", "unevaluatedProperties",
     "unevaluatedItems"}
)  # fmt: skip
_SCALARS = frozenset({"string", "integer", "number", "boolean"})


def _without_unconstrained(schema: Any) -> Any:
    """``schema`` without the properties it declares as ``{}``, when that changes nothing.

    In a schema that leaves other properties open, a property whose schema is ``{}``
    accepts what it would accept undeclared: ``not: {properties: {text: {}}, required:
    [text]}`` is ``not: {required: [text]}`` (linters want each required property
    declared).
    """
    if not isinstance(schema, dict) or "additionalProperties" in schema:
        return schema
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not any(p == {} for p in properties.values()):
        return schema
    kept = {name: p for name, p in properties.items() if p != {}}
    result = {k: v for k, v in schema.items() if k != "properties"}
    return {**result, "properties": kept} if kept else result


def _disjoint(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """True when no value can match both schemas, as far as a quick look can tell.

    Different types, disjoint enums, a required property both declare with disjoint
    enums (a tag), or a closed object missing a property the other requires.
    """
    types_first, types_second = _types(first), _types(second)
    numeric = frozenset({"integer", "number"})
    if (
        types_first is not None
        and types_second is not None
        and not types_first & types_second
        and not (types_first & numeric and types_second & numeric)
    ):
        return True
    enum_first, enum_second = first.get("enum"), second.get("enum")
    if enum_first is not None and enum_second is not None:
        return not any(value in enum_second for value in enum_first)
    props_first, props_second = first.get("properties", {}), second.get("properties", {})
    tags = set(first.get("required", [])) & set(second.get("required", []))
    for name in tags & props_first.keys() & props_second.keys():
        values_first = props_first[name].get("enum")
        values_second = props_second[name].get("enum")
        if (
            values_first is not None
            and values_second is not None
            and not any(value in values_second for value in values_first)
        ):
            return True
    return any(
        closed.get("additionalProperties") is False
        and any(name not in closed.get("properties", {}) for name in other.get("required", []))
        for closed, other in ((first, second), (second, first))
    )


class _Differ:
    def __init__(self, old: Document, new: Document) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self._comparing: set[tuple[Any, Any]] = set()
        # Inside a response header or a non-JSON body a value travels as text, so its
        # declared JSON type is no wire change.
        self._text = False

    def add(self, kind: str, where: Where, message: str) -> None:
        assert kind in KINDS, kind
        self.changes.append(Change(kind, str(where), message, where))

    def documents(self) -> None:
        if self.old.raw.get("webhooks", {}) != self.new.raw.get("webhooks", {}):
            raise DiffError(
                "the webhooks changed, and this diff does not compare webhooks:"
                " compare them by hand, or leave them out of both documents"
            )
        self.messages()
        old_ops, new_ops = self.old.operations(), self.new.operations()
        for key, (template, item, operation) in old_ops.items():
            label = f"{key[1].upper()} {template}"
            if key not in new_ops:
                if operation.get("deprecated") is True and _sunset_passed(operation):
                    self.add(
                        "operation-removed-deprecated",
                        Where(label),
                        f"{label} was removed after its deprecation",
                    )
                else:
                    sunset = operation.get("x-sunset")
                    before = f" before its sunset ({sunset})" if sunset is not None else ""
                    self.add("operation-removed", Where(label), f"{label} was removed{before}")
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

    def messages(self) -> None:
        """AsyncAPI messages, by type: what the server sends is read like a response,
        what clients send is checked like a request."""
        old_messages, new_messages = self.old.messages(), self.new.messages()
        for name, (direction, payload) in old_messages.items():
            label = Where(f"MESSAGE {name}")
            if name not in new_messages:
                self.add("message-removed", label, f"the {name} message was removed")
                continue
            self.schema(payload, new_messages[name][1], Where(label.operation, "", "$"), direction)
        for name in _added(new_messages, old_messages):
            self.add("message-added", Where(f"MESSAGE {name}"), f"the {name} message was added")

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
            if old.get("required"):
                self.add(
                    "request-required-body-removed",
                    at,
                    "the required request body was removed: every client sends one, and a"
                    " server that takes none may refuse it",
                )
            else:
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
        specialised: set[str] = set()
        for media_type, media in old_content.items():
            part = _media_part(at.part, media_type)
            now_type = media_type
            if media_type not in new_content:
                now_type = next(
                    (
                        candidate
                        for candidate in _added(new_content, old_content)
                        if candidate not in specialised and _specialises(candidate, media_type)
                    ),
                    "",
                )
                if not now_type:
                    self.add(
                        "response-media-type-removed",
                        Where(at.operation, part),
                        f"the {media_type} body was removed",
                    )
                    continue
                specialised.add(now_type)
                self.add(
                    "response-media-type-specialised",
                    Where(at.operation, part),
                    f"{media_type} → {now_type}, a kind of {media_type}",
                )
            self._text = not _is_json(media_type)
            try:
                self.schema(
                    media.get("schema", {}),
                    new_content[now_type].get("schema", {}),
                    Where(at.operation, part, "$"),
                    "response",
                )
            finally:
                self._text = False
        for media_type in _added(new_content, old_content):
            if media_type not in specialised:
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
            self._text = True
            try:
                self.schema(
                    header.get("schema", {}), header_now.get("schema", {}), header_at, "response"
                )
            finally:
                self._text = False
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
        self._enum(old, new, where, direction, keyword="x-extensible-enum")
        self._format(old, new, where, direction)
        self._constraints(old, new, where, direction)
        self._opaque(old, new, where, direction)
        if direction == "request":
            self._default(old, new, where)
        self._properties(old, new, where, direction)
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, dict) and isinstance(new_extra, dict) and old_extra and new_extra:
            self.schema(old_extra, new_extra, where.child(".*"), direction)
        if "items" in old or "items" in new:
            self.schema(old.get("items", {}), new.get("items", {}), where.child("[]"), direction)

    def _default(self, old: dict[str, Any], new: dict[str, Any], where: Where) -> None:
        """What the server assumes when a client leaves a value out."""
        if "default" in old and "default" in new:
            if old["default"] != new["default"]:
                self.add(
                    "request-default-changed",
                    where,
                    f"default {_show(old['default'])} → {_show(new['default'])}",
                )
        elif "default" in new:
            self.add("request-default-added", where, f"default {_show(new['default'])} was added")
        elif "default" in old:
            self.add(
                "request-default-removed", where, f"default {_show(old['default'])} was removed"
            )

    def _opaque(
        self, old: dict[str, Any], new: dict[str, Any], where: Where, direction: Direction
    ) -> None:
        """Keywords without a 3.0 spelling: added narrows, removed widens, changed changes."""
        for keyword in _OPAQUE:
            was, now = old.get(keyword), new.get(keyword)
            if was is None and now is None:
                continue
            if keyword in _SCHEMA_VALUED:
                was, now = _without_unconstrained(was), _without_unconstrained(now)
            message = f"{keyword} {_show(was)} → {_show(now)}"
            if was is None or now is None:
                self._bound(where, direction, now is not None, message)
            elif was != now and not (
                keyword in _SCHEMA_VALUED
                and isinstance(was, dict)
                and isinstance(now, dict)
                and not self._trial(was, now, where, direction)
            ):
                self.add("constraint-changed", where, message)

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
        if self._text and was is not None and now is not None and (was | now) <= _SCALARS:
            self.add("text-type-changed", where, f"{message}, but the value travels as text")
            return True
        if direction == "request" and _covers(now, was):
            self.add("request-type-widened", where, message)
            return True
        if direction == "response" and _covers(was, now):
            self.add("response-type-narrowed", where, message)
            return True
        self.add("type-changed", where, message)
        return False

    def _enum(
        self,
        old: dict[str, Any],
        new: dict[str, Any],
        where: Where,
        direction: Direction,
        keyword: str = "enum",
    ) -> None:
        """Enum values; an ``x-extensible-enum`` warns clients of new values in advance."""
        was, now = old.get(keyword), new.get(keyword)
        if was is None and now is None:
            return
        if was is None or now is None:
            self._bound(where, direction, now is not None, f"{keyword} {_show(was)} → {_show(now)}")
            return
        added = (
            "response-extensible-enum-value-added"
            if keyword != "enum" and direction == "response"
            else f"{direction}-enum-value-added"
        )
        for value in was:
            if value not in now:
                self.add(
                    f"{direction}-enum-value-removed",
                    where,
                    f"enum value {_show(value)} was removed",
                )
        for value in now:
            if value not in was:
                self.add(added, where, f"enum value {_show(value)} was added")

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
            if keyword == "pattern":
                was, now = _pattern_key(was), _pattern_key(now)
                message = f"pattern {_show(old.get(keyword))} → {_show(new.get(keyword))}"
                if was == now:
                    continue  # one language written two ways, or both match anything
                if was is not None and now is not None:
                    self.add("constraint-changed", where, message)
                elif direction == "response" and now is None:
                    self.add("response-pattern-removed", where, message)
                else:
                    self._bound(where, direction, now is not None, message)
                continue
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
        hidden = "readOnly" if direction == "request" else "writeOnly"
        for name, prop in was.items():
            at = where.property(name)
            if name not in now:
                if direction == "request" and name in new.get("properties", {}):
                    self.add(
                        "request-property-became-read-only",
                        at,
                        f"{name} became read-only: the server ignores it now",
                    )
                else:
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
            moved = name in old.get("properties", {})  # it was there, read-only
            if direction == "response":
                self.add("response-property-added", at, f"{name} was added")
            elif name in now_required and moved:
                self.add(
                    "request-property-became-required",
                    at,
                    f"{name} is no longer {hidden} and is required",
                )
            elif name in now_required and "default" in self.new.schema(now[name])[0]:
                self.add(
                    "request-property-added-required-with-default",
                    at,
                    f"{name} was added as required, with a default for clients that leave it out",
                )
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
        # Variants of one type that all changed (a field gone from every branch): pair each
        # with its closest successor, so the change is named where it is.
        while unpaired_old and unpaired_new and len(unpaired_old) == len(unpaired_new):
            scored = [
                (sum(c.severity == "breaking" for c in trial), len(trial), i, j)
                for i, old_variant in enumerate(unpaired_old)
                for j, new_variant in enumerate(unpaired_new)
                if _types(self.old.schema(old_variant)[0])
                == _types(self.new.schema(new_variant)[0])
                for trial in [self._trial(old_variant, new_variant, where, direction)]
            ]
            if not scored:
                break
            _, _, i, j = min(scored)
            pairs.append((unpaired_old.pop(i), unpaired_new.pop(j)))
        for variant_old, variant_new in pairs:
            self.schema(variant_old, variant_new, where, direction)
        if direction == "request" and "oneOf" in new:
            self._overlap(old, new, where)
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

    def _overlap(self, old: dict[str, Any], new: dict[str, Any], where: Where) -> None:
        """A request ``oneOf`` whose branches newly overlap refuses what matches two.

        ``oneOf`` is not ``anyOf``: a value that matches two branches matches none.
        """

        def overlapping(document: Document, variants: list[Any]) -> list[tuple[str, str]]:
            flat = [document.schema(v)[0] for v in variants]
            return [
                (self._name(document, variants[i]), self._name(document, variants[j]))
                for i in range(len(variants))
                for j in range(i + 1, len(variants))
                if "discriminator" not in new and not _disjoint(flat[i], flat[j])
            ]

        now = overlapping(self.new, new["oneOf"])
        if now and not ("oneOf" in old and overlapping(self.old, old["oneOf"])):
            first, second = now[0]
            self.add(
                "request-variants-overlap",
                where,
                f"oneOf variants {first} and {second} overlap: a value matching both is refused",
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
