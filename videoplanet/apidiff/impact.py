"""Who breaks? Each breaking or warning change, attributed to each consumer.

For every change the diff finds that is breaking or a warning, each consumer gets one
verdict, with the evidence for it:

- **Broken**: a pact of the consumer exercises the changed element (the operation, the
  parameter, the request field it sends, the response or message field it reads, or,
  for a newly required element, an interaction that does not send it), or runtime usage
  shows it sending the removed or changed request element (or calling an operation
  that goes away).
- **Potentially affected**: the consumer calls the operation or receives the message
  (pact or runtime, ``--min-calls`` or more in the window) but nothing shows it uses the
  changed element: a response field it may read without a pact saying so.
- **Unaffected**: no pact of the consumer exercises the operation and usage shows no
  call in the window.

Without usage data for the whole window nothing is Unaffected on faith: a consumer
whose pacts do not cover the operation is Potentially affected, and so are the
consumers that have no pact at all (the Apollo rule). A breaking change is never
hidden, only attributed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from . import paths
from .pacts import Interaction, on_operation
from .rules import Change
from .usage import ConsumerUsage, Usage

Verdict = Literal["broken", "potentially-affected", "unaffected"]
VERDICT_ORDER: tuple[Verdict, ...] = ("broken", "potentially-affected", "unaffected")
TITLES = {
    "broken": "Broken",
    "potentially-affected": "Potentially affected",
    "unaffected": "Unaffected",
}
NO_PACT = "(consumers without a pact)"

# Changes every caller of the operation (or sender of the message) meets.
_EVERY_CALLER = frozenset(
    {
        "operation-removed",
        "operation-removed-deprecated",
        "request-body-added-required",
        "request-body-became-required",
        "request-required-body-removed",
        "request-media-type-removed",
        "request-variants-overlap",
        "message-removed",
    }
)
# Changes that break a caller that does not send the element.
_NOW_REQUIRED = frozenset(
    {
        "parameter-added-required",
        "parameter-became-required",
        "request-property-added-required",
        "request-property-became-required",
    }
)
_PARAMETER_PARTS = ("query", "header", "path", "cookie")


@dataclass(frozen=True)
class Attribution:
    consumer: str
    verdict: Verdict
    evidence: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"consumer": self.consumer, "verdict": self.verdict, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class Impact:
    change: Change
    attributions: tuple[Attribution, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**self.change.as_dict(), "consumers": [a.as_dict() for a in self.attributions]}


@dataclass
class _Element:
    """What a change is about, taken apart from its location."""

    operation: str
    side: Literal["operation", "parameter", "request", "response", "header"]
    status: str = ""
    name: str = ""  # a parameter's or header's name
    path: paths.Path = ()

    @classmethod
    def of(cls, change: Change) -> _Element:
        assert change.where is not None, "changes from diff() carry where they are"
        where, part = change.where, change.where.part
        if not part and not where.path:
            return cls(where.operation, "operation")
        if where.operation.startswith("MESSAGE "):  # what clients send is checked as a request
            side: Literal["request", "response"] = (
                "request" if change.kind.startswith("request-") else "response"
            )
            return cls(where.operation, side, path=paths.parse(where.path))
        if part in _PARAMETER_PARTS:
            return cls(where.operation, "parameter", status=part, name=where.path)
        if part.startswith("request"):
            return cls(where.operation, "request", path=paths.parse(where.path or "$"))
        status, _, rest = part.partition(" ")
        if rest.startswith("header"):
            return cls(where.operation, "header", status=status, name=where.path)
        return cls(where.operation, "response", status=status, path=paths.parse(where.path or "$"))


def _status_matches(documented: str, actual: int | None) -> bool:
    if actual is None:
        return False
    if documented == "default":
        return True
    if len(documented) == 3 and documented[1:].upper() == "XX":
        return str(actual)[0] == documented[0]
    return documented == str(actual)


def _when(moment: dt.datetime | None) -> str:
    return "never" if moment is None else moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass
class _Finding:
    broken: list[str] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)

    def verdict(self) -> Verdict | None:
        if self.broken:
            return "broken"
        if self.calls:
            return "potentially-affected"
        return None


def _from_pacts(change: Change, element: _Element, interactions: Sequence[Interaction]) -> _Finding:
    finding = _Finding()
    for interaction in interactions:
        said = f'pact "{interaction.description}" ({interaction.file})'
        if change.kind in _EVERY_CALLER or element.side == "operation":
            if change.kind == "request-media-type-removed" and not interaction.sent:
                finding.calls.append(f"{said} calls it without a body")
            else:
                finding.broken.append(f"{said} exercises {element.operation}")
            continue
        if element.side == "parameter":
            sends = (
                element.name.lower() in interaction.headers
                if element.status == "header"
                else element.status == "path" or element.name in interaction.query
            )
            if change.kind in _NOW_REQUIRED:
                if not sends:
                    finding.broken.append(f"{said} does not send {element.status} {element.name}")
                else:
                    finding.calls.append(f"{said} sends {element.status} {element.name} already")
            elif sends:
                finding.broken.append(f"{said} sends {element.status} {element.name}")
            else:
                finding.calls.append(f"{said} calls it without {element.name}")
            continue
        if element.side == "request":
            if not interaction.sent and not interaction.message:
                finding.calls.append(f"{said} calls it without a body")
                continue
            shown = paths.show(element.path)
            sends = any(paths.touches(element.path, used) for used in interaction.sent)
            if change.kind in _NOW_REQUIRED:
                if not sends:
                    finding.broken.append(f"{said} sends a body without {shown}")
                else:
                    finding.calls.append(f"{said} sends {shown} already")
            elif sends:
                finding.broken.append(f"{said} sends {shown}")
            else:
                finding.calls.append(f"{said} does not send {shown}")
            continue
        if not interaction.message and not _status_matches(element.status, interaction.status):
            finding.calls.append(f"{said} expects {interaction.status}, not {element.status}")
            continue
        if element.side == "header":
            if element.name.lower() in interaction.response_headers:
                finding.broken.append(f"{said} reads the {element.name} header")
            else:
                finding.calls.append(f"{said} does not read the {element.name} header")
            continue
        shown = paths.show(element.path)
        if any(paths.touches(element.path, used) for used in interaction.read):
            finding.broken.append(f"{said} reads {shown}")
        else:
            finding.calls.append(f"{said} does not read {shown}")
    return finding


def _from_usage(
    change: Change, element: _Element, usage: ConsumerUsage, min_calls: int
) -> _Finding:
    finding = _Finding()
    if element.operation.startswith("MESSAGE "):
        message = element.operation.removeprefix("MESSAGE ")
        sent, received = usage.messages.sent.get(message), usage.messages.received.get(message)
        if sent is not None and sent.count >= min_calls:
            seen = f"sent {message} {sent.count} times, last {_when(sent.last_seen)}"
            if change.kind in _EVERY_CALLER or change.kind.startswith("request-"):
                finding.broken.append(f"runtime: {seen}")
            else:
                finding.calls.append(f"runtime: {seen}")
        if received is not None and received.count >= min_calls:
            finding.calls.append(
                f"runtime: its rooms received {message} {received.count} times,"
                f" last {_when(received.last_seen)}"
            )
        return finding
    calls = usage.operations.get(element.operation)
    if calls is None or calls.calls < min_calls:
        return finding
    seen = f"{calls.calls} calls, last {_when(calls.last_seen)}"
    if change.kind in _EVERY_CALLER or element.side == "operation":
        finding.broken.append(f"runtime: {seen}")
    elif element.side == "parameter" and element.status == "query":
        sending = calls.query.get(element.name, 0)
        if change.kind in _NOW_REQUIRED and sending < calls.calls:
            finding.broken.append(
                f"runtime: {calls.calls - sending} of {seen} sent no {element.name}"
            )
        elif change.kind not in _NOW_REQUIRED and sending:
            finding.broken.append(f"runtime: sent {element.name} in {sending} of {seen}")
        else:
            finding.calls.append(f"runtime: {seen}")
    elif element.side == "request":
        sending = sum(
            count
            for name, count in calls.request_fields.items()
            if paths.touches(element.path, paths.parse(name))
        )
        shown = paths.show(element.path)
        if change.kind in _NOW_REQUIRED and sending < calls.calls:
            finding.broken.append(f"runtime: {calls.calls - sending} of {seen} sent no {shown}")
        elif change.kind not in _NOW_REQUIRED and sending:
            finding.broken.append(f"runtime: sent {shown} {sending} times in {seen}")
        else:
            finding.calls.append(f"runtime: {seen}")
    else:
        finding.calls.append(f"runtime: {seen} (runtime cannot see which fields it reads)")
    return finding


def attribute(
    change: Change,
    interactions: Sequence[Interaction],
    usage: Usage | None,
    *,
    min_calls: int = 1,
    ignore: Iterable[str] = (),
) -> Impact:
    """Every consumer's verdict on one change."""
    element = _Element.of(change)
    ignored = set(ignore)
    pact_consumers = {i.consumer for i in interactions}
    consumers = sorted((pact_consumers | set(usage.consumers if usage else ())) - ignored)
    exercised = on_operation(interactions, element.operation)
    known = usage is not None and usage.covers
    attributions: list[Attribution] = []
    for consumer in consumers:
        mine = [i for i in exercised if i.consumer == consumer]
        finding = _from_pacts(change, element, mine)
        if usage is not None:
            runtime = _from_usage(change, element, usage.consumer(consumer), min_calls)
            finding.broken += runtime.broken
            finding.calls += runtime.calls
        found = finding.verdict()
        evidence: tuple[str, ...]
        if found is not None:
            verdict: Verdict = found
            evidence = tuple(finding.broken if found == "broken" else finding.calls)
        elif known:
            verdict = "unaffected"
            evidence = ("no pact interaction exercises it and no runtime call in the window",)
        else:
            verdict = "potentially-affected"
            evidence = (
                "no pact interaction exercises it, and there is no usage data for the"
                " window to show it is not called",
            )
        attributions.append(Attribution(consumer, verdict, evidence))
    if not known and NO_PACT not in ignored:
        attributions.append(
            Attribution(
                NO_PACT,
                "potentially-affected",
                ("no usage data for the window: consumers that have no pact may call it",),
            )
        )
    return Impact(change, tuple(attributions))


def impacts(
    changes: Iterable[Change],
    interactions: Sequence[Interaction],
    usage: Usage | None,
    *,
    min_calls: int = 1,
    ignore: Iterable[str] = (),
) -> list[Impact]:
    """The breaking and warning changes, each attributed."""
    return [
        attribute(change, interactions, usage, min_calls=min_calls, ignore=ignore)
        for change in changes
        if change.severity in ("breaking", "warning")
    ]


def exit_code(found: Sequence[Impact]) -> int:
    """0: nobody affected; 1: someone Broken; 3: only Potentially affected."""
    verdicts = {a.verdict for impact in found for a in impact.attributions}
    if "broken" in verdicts:
        return 1
    if "potentially-affected" in verdicts:
        return 3
    return 0


def report(found: Sequence[Impact], notes: Sequence[str] = ()) -> str:
    """change → consumer → verdict → evidence, then who is affected by what."""
    lines: list[str] = [f"note: {note}" for note in notes]
    if notes:
        lines.append("")
    if not found:
        lines.append("No breaking or warning change: no consumer is affected.")
        return "\n".join(lines)
    width = max((len(a.consumer) for i in found for a in i.attributions), default=10)
    for impact in found:
        change = impact.change
        lines.append(f"{change.severity.upper()}  {change.kind}  {change.location}")
        lines.append(f"    {change.message}")
        for attribution in impact.attributions:
            title = TITLES[attribution.verdict]
            lines.append(
                f"    {attribution.consumer:<{width}}  {title:<20}  {attribution.evidence[0]}"
            )
            for more in attribution.evidence[1:3]:
                lines.append(f"    {'':<{width}}  {'':<20}  {more}")
            if len(attribution.evidence) > 3:
                lines.append(
                    f"    {'':<{width}}  {'':<20}  ... and {len(attribution.evidence) - 3} more"
                )
        lines.append("")
    for verdict in ("broken", "potentially-affected"):
        who = sorted({a.consumer for i in found for a in i.attributions if a.verdict == verdict})
        lines.append(f"{TITLES[verdict]}: {', '.join(who) if who else 'nobody'}")
    return "\n".join(lines)


# Who uses it? -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    consumer: str
    source: Literal["pact", "runtime"]
    detail: str

    def as_dict(self) -> dict[str, str]:
        return {"consumer": self.consumer, "source": self.source, "detail": self.detail}


def who_uses(
    operation: str,
    path: paths.Path | None,
    interactions: Sequence[Interaction],
    usage: Usage | None,
) -> list[Use]:
    """Every pact interaction and runtime record that touches an operation or message
    (``path`` None), or one field of it (in its request, response or message body)."""
    found: list[Use] = []
    shown = "" if path is None else f" {paths.show(path)}"
    for interaction in on_operation(interactions, operation):
        said = f'"{interaction.description}" ({interaction.file})'
        if path is None:
            found.append(Use(interaction.consumer, "pact", f"{said} exercises it"))
            continue
        if any(paths.touches(path, used) for used in interaction.sent):
            found.append(Use(interaction.consumer, "pact", f"{said} sends{shown}"))
        if any(paths.touches(path, used) for used in interaction.read):
            found.append(Use(interaction.consumer, "pact", f"{said} reads{shown}"))
    if usage is None:
        return found
    for consumer in usage.consumers:
        record = usage.consumer(consumer)
        if operation.startswith("MESSAGE "):
            message = operation.removeprefix("MESSAGE ")
            for verb, seen in (
                ("received", record.messages.received.get(message)),
                ("sent", record.messages.sent.get(message)),
            ):
                if seen is not None and seen.count:
                    found.append(
                        Use(
                            consumer,
                            "runtime",
                            f"{verb} {seen.count} times, last {_when(seen.last_seen)}",
                        )
                    )
            continue
        calls = record.operations.get(operation)
        if calls is None or not calls.calls:
            continue
        last = f"last {_when(calls.last_seen)}"
        if path is None:
            found.append(Use(consumer, "runtime", f"{calls.calls} calls, {last}"))
            continue
        sent = sum(
            count
            for name, count in calls.request_fields.items()
            if paths.touches(path, paths.parse(name))
        )
        if sent:
            found.append(Use(consumer, "runtime", f"sent{shown} in {sent} calls, {last}"))
        else:
            found.append(
                Use(
                    consumer,
                    "runtime",
                    f"{calls.calls} calls, {last}; runtime cannot see which response fields"
                    " it reads",
                )
            )
    return found


def documented(documents: dict[str, dict[str, Any]]) -> dict[str, dict[str, set[paths.Path]]]:
    """Every documented operation and message, with the field paths of its request
    (``request`` and ``query``) and of its responses and payloads (``response``)."""
    from .document import Document

    found: dict[str, dict[str, set[paths.Path]]] = {}
    for kind, raw in documents.items():
        document = Document(raw, kind)
        for (_, method), (template, item, operation) in document.operations().items():
            entry = found.setdefault(
                f"{method.upper()} {template}",
                {"request": set(), "query": set(), "response": set()},
            )
            for (place, name), _ in document.parameters(template, item, operation).items():
                if place == "query":
                    entry["query"].add((str(name),))
            body = document.resolve(operation.get("requestBody"))[0] or {}
            for media in (body.get("content") or {}).values():
                entry["request"] |= _fields(document, media.get("schema", {}))
            for response in (operation.get("responses") or {}).values():
                response = document.resolve(response)[0] or {}
                for media in (response.get("content") or {}).values():
                    entry["response"] |= _fields(document, media.get("schema", {}))
        for name, (direction, payload) in document.messages().items():
            side = "request" if direction == "request" else "response"
            entry = found.setdefault(
                f"MESSAGE {name}", {"request": set(), "query": set(), "response": set()}
            )
            entry[side] |= _fields(document, payload)
    return found


def _fields(
    document: Any, schema: Any, prefix: paths.Path = (), seen: frozenset[str] = frozenset()
) -> set[paths.Path]:
    flat, refs = document.schema(schema)
    if refs & seen or len(prefix) > 12:
        return set()
    seen |= refs
    out: set[paths.Path] = set()
    for variant in flat.get("oneOf", []) + flat.get("anyOf", []):
        out |= _fields(document, variant, prefix, seen)
    for name, prop in (flat.get("properties") or {}).items():
        out.add((*prefix, name))
        out |= _fields(document, prop, (*prefix, name), seen)
    if isinstance(flat.get("items"), dict):
        out |= _fields(document, flat["items"], (*prefix, paths.ITEM), seen)
    extra = flat.get("additionalProperties")
    if isinstance(extra, dict) and extra:
        out |= _fields(document, extra, (*prefix, paths.ANY_KEY), seen)
    return out


def unused(
    documents: dict[str, dict[str, Any]], interactions: Sequence[Interaction], usage: Usage
) -> list[str]:
    """Documented operations, parameters and fields no consumer used in the window.

    Request parameters and fields count as used when a pact or runtime traffic sends
    them; response fields when a pact reads them (runtime cannot see reads, so these
    lines say "no pact reads it"). Runtime counts the client messages a consumer sent by
    type, not their fields: the fields of a client message some consumer sent in the
    window are never called "never sent".
    """
    lines: list[str] = []
    for operation, fields in sorted(documented(documents).items()):
        exercised = on_operation(interactions, operation)
        records = [usage.consumer(name) for name in usage.consumers]
        if operation.startswith("MESSAGE "):
            message = operation.removeprefix("MESSAGE ")
            calls = sum(
                (r.messages.received.get(message) or r.messages.sent.get(message) or _NONE).count
                for r in records
            )
            sent_names: set[paths.Path] = set()
            query_names: set[str] = set()
            if any((r.messages.sent.get(message) or _NONE).count for r in records):
                sent_names = set(fields["request"])  # sent, with fields runtime did not name
        else:
            used = [r.operations[operation] for r in records if operation in r.operations]
            calls = sum(u.calls for u in used)
            sent_names = {paths.parse(n) for u in used for n, c in u.request_fields.items() if c}
            query_names = {n for u in used for n, c in u.query.items() if c}
        if not exercised and not calls:
            lines.append(f"{operation}: no pact exercises it and no consumer called it")
            continue
        for (name,) in sorted(fields["query"]):
            if name not in query_names and not any(name in i.query for i in exercised):
                lines.append(f"{operation} query {name}: never sent")
        sent = {p for i in exercised for p in i.sent} | sent_names
        for field_path in sorted(fields["request"]):
            if not any(paths.touches(field_path, p) for p in sent):
                lines.append(f"{operation} request {paths.show(field_path)}: never sent")
        read = {p for i in exercised for p in i.read}
        for field_path in sorted(fields["response"]):
            if not any(paths.touches(field_path, p) for p in read):
                lines.append(f"{operation} {paths.show(field_path)}: no pact reads it")
    return lines


@dataclass(frozen=True)
class _NoMessage:
    count: int = 0


_NONE = _NoMessage()


def release_blockers(
    released: dict[str, Any],
    current: dict[str, Any],
    interactions: Sequence[Interaction],
    usage: Usage | None,
) -> list[Impact]:
    """The release gate: the breaking changes since ``released`` that ``current`` may not
    ship without a new major version.

    A breaking change is let through only when usage data covers the whole window and
    every consumer (those with pacts and those seen at runtime) is Unaffected by it: no
    usage data, or usage for less than the window, clears nothing. Each blocker comes
    with its verdicts, so the failure says who breaks.
    """
    from .differ import unversioned_breaking_changes

    changes = unversioned_breaking_changes(released, current)
    found = [attribute(change, interactions, usage) for change in changes]
    if usage is None or not usage.covers:
        return found
    return [f for f in found if any(a.verdict != "unaffected" for a in f.attributions)]
