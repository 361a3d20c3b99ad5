"""`WebSocketContract` (docs/contract-testing.md §4.2) in Python: one schema per message type.

    contract = WebSocketContract()
    contract.define_message("feedback.created", FeedbackCreated)
    contract.validate_outgoing({"type": ..., "payload": {...}})  # ValidationResult
    contract.parse_incoming(raw_json)                            # ParseResult
    contract.violations(); contract.clear_violations()

Errors name the field path and the problem, e.g. ``payload.id: invalid uuid``. Every
failed check is recorded as a violation (direction, type, errors, timestamp) and passed
to the optional ``on_violation`` callback (logged when there is none). The server's own
room contracts report to the same recorders as the HTTP middleware
(``videoplanet.contracts.violations``).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError
from videoplanet_client.contract import ContractViolation

from videoplanet.api.parsers import json_loads

from . import events

logger = logging.getLogger(__name__)

Direction = Literal["incoming", "outgoing"]

_SHORT_MESSAGES = {
    "uuid_parsing": "invalid uuid",
    "uuid_type": "invalid uuid",
    "missing": "required",
    "extra_forbidden": "unexpected field",
    "datetime_parsing": "invalid datetime",
    "datetime_from_date_parsing": "invalid datetime",
    "datetime_type": "invalid datetime",
    "float_type": "expected number",
    "int_type": "expected integer",
    "string_type": "expected string",
    "list_type": "expected array",
    "dict_type": "expected object",
    "model_type": "expected object",
}


@dataclass(frozen=True)
class ValidationResult:
    valid: bool
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ParsedMessage:
    type: str
    payload: BaseModel


@dataclass(frozen=True)
class ParseResult:
    success: bool
    data: ParsedMessage | None = None
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Violation:
    direction: Direction
    type: str
    errors: list[str]
    timestamp: str


def pydantic_errors(exc: ValidationError, prefix: str = "payload") -> list[str]:
    out = []
    for error in exc.errors(include_url=False):
        path = ".".join([prefix, *(str(part) for part in error["loc"])])
        problem = _SHORT_MESSAGES.get(error["type"]) or error["msg"]
        if error["type"] == "value_error":
            problem = str(error.get("ctx", {}).get("error", problem))
        out.append(f"{path}: {problem}")
    return out


class WebSocketContract:
    def __init__(
        self,
        messages: Mapping[str, type[BaseModel]] | None = None,
        *,
        on_violation: Callable[[Violation], None] | None = None,
        keep: int = 1000,
    ) -> None:
        self._schemas: dict[str, type[BaseModel]] = dict(messages or {})
        self._violations: deque[Violation] = deque(maxlen=keep)
        self._lock = threading.Lock()
        self.on_violation = on_violation

    def define_message(self, type_: str, model: type[BaseModel]) -> None:
        self._schemas[type_] = model

    def _check(self, message: Any) -> tuple[str, BaseModel | None, list[str]]:
        if not isinstance(message, dict):
            return "unknown", None, ["message: expected an object with type and payload"]
        type_ = message.get("type")
        if not isinstance(type_, str):
            return "unknown", None, ["type: required string"]
        schema = self._schemas.get(type_)
        if schema is None:
            return type_, None, [f"type: unknown message type {type_!r}"]
        if "payload" not in message:
            return type_, None, ["payload: required"]
        try:
            return type_, schema.model_validate(message["payload"]), []
        except ValidationError as exc:
            return type_, None, pydantic_errors(exc)

    def validate_outgoing(self, message: Any) -> ValidationResult:
        type_, _, errors = self._check(message)
        if errors:
            self._record("outgoing", type_, errors)
            return ValidationResult(False, errors)
        return ValidationResult(True)

    def parse_incoming(self, raw: str | bytes) -> ParseResult:
        try:
            message = json_loads(raw)  # strict, and never RecursionError on deep nesting
        except (ValueError, UnicodeDecodeError):
            errors = ["message: not valid JSON"]
            self._record("incoming", "unknown", errors)
            return ParseResult(False, errors=errors)
        type_, payload, errors = self._check(message)
        if errors or payload is None:
            self._record("incoming", type_, errors)
            return ParseResult(False, errors=errors)
        return ParseResult(True, ParsedMessage(type_, payload))

    def _record(self, direction: Direction, type_: str, errors: list[str]) -> None:
        violation = Violation(
            direction=direction,
            type=type_,
            errors=errors,
            timestamp=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        )
        with self._lock:
            self._violations.append(violation)
        if self.on_violation is None:
            logger.warning("websocket contract violation (%s %s): %s", direction, type_, errors)
        else:
            try:
                self.on_violation(violation)
            except Exception:  # a broken reporter must not break the room
                logger.exception("violation reporter failed")

    def violations(self) -> list[Violation]:
        with self._lock:
            return list(self._violations)

    def clear_violations(self) -> None:
        with self._lock:
            self._violations.clear()


def report_violation(violation: Violation) -> None:
    """Hand a room violation to the server's recorders, like the HTTP middleware does."""
    from videoplanet.contracts.violations import SOURCE, record

    record(
        ContractViolation(
            source=SOURCE,
            endpoint=violation.type,
            method="WS",
            type="message",
            direction=violation.direction,
            errors=tuple(violation.errors),
        )
    )


def server_contract(*, report: bool = False) -> WebSocketContract:
    """What the server sends (validated before sending); ``report``: to the recorders."""
    return WebSocketContract(
        events.SERVER_EVENTS, on_violation=report_violation if report else None
    )


def client_contract(*, report: bool = False) -> WebSocketContract:
    """What the server accepts from clients; ``report``: violations go to the recorders."""
    return WebSocketContract(
        events.CLIENT_MESSAGES, on_violation=report_violation if report else None
    )
