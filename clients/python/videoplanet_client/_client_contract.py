"""The SDK's runtime check of what it sends and receives (docs/contract-testing.md §3.2)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import unquote

import httpx

from ._errors import ContractViolationError
from ._recorders import LoggingRecorder
from ._requests import API_PREFIX
from ._results import _invalid
from ._validator import NO_BODY, SchemaValidator, bundled_validator
from ._violations import ContractViolation, ViolationRecorder

Mode = Literal["off", "report", "enforce"]
MODES: tuple[Mode, ...] = ("off", "report", "enforce")


class ClientContract:
    """Checks what a client sends and receives against the OpenAPI document.

    mode: ``off``; ``report`` records a bad request and sends it anyway; ``enforce``
    records it and raises ``ContractViolationError`` instead of sending. Responses are
    checked in both modes and their violations only recorded: a surprising answer is
    the server's problem to hear about, not a reason to lose it.
    """

    def __init__(
        self,
        mode: Mode,
        recorder: ViolationRecorder | None = None,
        *,
        validator: SchemaValidator | None = None,
        source: str = "videoplanet-client",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"contract_validation must be one of {', '.join(MODES)}")
        self.mode = mode
        self.recorder: ViolationRecorder = recorder or LoggingRecorder()
        self._validator = validator
        self.source = source

    @property
    def validator(self) -> SchemaValidator:
        if self._validator is None:
            self._validator = bundled_validator()
        return self._validator

    @staticmethod
    def _api_path(url: httpx.URL) -> str:
        path = unquote(url.path)
        at = path.find(API_PREFIX + "/")
        return path[at:] if at > 0 else path

    def check_request(self, request: httpx.Request, body: Any) -> None:
        """``body``: the JSON the request carries, None for none (httpx sends no ``null``)."""
        if self.mode == "off":
            return
        if body is None:
            body = NO_BODY
        path = self._api_path(request.url)
        params = request.url.params
        query = {name: params.get_list(name) for name in params}
        result = self.validator.validate_request(path, request.method, body, query=query)
        if result.valid:
            return
        endpoint = self.validator.match_path(path) or path
        self.recorder.record(
            ContractViolation(
                source=self.source,
                endpoint=endpoint,
                method=request.method,
                type="request",
                direction="outgoing",
                errors=tuple(result.errors),
            )
        )
        if self.mode == "enforce":
            raise ContractViolationError(
                f"{request.method} {endpoint} breaks the API contract: " + "; ".join(result.errors),
                errors=result.errors,
                details=result.details,
            )

    def check_response(self, response: httpx.Response) -> None:
        if self.mode == "off":
            return
        content_type = response.headers.get("content-type", "")
        if response.content and "json" not in content_type:
            return  # not the API speaking (a proxy's error page): nothing to hold it to
        try:
            body = response.json() if response.content else None
        except ValueError:
            body = _UNREADABLE
        request = response.request
        path = self._api_path(request.url)
        status = response.status_code
        if body is _UNREADABLE:
            result = _invalid(f"{request.method} {path} -> {status}: body is not JSON")
        else:
            result = self.validator.validate_response(path, request.method, status, body)
        if result.valid:
            return
        self.recorder.record(
            ContractViolation(
                source=self.source,
                endpoint=self.validator.match_path(path) or path,
                method=request.method,
                type="response",
                direction="incoming",
                errors=tuple(result.errors),
                status=status,
            )
        )


_UNREADABLE = object()
