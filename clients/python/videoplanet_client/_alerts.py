"""Alerts: one key broke the contract too often. ``AlertSink`` instances take them: ``WebhookSink``
posts them, ``SentrySink`` captures them."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

import httpx

from ._aggregate import _iso
from ._requests import USER_AGENT

logger = logging.getLogger("videoplanet_client.monitor")

Severity = Literal["low", "medium", "high"]
_ALERT_SAMPLE = 5
_SENTRY_LEVELS: dict[Severity, str] = {"low": "info", "medium": "warning", "high": "error"}


@dataclass(frozen=True, slots=True)
class Alert:
    """One key broke the contract too often: more than the threshold within the window.

    count: violations of ``key`` in the window when the alert was raised; first_seen /
    last_seen: the oldest and newest of them; errors: a sample of what was wrong. The
    summary of the keys beyond ``max_alerts`` has key ``*``, the number of those keys as
    count, and a sample of them as errors.
    """

    severity: Severity
    key: str
    message: str
    count: int
    window: float
    first_seen: datetime
    last_seen: datetime
    errors: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The alert as JSON, named like the report (``firstSeen``, ``lastSeen``)."""
        return {
            "severity": self.severity,
            "key": self.key,
            "message": self.message,
            "count": self.count,
            "window": self.window,
            "firstSeen": _iso(self.first_seen),
            "lastSeen": _iso(self.last_seen),
            "errors": list(self.errors),
        }


class AlertSink(Protocol):
    """Where alerts go besides the log. ``send`` should not raise (a failure is logged)."""

    def send(self, alert: Alert) -> None: ...


class WebhookSink:
    """POSTs each alert as JSON (``Alert.to_dict()``) to ``url``.

    A transport error or a non-2xx answer is logged as a warning, never raised. Only the
    webhook's host is logged: chat webhooks carry their secret in the path.
    """

    def __init__(
        self,
        *,
        url: str,
        timeout: float | None = 5.0,
        headers: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("WebhookSink needs an http(s) URL")
        self.url = url
        self._where = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        self._http = httpx.Client(
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            timeout=timeout,
            transport=transport,
        )

    def send(self, alert: Alert) -> None:
        try:
            response = self._http.post(self.url, json=alert.to_dict())
        except Exception as exc:
            logger.warning("alert webhook at %s failed: %s", self._where, exc)
            return
        if not response.is_success:
            logger.warning("alert webhook at %s answered %d", self._where, response.status_code)

    def close(self) -> None:
        self._http.close()


class SentrySink:
    """Sends each alert to Sentry as a message event, when a DSN is given.

    dsn None or empty: the sink does nothing (``enabled`` is False). sentry-sdk is not a
    dependency of this SDK: it is imported only when a DSN is given, and without it the
    sink logs one warning and does nothing. The sink has its own Sentry client (without
    integrations), so an application's own Sentry setup is neither used nor changed;
    ``options`` go to ``sentry_sdk.Client`` (``environment``, ``release``,
    ``before_send``, ...). Each event is tagged ``contract.key`` and carries the alert
    as the ``contract_alert`` context.
    """

    def __init__(self, *, dsn: str | None, options: Mapping[str, Any] | None = None) -> None:
        self.dsn = dsn or None
        self._sentry: Any = None
        self._client: Any = None
        if self.dsn is None:
            return
        try:
            sentry_sdk = importlib.import_module("sentry_sdk")
        except ImportError:
            logger.warning(
                "SentrySink has a DSN but sentry-sdk is not installed "
                "(pip install sentry-sdk): contract alerts will not reach Sentry"
            )
            return
        self._sentry = sentry_sdk
        self._client = sentry_sdk.Client(self.dsn, default_integrations=False, **(options or {}))

    @property
    def enabled(self) -> bool:
        return self._client is not None

    def send(self, alert: Alert) -> None:
        if self._client is None:
            return
        try:
            with self._sentry.new_scope() as scope:
                scope.set_client(self._client)
                scope.set_tag("contract.key", alert.key)
                scope.set_context("contract_alert", alert.to_dict())
                self._sentry.capture_message(alert.message, level=_SENTRY_LEVELS[alert.severity])
        except Exception:
            logger.exception("sending a contract alert to Sentry failed")

    def close(self) -> None:
        """Send what the Sentry client still holds and close it."""
        if self._client is not None:
            self._client.close()
            self._client = None


@dataclass(slots=True)
class _Held:
    """Alerts over ``max_alerts`` in the current alert window, to be summed up."""

    keys: int = 0
    sample: list[str] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def add(self, alert: Alert) -> None:
        self.keys += 1
        if len(self.sample) < _ALERT_SAMPLE:
            self.sample.append(alert.key)
        self.first_seen = min(self.first_seen or alert.first_seen, alert.first_seen)
        self.last_seen = max(self.last_seen or alert.last_seen, alert.last_seen)
