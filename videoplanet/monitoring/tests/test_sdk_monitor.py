"""The SDK's ContractMonitor and HttpReporter against the real intake (in process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from videoplanet_client import ContractMonitor, HttpReporter

from config.wsgi import application
from videoplanet.monitoring.models import DroppedTotal, Reporter, Violation, ViolationTotal

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(reporter_token: str) -> Iterator[ContractMonitor]:
    # The raw WSGI handler closes DB connections after each request, which would end the
    # test's transaction; Django's own test client disconnects these signals the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    reporter = HttpReporter(
        base_url="http://testserver",
        token=reporter_token,
        transport=httpx.WSGITransport(app=application),
    )
    monitor = ContractMonitor(reporter=reporter, max_keys=2)
    yield monitor
    monitor.close()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_what_the_sdk_monitor_reports_is_accepted_and_stored(monitor: ContractMonitor) -> None:
    path = "/api/v1/feedbacks/550e8400-e29b-41d4-a716-446655440000"
    for _ in range(3):
        monitor.record_violation(
            path, "GET", "response", "$.status: must be one of ...", direction="incoming"
        )
    monitor.record_violation(
        "feedback.created", "WS", "message", "payload.id: invalid uuid", direction="incoming"
    )
    monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")  # a 3rd key

    assert monitor.flush() is True

    stored = {(v.method, v.endpoint): v for v in Violation.objects.all()}
    assert set(stored) == {("GET", "/api/v1/feedbacks/{feedback_id}"), ("WS", "feedback.created")}
    assert stored[("GET", "/api/v1/feedbacks/{feedback_id}")].count == 3
    assert stored[("WS", "feedback.created")].errors == ["payload.id: invalid uuid"]
    assert {v.source for v in stored.values()} == {"VideoPlanet-Frontend"}
    assert ViolationTotal.objects.get(method="GET").count == 3
    assert DroppedTotal.objects.get().count == 1  # max_keys=2: the third key was dropped


def test_a_revoked_token_keeps_the_report_in_the_monitor(
    monitor: ContractMonitor, reporter: Reporter
) -> None:
    reporter.is_active = False
    reporter.save()
    monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")
    assert monitor.flush() is False
    assert not Violation.objects.exists()
    assert [e["key"] for e in monitor.snapshot()["violations"]] == ["GET:/api/v1/me:response"]


def test_a_rate_limited_report_is_kept_and_retried_after_retry_after(
    reporter_token: str, settings: Any
) -> None:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cache.clear()
    settings.MONITORING_REPORT_RATE = "1/min"
    now = [0.0]
    reporter = HttpReporter(
        base_url="http://testserver",
        token=reporter_token,
        transport=httpx.WSGITransport(app=application),
    )
    monitor = ContractMonitor(reporter=reporter, report_interval=1, clock=lambda: now[0])
    try:
        monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")
        now[0] = 1
        assert monitor.run_pending() == 1  # accepted: the next in report_interval
        monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")
        now[0] = 2
        wait = monitor.run_pending()  # 429: kept, and not retried within Retry-After
        assert 1 < wait <= 60
        assert Violation.objects.count() == 1
        assert monitor.snapshot()["violations"][0]["count"] == 1
    finally:
        monitor.close()  # its last report is refused too: nothing more stored
        cache.clear()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert Violation.objects.count() == 1
