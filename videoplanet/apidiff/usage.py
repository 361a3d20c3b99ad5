"""The portable usage document: what each consumer did at runtime over a window.

``manage.py usage_export --window 30d`` writes it from the server's hourly roll-ups, so a
CI job can run the impact gate without production database access. Names only, never
values; only documented operations, parameters, fields and message types (anything else
was folded into ``other`` when it was recorded)::

    {
      "format": "videoplanet-usage/1",
      "generated_at": "2026-11-29T12:00:00Z",
      "window": {"start": "2026-10-30T12:00:00Z", "end": "2026-11-29T12:00:00Z"},
      "consumers": {
        "VideoPlanet-Python-SDK": {
          "versions": ["0.4.0"],
          "operations": {
            "GET /api/v1/feedbacks": {
              "calls": 1200, "first_seen": "...", "last_seen": "...",
              "query": {"video_id": 1200, "status": 31},
              "request_fields": {},
              "statuses": {"2xx": 1190, "4xx": 10}
            }
          },
          "messages": {
            "received": {"feedback.created": {"count": 80, "last_seen": "..."}},
            "sent": {"ping": {"count": 12, "last_seen": "..."}}
          }
        }
      }
    }

``request_fields`` keys are JSON paths in the diff's spelling (``$.drawing_data.shapes[]``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .document import DiffError

FORMAT = "videoplanet-usage/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OperationUsage(_Strict):
    calls: int = Field(ge=0)
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    query: dict[str, int] = {}
    request_fields: dict[str, int] = {}
    statuses: dict[str, int] = {}


class MessageUsage(_Strict):
    count: int = Field(ge=0)
    last_seen: dt.datetime | None = None


class MessagesUsage(_Strict):
    received: dict[str, MessageUsage] = {}
    sent: dict[str, MessageUsage] = {}


class ConsumerUsage(_Strict):
    versions: list[str] = []
    operations: dict[str, OperationUsage] = {}
    messages: MessagesUsage = MessagesUsage()


class Window(_Strict):
    start: dt.datetime
    end: dt.datetime


class UsageDocument(_Strict):
    format: str = Field(pattern=r"^videoplanet-usage/1$")
    generated_at: dt.datetime
    window: Window
    consumers: dict[str, ConsumerUsage]


@dataclass(frozen=True)
class Usage:
    """A usage document, and whether it covers the window a verdict needs."""

    document: UsageDocument
    covers: bool = True
    notes: list[str] = field(default_factory=list)

    def consumer(self, name: str) -> ConsumerUsage:
        return self.document.consumers.get(name, ConsumerUsage())

    @property
    def consumers(self) -> list[str]:
        return sorted(self.document.consumers)


def parse_window(text: str) -> dt.timedelta:
    """``30d``, ``12h`` or ``90m``."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit() or int(number) == 0:
        raise DiffError(f"a window is a number of days, hours or minutes (30d, 12h): {text!r}")
    return dt.timedelta(**{units[unit]: int(number)})


def load(path: FilePath, window: dt.timedelta) -> Usage:
    """Read a usage document; ``covers`` is false when it spans less than ``window``."""
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        document = UsageDocument.model_validate(raw)
    except OSError as error:
        raise DiffError(f"cannot read {path}: {error.strerror}") from error
    except ValueError as error:  # JSON or schema (ValidationError is a ValueError)
        detail = error.errors()[0] if isinstance(error, ValidationError) else error
        raise DiffError(f"{path} is not a usage document ({FORMAT}): {detail}") from error
    span = document.window.end - document.window.start
    if span < window:
        days = span.total_seconds() / 86400
        return Usage(
            document,
            covers=False,
            notes=[
                f"the usage document covers {days:.1f} days, less than the"
                f" {window.total_seconds() / 86400:g} days asked for: it cannot show a"
                " consumer is unaffected"
            ],
        )
    return Usage(document)
