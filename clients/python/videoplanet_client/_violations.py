"""A contract violation seen at run time, and the one interface every observer reports to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

ViolationType = Literal["request", "response", "message"]
Direction = Literal["incoming", "outgoing"]


@dataclass(frozen=True, slots=True)
class ContractViolation:
    """One message that broke the contract, as seen by ``source``.

    endpoint: the path template (``/api/v1/feedbacks/{feedback_id}``) or, for a room
    message, its type (``feedback.created``); method: the HTTP method, ``WS`` for room
    messages; type: request, response or message; direction: relative to the observer
    (a request is outgoing for the SDK, incoming for the server).
    """

    source: str
    endpoint: str
    method: str
    type: ViolationType
    direction: Direction
    errors: tuple[str, ...]
    status: int | None = None
    observed_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def key(self) -> str:
        """How violations aggregate (docs/contract-testing.md §6.1): ``METHOD:endpoint:type``."""
        return f"{self.method}:{self.endpoint}:{self.type}"


class ViolationRecorder(Protocol):
    """Where contract violations go: logs, memory, a monitor, a database."""

    def record(self, violation: ContractViolation) -> None: ...
