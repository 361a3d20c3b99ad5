"""JSON paths as the diff writes them (``$[].owner.id``, ``$.reactions.*``) and as pacts
and usage records spell them (``$[*].owner.id``), read into one form: a tuple of segments.

A segment is a property name, ``[]`` for any array item, or ``*`` for any property name
(``additionalProperties``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

Path = tuple[str, ...]

ITEM, ANY_KEY = "[]", "*"
_TOKEN = re.compile(r"""\.(\*|[^.\[\]]+)|\[(\*|\d+)?\]|\[("(?:[^"\\]|\\.)*")\]|\['([^']*)'\]""")


class PathError(ValueError):
    """A path that is not ``$`` followed by ``.name``, ``["name"]``, ``[]``, ``[*]`` or ``[0]``."""


def parse(text: str) -> Path:
    """``$[*].owner["e-mail"]`` → ``("[]", "owner", "e-mail")``."""
    text = text.strip()
    if not text.startswith("$"):
        raise PathError(f"a JSON path starts with $: {text!r}")
    segments: list[str] = []
    position = 1
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise PathError(f"cannot read the JSON path {text!r} at {text[position:]!r}")
        name, _index, quoted, single = match.groups()
        if name is not None:
            segments.append(name)
        elif quoted is not None:
            segments.append(json.loads(quoted))
        elif single is not None:
            segments.append(single)
        else:
            segments.append(ITEM)  # [], [*] and [0] all mean "an item of the array"
        position = match.end()
    return tuple(segments)


_PLAIN = re.compile(r"\w+|\*")


def show(path: Path) -> str:
    """The diff's spelling: ``$[].owner.id``."""
    out = "$"
    for segment in path:
        if segment == ITEM:
            out += "[]"
        elif _PLAIN.fullmatch(segment):
            out += f".{segment}"
        else:
            out += f"[{json.dumps(segment, ensure_ascii=False)}]"
    return out


def of_value(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path present in a JSON value, the value's own included."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from of_value(item, (*prefix, str(key)))
    elif isinstance(value, list):
        for item in value:
            yield from of_value(item, (*prefix, ITEM))


def matches(pattern: Path, concrete: Path) -> bool:
    """Segment by segment, ``*`` in ``pattern`` standing for any property name."""
    return len(pattern) == len(concrete) and all(
        p == c or (p == ANY_KEY and c != ITEM) for p, c in zip(pattern, concrete, strict=True)
    )


def touches(changed: Path, used: Path) -> bool:
    """A use of ``used`` depends on ``changed``: it is the changed element or inside it."""
    return len(used) >= len(changed) and matches(changed, used[: len(changed)])
