"""The server's own violations (middleware, rooms) end up in the store, /metrics and alerts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import override_settings
from videoplanet_client import ContractMonitor, SentrySink, WebhookSink

from videoplanet.monitoring.models import Violation, ViolationTotal
from videoplanet.monitoring.recorder import alert_sinks, monitor_recorder, server_monitor
from videoplanet.realtime.broadcast import room_event

if TYPE_CHECKING:
    from conftest import World

FEEDBACKS = "/api/v1/feedbacks"


@pytest.fixture
def monitor(monkeypatch: pytest.MonkeyPatch) -> Iterator[ContractMonitor]:
    """The server's monitor, not started: the test stores its reports with flush()."""
    monitor = server_monitor(start=False)
    monkeypatch.setattr("videoplanet.contracts.violations.server_recorder", lambda: monitor)
    yield monitor
    monitor.close()


@pytest.mark.django_db
@override_settings(CONTRACT_VALIDATION="enforce")
def test_middleware_and_room_violations_are_stored_as_source_server(
    monitor: ContractMonitor, world: World, as_user: Any, scraper: Any
) -> None:
    client = as_user(world.reviewer)
    body = {"video_id": str(world.video.id), "timestamp": 1, "content": "x", "priority": "?"}
    for _ in range(3):
        assert client.post(FEEDBACKS, body, format="json").status_code == 400
    assert room_event({"type": "feedback.created", "payload": {"id": "nope"}}) is None
    assert not Violation.objects.exists()  # counted in memory until the monitor reports

    assert monitor.flush()

    stored = {(v.method, v.endpoint, v.type, v.direction): v for v in Violation.objects.all()}
    request = stored[("POST", FEEDBACKS, "request", "incoming")]
    assert (request.source, request.count) == ("server", 3)
    assert request.errors == ['$.priority: must be one of "low", "medium", "high", "critical"']
    room = stored[("WS", "feedback.created", "message", "outgoing")]
    assert room.count == 1
    assert ViolationTotal.objects.get(source="server", method="POST").count == 3
    metrics = scraper.get("/metrics").content.decode()
    assert (
        'contract_violations_total{endpoint="/api/v1/feedbacks",method="POST",'
        'source="server",type="request"} 3.0'
    ) in metrics


@pytest.mark.django_db(transaction=True)
def test_the_recorder_settings_name_runs_a_thread_that_stores_on_stop() -> None:
    monitor = monitor_recorder()
    try:
        monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")
        assert any(t.name.startswith("videoplanet") for t in threading.enumerate())
    finally:
        assert monitor.stop()
    assert Violation.objects.get().endpoint == "/api/v1/me"
    assert not any(t.name.startswith("videoplanet") and t.is_alive() for t in threading.enumerate())


def test_alert_sinks_follow_the_settings() -> None:
    assert alert_sinks() == []
    with override_settings(
        CONTRACT_ALERT_WEBHOOK_URL="https://hooks.example/contracts",
        SENTRY_DSN="https://key@sentry.example/1",
    ):
        kinds = [type(sink) for sink in alert_sinks()]
    assert kinds == [WebhookSink, SentrySink]


@override_settings(CONTRACT_ALERT_THRESHOLD=2, CONTRACT_ALERT_WINDOW_SECONDS=60)
def test_a_burst_of_server_violations_raises_one_alert(caplog: pytest.LogCaptureFixture) -> None:
    monitor = server_monitor(start=False)
    with caplog.at_level("ERROR", logger="videoplanet_client.monitor"):
        for _ in range(5):
            monitor.record_violation("/api/v1/me", "GET", "response", "$.email: required")
    alerts = [r for r in caplog.records if "GET:/api/v1/me:response" in r.getMessage()]
    assert len(alerts) == 1
    monitor.close()


@override_settings(CONTRACT_ALERT_THRESHOLD=0, CONTRACT_ALERT_MAX_PER_WINDOW=2)
def test_invented_message_types_cannot_fan_out_into_alerts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    monitor = server_monitor(start=False)
    with caplog.at_level("ERROR", logger="videoplanet_client.monitor"):
        for n in range(50):  # a client sending 50 made-up room message types
            monitor.record_violation(f"made.up.{n}", "WS", "message", "unknown message type")
        assert len(caplog.records) == 2
        monitor.stop()  # the rest: one summary
    assert len(caplog.records) == 3
    assert caplog.records[-1].getMessage().startswith("48 more keys over the contract")
    monitor.close()
