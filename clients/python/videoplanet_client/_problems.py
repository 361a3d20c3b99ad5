"""jsonschema-rs errors as ``Problem`` records, and the strings no JSON text can carry (a lone
UTF-16 surrogate) found wherever they are, so a check gives a verdict and never raises."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jsonschema_rs

from ._results import Location, Problem

_MAX_MESSAGE = 200


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
                    o
                    for branch in enums
                    for e in branch
                    if tuple(e.instance_path) == at
                    for o in e.kind.options
                ]
                allowed = ", ".join(json.dumps(o) for o in dict.fromkeys(options))
                out.append(Problem(location, at, f"must be one of {allowed}"))
            else:
                _explain(inner, location, out)
    elif name == "OneOfMultipleValid":
        out.append(Problem(location, path, "matches more than one of the allowed forms"))
    else:
        out.append(Problem(location, path, _message(error)))
