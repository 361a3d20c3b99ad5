"""``python -m videoplanet_client``: the common calls from a shell.

    python -m videoplanet_client --base-url http://127.0.0.1:8000 --token vp_... \\
        feedbacks list VIDEO_ID [--status open] [--priority high] [--json]
    python -m videoplanet_client feedbacks create VIDEO_ID --timestamp 30.5 \\
        --content "Button alignment issue" [--priority high] [--screenshot shot.png] [--json]
    python -m videoplanet_client me [--json]

``--base-url`` and ``--token`` default to $VIDEOPLANET_BASE_URL and $VIDEOPLANET_TOKEN.
Output is a table for people, or JSON with ``--json``. An API error prints its code and
message (and field details) on stderr and exits with 1; so does a network failure.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from ._client import Client
from ._errors import APIError, VideoPlanetError
from ._models import Feedback, User

PRIORITIES = ("low", "medium", "high", "critical")
STATUSES = ("open", "in_progress", "resolved", "closed")
CONTENT_WIDTH = 60


def _jsonable(value: Any) -> Any:
    """Models as plain JSON values, datetimes as ISO 8601."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = [headers, *rows]
    return "\n".join(
        "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


def _clip(text: str, width: int = CONTENT_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _seconds(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def feedback_table(feedbacks: Sequence[Feedback]) -> str:
    headers = ("TIME", "PRIORITY", "STATUS", "AUTHOR", "ID", "CONTENT")
    rows = [
        (
            _seconds(f.timestamp) + (f"–{_seconds(f.timestamp_end)}" if f.timestamp_end else ""),
            f.priority,
            f.status,
            f.user.name,
            f.id,
            _clip(f.content),
        )
        for f in feedbacks
    ]
    return _table(headers, rows)


def user_table(user: User) -> str:
    return _table(("ID", "NAME", "EMAIL"), [(user.id, user.name, user.email)])


# -- commands ------------------------------------------------------------------------------


def _feedbacks_list(client: Client, args: argparse.Namespace) -> tuple[Any, str]:
    items = list(
        client.feedbacks.list(
            video_id=args.video_id,
            status=args.status,
            priority=args.priority,
            time_from=args.time_from,
            time_to=args.time_to,
        )
    )
    text = feedback_table(items) if items else "No feedback."
    return items, text


def _feedbacks_create(client: Client, args: argparse.Namespace) -> tuple[Any, str]:
    screenshot = Path(args.screenshot).read_bytes() if args.screenshot else None
    feedback = client.feedbacks.create(
        video_id=args.video_id,
        timestamp=args.timestamp,
        timestamp_end=args.timestamp_end,
        content=args.content,
        priority=args.priority,
        screenshot=screenshot,
    )
    return feedback, feedback_table([feedback])


def _me(client: Client, args: argparse.Namespace) -> tuple[Any, str]:
    user = client.me()
    return user, user_table(user)


Command = Callable[[Client, argparse.Namespace], tuple[Any, str]]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m videoplanet_client",
        description="VideoPlanet from the command line.",
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get("VIDEOPLANET_BASE_URL"),
        help="server root, e.g. http://127.0.0.1:8000 (default: $VIDEOPLANET_BASE_URL)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("VIDEOPLANET_TOKEN"),
        help="API token (default: $VIDEOPLANET_TOKEN)",
    )
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds (default: 10)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    # Subcommands accept --json too; SUPPRESS keeps them from resetting the global flag.
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    me = commands.add_parser("me", parents=[output], help="who the token belongs to")
    me.set_defaults(run=_me)

    feedbacks = commands.add_parser("feedbacks", help="list or post feedback on a video")
    actions = feedbacks.add_subparsers(dest="action", required=True, metavar="ACTION")

    listing = actions.add_parser("list", parents=[output], help="a video's feedback")
    listing.add_argument("video_id")
    listing.add_argument("--status", choices=STATUSES)
    listing.add_argument("--priority", choices=PRIORITIES)
    listing.add_argument("--from", dest="time_from", type=float, metavar="SECONDS")
    listing.add_argument("--to", dest="time_to", type=float, metavar="SECONDS")
    listing.set_defaults(run=_feedbacks_list)

    create = actions.add_parser("create", parents=[output], help="post feedback")
    create.add_argument("video_id")
    create.add_argument("--timestamp", type=float, required=True, metavar="SECONDS")
    create.add_argument("--timestamp-end", type=float, metavar="SECONDS")
    create.add_argument("--content", required=True)
    create.add_argument("--priority", choices=PRIORITIES)
    create.add_argument("--screenshot", metavar="PATH", help="a PNG, JPEG or WebP file")
    create.set_defaults(run=_feedbacks_create)
    return parser


def _report(error: VideoPlanetError, *, as_json: bool, stderr: TextIO) -> None:
    if isinstance(error, APIError):
        if as_json:
            envelope = {"code": error.code, "message": error.message, "details": error.details}
            print(json.dumps({"status": error.status, **envelope}), file=stderr)
            return
        print(f"error: {error.code}: {error.message}", file=stderr)
        for field, problems in error.details.items():
            for problem in problems:
                print(f"  {field}: {problem}", file=stderr)
        return
    if as_json:
        print(json.dumps({"code": type(error).__name__, "message": str(error)}), file=stderr)
    else:
        print(f"error: {type(error).__name__}: {error}", file=stderr)


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.base_url:
        parser.error("--base-url (or $VIDEOPLANET_BASE_URL) is required")
    run: Command = args.run
    try:
        with Client(base_url=args.base_url, token=args.token, timeout=args.timeout) as client:
            result, text = run(client, args)
    except VideoPlanetError as error:
        _report(error, as_json=args.json, stderr=err)
        return 1
    except (OSError, ValueError) as error:  # an unreadable screenshot, a bad --base-url
        print(f"error: {error}", file=err)
        return 1
    print(
        json.dumps(_jsonable(result), indent=2, ensure_ascii=False) if args.json else text, file=out
    )
    return 0
