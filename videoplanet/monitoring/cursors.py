"""The opaque keyset cursor of the recent-violations list (the API's ``cursor``, the
dashboard's ``before``): a row's ``(last_seen, id)``, the ``before`` position of
``selectors.violation_list``, as URL-safe base64 of a small JSON array."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime


def cursor_encode(last_seen: datetime, violation_id: int) -> str:
    raw = json.dumps([last_seen.isoformat(), violation_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    """The keyset position in ``cursor``; ``ValueError`` when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        last_seen, violation_id = json.loads(raw)
        moment = datetime.fromisoformat(last_seen)
        if not isinstance(violation_id, int) or moment.tzinfo is None:
            raise ValueError(violation_id)
        return moment, violation_id
    except (binascii.Error, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"invalid cursor: {cursor!r}") from exc
