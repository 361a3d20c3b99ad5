"""``python -m videoplanet.contracts diff OLD NEW [--json]``: the report and exit codes.

OLD is a document, or a folder of released documents (the one with the highest
``info.version`` is used); NEW is a document. Exit code 0 when nothing breaks, 1 when
something does, 2 for bad arguments and unreadable or unsupported documents.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from .differ import diff, major_went_up
from .document import RELEASED, DiffError, documents_in, load
from .rules import SEVERITIES, Change


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
        allowed = major_went_up(old, new)
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
    except Exception as error:  # a crash is not a verdict: never exit 1 ("breaking") on one
        print(
            f"diff: internal error ({type(error).__name__}: {error}); the documents were"
            " not compared",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(json.dumps([change.as_dict() for change in changes], indent=2, ensure_ascii=False))
    else:
        print(text)
    return 1 if any(change.severity == "breaking" for change in changes) else 0


def _impact_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m videoplanet.contracts impact",
        description=(
            "Which consumer each breaking or warning change breaks, from their pacts and"
            " from runtime usage. Exit 0: nobody affected; 1: a consumer is Broken;"
            " 3: only Potentially affected; 2: usage or input errors."
        ),
    )
    parser.add_argument("old", type=Path, help="the old OpenAPI/AsyncAPI document, or a folder")
    parser.add_argument("new", type=Path, help="the new document, or a folder")
    parser.add_argument("--pacts", type=Path, required=True, help="a folder of pact files")
    parser.add_argument("--usage", type=Path, help="a usage document (manage.py usage_export)")
    parser.add_argument("--window", default="30d", help="how far back usage counts (30d)")
    parser.add_argument(
        "--min-calls", type=int, default=1, help="calls in the window that count as using it"
    )
    parser.add_argument(
        "--ignore-consumer", action="append", default=[], metavar="NAME", help="leave one out"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    try:
        return parser.parse_args(argv)
    except SystemExit as exit_:  # argparse has printed the usage
        return 0 if exit_.code == 0 else 2


def impact_main(argv: list[str]) -> int:
    from . import impact, pacts, usage

    args = _parse(_impact_parser(), argv)
    if isinstance(args, int):
        return args
    try:
        window = usage.parse_window(args.window)
        old, new = documents_in(args.old), documents_in(args.new)
        interactions = pacts.load(args.pacts)
        recorded = usage.load(args.usage, window) if args.usage else None
        notes = list(recorded.notes) if recorded else ["no usage data: nothing is Unaffected"]
        changes: list[Change] = []
        for kind in ("openapi", "asyncapi"):
            if kind in old and kind in new:
                changes += diff(old[kind], new[kind])
            elif kind in old or kind in new:
                notes.append(f"{kind}: a document on one side only, not compared")
        found = impact.impacts(
            changes,
            interactions,
            recorded,
            min_calls=max(args.min_calls, 1),
            ignore=args.ignore_consumer,
        )
    except DiffError as error:
        print(f"impact: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a crash is not a verdict
        print(f"impact: internal error ({type(error).__name__}: {error})", file=sys.stderr)
        return 2
    code = impact.exit_code(found)
    if args.json:
        print(
            json.dumps(
                {"exit_code": code, "notes": notes, "changes": [i.as_dict() for i in found]},
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print(impact.report(found, notes))
    return code


def _who_uses_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m videoplanet.contracts who-uses",
        description=(
            "Every consumer, pact interaction and runtime use of an operation"
            " ('GET /api/v1/feedbacks') or message type ('feedback.created'), or of one"
            " field of it ('$[*].screenshot_url'); or, with --unused, every documented"
            " operation and field nobody used."
        ),
    )
    parser.add_argument("operation", nargs="?", help="'METHOD /path' or a message type")
    parser.add_argument("path", nargs="?", help="a JSON path in its body ($[*].name)")
    parser.add_argument("--pacts", type=Path, required=True, help="a folder of pact files")
    parser.add_argument("--usage", type=Path, help="a usage document (manage.py usage_export)")
    parser.add_argument("--window", default="30d", help="how far back usage counts (30d)")
    parser.add_argument(
        "--unused", metavar="WINDOW", help="list what no consumer used in WINDOW (30d)"
    )
    parser.add_argument(
        "--documents",
        type=Path,
        default=RELEASED.parent,
        help="the OpenAPI/AsyncAPI documents --unused lists from (contracts/)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    return parser


def who_uses_main(argv: list[str]) -> int:
    """Exit 0 with what was found (or nothing), 2 for usage errors."""
    from . import impact, pacts, paths, usage

    parser = _who_uses_parser()
    args = _parse(parser, argv)
    if isinstance(args, int):
        return args
    try:
        interactions = pacts.load(args.pacts)
        if args.unused:
            if not args.usage:
                raise DiffError("--unused needs --usage: without it every field looks unused")
            recorded = usage.load(args.usage, usage.parse_window(args.unused))
            if not recorded.covers:
                raise DiffError(recorded.notes[0])
            lines = impact.unused(documents_in(args.documents), interactions, recorded)
            print(json.dumps(lines, indent=2) if args.json else "\n".join(lines) or "all used")
            return 0
        if not args.operation:
            parser.print_usage(sys.stderr)
            return 2
        operation = args.operation.strip()
        if " " not in operation:
            operation = f"MESSAGE {operation}"
        method, _, rest = operation.partition(" ")
        operation = f"{method.upper()} {rest.strip()}" if method.upper() != "MESSAGE" else operation
        path = paths.parse(args.path) if args.path else None
        known = usage.load(args.usage, usage.parse_window(args.window)) if args.usage else None
        uses = impact.who_uses(operation, path, interactions, known)
    except (DiffError, paths.PathError) as error:
        print(f"who-uses: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([use.as_dict() for use in uses], indent=2, ensure_ascii=False))
    elif not uses:
        print(f"No consumer uses {operation}{' ' + args.path if args.path else ''}.")
    else:
        width = max(len(use.consumer) for use in uses)
        for use in uses:
            print(f"{use.consumer:<{width}}  {use.source:<7}  {use.detail}")
    return 0
