"""Reports of aggregated violations, and ``HttpReporter`` posting them to the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from ._errors import UnexpectedResponse, error_from_response
from ._requests import api_root, default_headers, transport_error

Report = dict[str, Any]
Reporter = Callable[[Report], None]
"""Takes one report; returns when it was accepted, raises when it was not."""

REPORT_PATH = "/api/monitoring/contract-violations"
# What the server's monitoring endpoint accepts in one report.
MAX_REPORT_ENTRIES = 1000
MAX_ENTRY_ERRORS = 50
MAX_ERROR_LENGTH = 1000
MAX_ENDPOINT_LENGTH = 255


class HttpReporter:
    """Posts each report to ``POST {base_url}/api/monitoring/contract-violations``.

    token: the consumer's reporting token (not a user's API token), sent as
    ``Authorization: Bearer``. A network failure raises ``TransportError``, a 4xx/5xx
    the matching ``APIError``, any other non-2xx ``UnexpectedResponse``: the monitor
    keeps the report and tries again later.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        timeout: float | None = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not token:
            raise ValueError("HttpReporter needs a reporting token")
        self.url = api_root(base_url) + REPORT_PATH
        self._http = httpx.Client(
            headers=default_headers(token), timeout=timeout, transport=transport
        )

    def __call__(self, report: Report) -> None:
        try:
            response = self._http.post(self.url, json=report)
        except httpx.TransportError as exc:
            raise transport_error(exc) from exc
        if response.status_code >= 400:
            raise error_from_response(response)
        if not response.is_success:
            raise UnexpectedResponse(
                f"POST {self.url} answered {response.status_code}", response=response
            )

    def close(self) -> None:
        self._http.close()
