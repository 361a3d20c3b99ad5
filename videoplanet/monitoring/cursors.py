"""The keyset cursor of the recent-violations list (the API's ``cursor``, the dashboard's
``before``): a row's ``(last_seen, id)``, the ``before`` position of
``selectors.violation_list``, in the API's one cursor codec (``videoplanet.api.pagination``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from videoplanet.api.pagination import Keyset


def _violation_position(position: list[Any]) -> tuple[datetime, int]:
    last_seen, violation_id = position
    moment = datetime.fromisoformat(last_seen)
    if not isinstance(violation_id, int) or isinstance(violation_id, bool):
        raise ValueError(violation_id)
    if moment.tzinfo is None:
        raise ValueError(last_seen)
    return moment, violation_id


VIOLATION_KEYSET = Keyset[tuple[datetime, int]](
    dump=lambda position: [position[0].isoformat(), position[1]], parse=_violation_position
)


def cursor_encode(last_seen: datetime, violation_id: int) -> str:
    return VIOLATION_KEYSET.encode((last_seen, violation_id))


def cursor_decode(cursor: str) -> tuple[datetime, int]:
    """The keyset position in ``cursor``; ``ValueError`` (InvalidCursor) when it is not one."""
    return VIOLATION_KEYSET.position(cursor)
