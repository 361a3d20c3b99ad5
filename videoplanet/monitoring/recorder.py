"""The server's own contract violations, counted and stored like a consumer's report.

``monitor_recorder`` (listed in ``CONTRACT_VIOLATION_RECORDERS`` by default) is the SDK's
``ContractMonitor`` with a reporter that stores each report through
``violations_store(source="server")`` instead of posting it: the contract middleware and
the rooms record into it from any thread or event loop (in memory, no I/O), and its
daemon thread stores the aggregate every ``MONITORING_REPORT_SECONDS`` and at exit. A
failed store (the database away) is kept and retried with backoff, as a client's report
is. Threshold alerts go to the log, and to ``CONTRACT_ALERT_WEBHOOK_URL`` and Sentry
(``SENTRY_DSN``) when they are set, at most ``CONTRACT_ALERT_MAX_PER_WINDOW`` a window
(the rest summed up in one). One monitor per server process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from videoplanet_client import AlertSink, ContractMonitor, SentrySink, WebhookSink

from videoplanet.contracts.violations import SOURCE

from .services import violations_store


def store_report(report: Mapping[str, Any]) -> None:
    """The monitor's reporter: one report into the store, as source ``server``."""
    if threading.current_thread() is threading.main_thread():
        # flush() by hand or at exit: the caller's connection is the caller's business.
        violations_store(source=SOURCE, report=report)
        return
    close_old_connections()  # the monitor's own thread: like a request, a fresh start
    try:
        violations_store(source=SOURCE, report=report)
    finally:
        close_old_connections()


def alert_sinks() -> list[AlertSink]:
    sinks: list[AlertSink] = []
    if settings.CONTRACT_ALERT_WEBHOOK_URL:
        sinks.append(WebhookSink(url=settings.CONTRACT_ALERT_WEBHOOK_URL))
    if settings.SENTRY_DSN:
        sinks.append(SentrySink(dsn=settings.SENTRY_DSN))
    return sinks


def server_monitor(*, start: bool = True) -> ContractMonitor:
    monitor = ContractMonitor(
        reporter=store_report,
        report_interval=settings.MONITORING_REPORT_SECONDS,
        alert_threshold=settings.CONTRACT_ALERT_THRESHOLD,
        alert_window=settings.CONTRACT_ALERT_WINDOW_SECONDS,
        max_alerts=settings.CONTRACT_ALERT_MAX_PER_WINDOW,
        alert_sinks=alert_sinks(),
        flush_at_exit=start,
        source=SOURCE,
    )
    return monitor.start() if start else monitor


def monitor_recorder() -> ContractMonitor:
    """The recorder factory ``CONTRACT_VIOLATION_RECORDERS`` names: a started monitor."""
    return server_monitor(start=True)
