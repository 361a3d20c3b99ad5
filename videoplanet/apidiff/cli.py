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
from .document import DiffError, load
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
