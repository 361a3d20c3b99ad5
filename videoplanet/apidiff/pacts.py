"""What each consumer's pacts say it does: the operations and messages it exercises, the
parameters and request fields it sends, the response and message fields it reads.

Pact files of specification 2 to 4 are read: HTTP interactions (``request``/``response``)
and asynchronous messages (``contents`` in V4, ``contents`` or ``content`` before). A
field counts as read when it is in the interaction's example body: the pact verifier
checks every field there (by equality or by the matcher the consumer chose), and an
``eachLike`` array's example item stands for every item.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from . import paths
from .document import DiffError


@dataclass(frozen=True)
class Interaction:
    """One interaction of one consumer's pact, reduced to what it exercises."""

    consumer: str
    description: str
    file: str
    method: str = ""  # HTTP: the method; a message: ""
    path: str = ""  # HTTP: the concrete request path
    message: str = ""  # a message: its type
    query: frozenset[str] = frozenset()
    headers: frozenset[str] = frozenset()  # request headers, lower case
    sent: frozenset[paths.Path] = frozenset()  # request body paths
    status: int | None = None
    response_headers: frozenset[str] = frozenset()  # lower case
    read: frozenset[paths.Path] = field(default=frozenset())  # response or message paths


def _body(raw: Any) -> Any:
    """A pact body: plain JSON (V2/V3) or V4's ``{"content": ..., "encoded": ...}``."""
    if isinstance(raw, dict) and "content" in raw and ("contentType" in raw or "encoded" in raw):
        content = raw["content"]
        if raw.get("encoded") is False or raw.get("encoded") is None:
            if isinstance(content, str) and "json" in str(raw.get("contentType", "")):
                try:
                    return json.loads(content)
                except ValueError:
                    return content
            return content
        return None  # an encoded (binary) body has no JSON fields
    return raw


def _paths(body: Any) -> frozenset[paths.Path]:
    return frozenset() if body is None else frozenset(paths.of_value(body))


def _interaction(consumer: str, file: str, raw: dict[str, Any]) -> Interaction | None:
    description = str(raw.get("description", ""))
    if "request" in raw:  # HTTP
        request, response = raw.get("request") or {}, raw.get("response") or {}
        query = request.get("query") or {}
        if isinstance(query, str):  # pact V2 spelled the query as a string
            query = {part.split("=", 1)[0]: [] for part in query.split("&") if part}
        return Interaction(
            consumer=consumer,
            description=description,
            file=file,
            method=str(request.get("method", "GET")).upper(),
            path=str(request.get("path", "")),
            query=frozenset(query),
            headers=frozenset(h.lower() for h in request.get("headers") or {}),
            sent=_paths(_body(request.get("body"))),
            status=response.get("status"),
            response_headers=frozenset(h.lower() for h in response.get("headers") or {}),
            read=_paths(_body(response.get("body"))),
        )
    content = _body(raw.get("contents", raw.get("content")))
    if isinstance(content, dict) and isinstance(content.get("type"), str):
        return Interaction(
            consumer=consumer,
            description=description,
            file=file,
            message=content["type"],
            read=_paths(content),
        )
    return None


def load(folder: FilePath) -> list[Interaction]:
    """Every interaction of every pact file (``*.json``) in ``folder``."""
    if not folder.is_dir():
        raise DiffError(f"--pacts {folder}: not a folder")
    found: list[Interaction] = []
    for file in sorted(folder.glob("*.json")):
        try:
            pact = json.loads(file.read_text(encoding="utf-8"))
            consumer = pact["consumer"]["name"]
            raw_interactions = pact.get("interactions") or pact.get("messages") or []
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise DiffError(f"{file} is not a pact file: {error}") from error
        for raw in raw_interactions:
            if isinstance(raw, dict):
                interaction = _interaction(str(consumer), file.name, raw)
                if interaction is not None:
                    found.append(interaction)
    return found


def template_matcher(template: str) -> re.Pattern[str]:
    """``/api/v1/feedbacks/{feedback_id}`` → a pattern for the concrete paths it serves."""
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "/?$")


def on_operation(interactions: Iterable[Interaction], operation: str) -> list[Interaction]:
    """The interactions that exercise ``GET /api/...`` or ``MESSAGE type``."""
    kind, _, target = operation.partition(" ")
    if kind == "MESSAGE":
        return [i for i in interactions if i.message == target]
    matcher = template_matcher(target)
    return [i for i in interactions if i.method == kind and matcher.match(i.path)]
