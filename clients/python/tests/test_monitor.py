"""``ContractMonitor``: aggregation, alerts, reports, failures, bounds and its thread.

Windows and backoff run on a hand-moved clock (``Clock``), so nothing here sleeps. The
webhook and the reporter talk to a real HTTP server on 127.0.0.1 (``LocalServer``);
the room test to a real WebSocket server.
"""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from videoplanet_client import (
    Alert,
    Backoff,
    Client,
    ContractMonitor,
    ContractViolation,
    HttpReporter,
    Pong,
    RateLimited,
    RealtimeClient,
    SentrySink,
    ServerError,
    TransportError,
    UnexpectedResponse,
    WebhookSink,
)
from videoplanet_client.contract import Direction, ViolationType
from websockets.asyncio.server import ServerConnection, serve

T0 = datetime(2026, 11, 23, 9, 59, 0, tzinfo=UTC)
WAIT = 10.0
PRIORITY = '$.priority: must be one of "low", "medium", "high"'
FEEDBACKS = "/api/v1/feedbacks"


# -- helpers -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def no_monitor_thread_left_behind() -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    leaked = [t.name for t in set(threading.enumerate()) - before if "videoplanet" in t.name]
    assert leaked == []


def monitor_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if "videoplanet" in t.name]


class Clock:
    """Monotonic seconds moved by hand; the wall clock is T0 plus those seconds."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return T0 + timedelta(seconds=self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


class Reports:
    """A reporter that keeps what it accepted; ``fail`` decides per call whether to raise."""

    def __init__(self, fail: Callable[[int], bool] = lambda call: False) -> None:
        self.accepted: list[dict[str, Any]] = []
        self.calls = 0
        self.fail = fail
        self._lock = threading.Lock()

    def __call__(self, report: dict[str, Any]) -> None:
        with self._lock:
            self.calls += 1
            if self.fail(self.calls):
                raise ConnectionError(f"report {self.calls} refused")
            self.accepted.append(json.loads(json.dumps(report)))  # what went over the wire

    def entries(self) -> list[dict[str, Any]]:
        return [entry for report in self.accepted for entry in report["violations"]]


class ListSink:
    def __init__(self) -> None:
        self.alerts: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.alerts.append(alert)


@pytest.fixture
def clock() -> Clock:
    return Clock()


def make_monitor(clock: Clock, **kwargs: Any) -> ContractMonitor:
    kwargs.setdefault("reporter", Reports())
    return ContractMonitor(clock=clock, wall_clock=clock.wall, **kwargs)


def violation(
    endpoint: str = FEEDBACKS,
    *,
    method: str = "POST",
    type: ViolationType = "request",
    direction: Direction = "outgoing",
    errors: tuple[str, ...] = (PRIORITY,),
    at: float = 0.0,
) -> ContractViolation:
    return ContractViolation(
        source="test",
        endpoint=endpoint,
        method=method,
        type=type,
        direction=direction,
        errors=errors,
        observed_at=T0 + timedelta(seconds=at),
    )


def entry(monitor: ContractMonitor, key: str) -> dict[str, Any]:
    [found] = [e for e in monitor.snapshot()["violations"] if e["key"] == key]
    return found


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: Any


class LocalServer:
    """A real HTTP server on 127.0.0.1 that keeps every POST and answers with the next
    status in ``statuses`` (202 when none is left)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.statuses: deque[int] = deque()
        self._changed = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with outer._changed:
                    status = outer.statuses.popleft() if outer.statuses else 202
                    outer.received.append(
                        Received(
                            path=self.path,
                            headers={k.lower(): v for k, v in self.headers.items()},
                            body=json.loads(raw),
                        )
                    )
                    outer._changed.notify_all()
                body = b'{"code": "server_error", "message": "down", "details": {}}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body) if status >= 400 else 0))
                self.end_headers()
                if status >= 400:
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), name="local-http-server", daemon=True
        )
        self._thread.start()

    def wait_for(self, count: int) -> list[Received]:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.received) >= count, WAIT)
            return list(self.received)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- aggregation ---------------------------------------------------------------------------


def test_violations_aggregate_by_method_endpoint_and_type(clock: Clock) -> None:
    monitor = make_monitor(clock)
    monitor.record(violation(at=30, errors=(PRIORITY, "$.timestamp: expected number")))
    monitor.record(violation(at=10))  # seen earlier, recorded later (another thread)
    monitor.record(violation(at=58, errors=("$.content: required",)))
    monitor.record(violation(f"{FEEDBACKS}/{{feedback_id}}", method="GET", type="response"))
    assert monitor.snapshot()["violations"] == [
        {
            "key": "POST:/api/v1/feedbacks:request",
            "endpoint": FEEDBACKS,
            "method": "POST",
            "type": "request",
            "direction": "outgoing",
            "count": 3,
            "firstSeen": "2026-11-23T09:59:10Z",
            "lastSeen": "2026-11-23T09:59:58Z",
            "uniqueErrors": 3,
            "errors": [PRIORITY, "$.timestamp: expected number", "$.content: required"],
        },
        {
            "key": "GET:/api/v1/feedbacks/{feedback_id}:response",
            "endpoint": "/api/v1/feedbacks/{feedback_id}",
            "method": "GET",
            "type": "response",
            "direction": "outgoing",
            "count": 1,
            "firstSeen": "2026-11-23T09:59:00Z",
            "lastSeen": "2026-11-23T09:59:00Z",
            "uniqueErrors": 1,
            "errors": [PRIORITY],
        },
    ]


def test_distinct_errors_are_kept_up_to_max_errors_and_the_rest_counted(clock: Clock) -> None:
    monitor = make_monitor(clock, max_errors=3)
    for round_ in range(2):  # the second round repeats every error: nothing new
        for n in range(10):
            monitor.record(violation(errors=(f"$.field{n}: required",), at=round_))
    found = entry(monitor, "POST:/api/v1/feedbacks:request")
    assert found["count"] == 20
    assert found["errors"] == ["$.field0: required", "$.field1: required", "$.field2: required"]
    assert found["uniqueErrors"] == 10


def test_long_errors_and_endpoints_are_cut_to_what_the_server_takes(clock: Clock) -> None:
    monitor = make_monitor(clock)
    monitor.record(violation("/x" * 300, errors=("e" * 5000,)))
    [found] = monitor.snapshot()["violations"]
    assert len(found["endpoint"]) == 255 and found["endpoint"].endswith("…")
    assert found["key"] == f"POST:{found['endpoint']}:request"
    assert len(found["errors"][0]) == 1000


def test_max_errors_cannot_exceed_what_a_report_entry_takes() -> None:
    with pytest.raises(ValueError):
        ContractMonitor(reporter=Reports(), max_errors=51)


def test_the_seed_api_records_one_error_seen_now(clock: Clock) -> None:
    monitor = make_monitor(clock)
    clock.advance(5)
    monitor.record_violation(FEEDBACKS, "post", "request", PRIORITY)
    monitor.record_violation(
        "/api/v1/me", "GET", "response", "$.id: required", direction="incoming"
    )
    first, second = monitor.snapshot()["violations"]
    assert (first["key"], first["direction"], first["count"]) == (
        "POST:/api/v1/feedbacks:request",
        "outgoing",
        1,
    )
    assert first["firstSeen"] == first["lastSeen"] == "2026-11-23T09:59:05Z"
    assert (second["key"], second["direction"], second["errors"]) == (
        "GET:/api/v1/me:response",
        "incoming",
        ["$.id: required"],
    )


def test_room_messages_aggregate_by_message_type_in_both_directions(clock: Clock) -> None:
    monitor = make_monitor(clock)
    for direction in ("incoming", "outgoing"):
        monitor.record(
            violation(
                "feedback.created",
                method="WS",
                type="message",
                direction=direction,  # type: ignore[arg-type]
                errors=("feedback.created: id: expected string",),
            )
        )
    monitor.record(violation("ping", method="WS", type="message", direction="outgoing"))
    got = {e["key"]: (e["count"], e["direction"]) for e in monitor.snapshot()["violations"]}
    assert got == {
        "WS:feedback.created:message": (2, "incoming"),  # the direction first seen
        "WS:ping:message": (1, "outgoing"),
    }


@pytest.mark.asyncio
async def test_a_room_reports_a_message_it_cannot_read_to_the_monitor(clock: Clock) -> None:
    monitor = make_monitor(clock)

    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "presence.snapshot", "payload": {"users": []}}))
        await ws.send(json.dumps({"type": "feedback.created", "payload": {"id": 7}}))
        await ws.send(json.dumps({"type": "pong", "payload": {"id": "done"}}))
        await ws.wait_closed()

    async with serve(handler, "127.0.0.1", 0) as ws_server:
        port = ws_server.sockets[0].getsockname()[1]
        async with RealtimeClient(
            base_url=f"http://127.0.0.1:{port}",
            token="tok",
            video_id="v1",
            violation_recorder=monitor,
        ) as room:
            async for event in room:
                if isinstance(event, Pong):
                    break
    [found] = monitor.snapshot()["violations"]
    assert (found["key"], found["method"], found["direction"], found["count"]) == (
        "WS:feedback.created:message",
        "WS",
        "incoming",
        1,
    )
    assert found["errors"][0].startswith("feedback.created:")


def test_a_client_hands_its_violations_to_the_monitor(clock: Clock) -> None:
    user = {
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "J",
        "email": "j@example.com",
        "is_staff": False,
    }

    def api(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            return httpx.Response(200, json={**user, "nickname": "jj"})
        return httpx.Response(201, json={})

    reports = Reports()
    monitor = make_monitor(clock, reporter=reports)
    with Client(
        base_url="http://api.test",
        token="t",
        transport=httpx.MockTransport(api),
        violation_recorder=monitor,
    ) as client:
        client.me()
        client.me()
        with pytest.raises(UnexpectedResponse):
            client.feedbacks.create(
                video_id=user["id"], timestamp=1.0, content="x", priority="urgent"
            )
    got = {e["key"]: (e["count"], e["direction"]) for e in monitor.snapshot()["violations"]}
    assert got == {
        "GET:/api/v1/me:response": (2, "incoming"),
        "POST:/api/v1/feedbacks:request": (1, "outgoing"),
        "POST:/api/v1/feedbacks:response": (1, "incoming"),
    }
    assert entry(monitor, "GET:/api/v1/me:response")["errors"] == [
        "$.nickname: not a documented field"
    ]
    assert monitor.flush()
    assert len(reports.entries()) == 3


# -- alerts --------------------------------------------------------------------------------


def test_one_alert_per_key_per_window(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    sink = ListSink()
    monitor = make_monitor(clock, alert_sinks=[sink])  # more than 10 within 60 s
    caplog.set_level(logging.ERROR, logger="videoplanet_client.monitor")
    for _ in range(10):
        monitor.record(violation(at=clock.now))
        clock.advance(1)
    assert sink.alerts == []
    monitor.record(violation(at=clock.now))  # the 11th within 10 s
    assert len(sink.alerts) == 1
    for _ in range(100):  # the same burst goes on: still the one alert
        clock.advance(0.5)
        monitor.record(violation(at=clock.now))
    assert len(sink.alerts) == 1
    monitor.record(violation("/api/v1/me", method="GET"))  # another key has its own count
    clock.advance(10)  # 60 s after the first alert: the next window
    monitor.record(violation(at=clock.now))
    assert len(sink.alerts) == 2
    assert [r.levelno for r in caplog.records] == [logging.ERROR, logging.ERROR]
    assert "POST:/api/v1/feedbacks:request" in caplog.records[0].getMessage()


def test_the_alert_says_what_and_when(clock: Clock) -> None:
    sink = ListSink()
    monitor = make_monitor(clock, alert_sinks=[sink], alert_threshold=2, alert_window=30)
    for n in range(3):
        monitor.record(violation(errors=(f"$.e{n}: required",), at=clock.now))
        clock.advance(4)
    [alert] = sink.alerts
    assert alert == Alert(
        severity="high",
        key="POST:/api/v1/feedbacks:request",
        message=(
            "Contract violation threshold exceeded for POST:/api/v1/feedbacks:request: "
            "3 violations within 30 s"
        ),
        count=3,
        window=30,
        first_seen=T0,
        last_seen=T0 + timedelta(seconds=8),
        errors=("$.e2: required", "$.e0: required", "$.e1: required"),
    )
    assert alert.to_dict()["firstSeen"] == "2026-11-23T09:59:00Z"


def test_alerts_are_capped_per_window_across_keys_and_the_rest_summed_up(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    sink, reports = ListSink(), Reports()
    monitor = make_monitor(
        clock, reporter=reports, alert_sinks=[sink], alert_threshold=0, max_alerts=3
    )
    caplog.set_level(logging.ERROR, logger="videoplanet_client.monitor")
    for n in range(200):  # 200 made-up keys, each over the threshold at once
        monitor.record(violation(f"/api/v1/made-up/{n}", at=clock.now))
        clock.advance(0.1)
    assert [a.key for a in sink.alerts] == [f"POST:/api/v1/made-up/{n}:request" for n in range(3)]
    assert len(caplog.records) == 3  # the held ones are not logged one by one either
    clock.advance(60)  # the window is over: one summary
    monitor.run_pending()
    [*_, summary] = sink.alerts
    assert len(sink.alerts) == 4
    assert summary.key == "*"
    assert summary.count == 197
    assert summary.message == (
        "197 more keys over the contract violation threshold within 60 s "
        "(alerts are capped at 3 a window)"
    )
    assert summary.errors == tuple(f"POST:/api/v1/made-up/{n}:request" for n in range(3, 8))
    assert (summary.first_seen, summary.last_seen) == (
        T0 + timedelta(seconds=0.3), T0 + timedelta(seconds=19.9)
    )  # fmt: skip
    monitor.run_pending()
    assert len(sink.alerts) == 4  # said once
    monitor.record(violation("/api/v1/me", method="GET", at=clock.now))  # a new window
    assert sink.alerts[-1].key == "GET:/api/v1/me:request"
    # All 200 keys are still counted and reported: only the alerts were capped.
    assert len(reports.entries()) == 200


def test_twenty_alerts_a_window_by_default(clock: Clock) -> None:
    sink = ListSink()
    monitor = make_monitor(clock, alert_sinks=[sink], alert_threshold=0)
    for n in range(100):
        monitor.record(violation(f"/x/{n}", at=clock.now))
    assert len(sink.alerts) == 20


def test_the_summary_is_due_at_the_end_of_the_window_and_sent_on_stop(clock: Clock) -> None:
    sink = ListSink()
    monitor = make_monitor(
        clock, alert_sinks=[sink], alert_threshold=0, max_alerts=1, report_interval=600
    )
    monitor.record(violation("/a", at=clock.now))
    monitor.record(violation("/b", at=clock.now))
    clock.advance(15)
    assert monitor.run_pending() == pytest.approx(45)  # wakes the thread for the summary
    assert len(sink.alerts) == 1
    assert monitor.stop()
    assert [a.key for a in sink.alerts] == ["POST:/a:request", "*"]
    assert sink.alerts[-1].count == 1


def test_a_report_refused_with_429_waits_for_retry_after(clock: Clock) -> None:
    calls: list[dict[str, Any]] = []

    def limited(report: dict[str, Any]) -> None:
        calls.append(report)
        if len(calls) == 1:
            raise RateLimited("slow down", status=429, code="rate_limited", retry_after=120)

    backoff = Backoff(base=1.0, factor=2.0, cap=4.0)
    monitor = make_monitor(clock, reporter=limited, report_interval=60, backoff=backoff)
    monitor.record(violation())
    clock.advance(60)
    assert monitor.run_pending() == pytest.approx(120)  # not the backoff's 1 s
    clock.advance(119)
    monitor.run_pending()
    assert len(calls) == 1
    clock.advance(1)
    monitor.run_pending()
    assert len(calls) == 2
    assert calls[1]["violations"][0]["count"] == 1


def test_a_steady_trickle_never_alerts(clock: Clock) -> None:
    sink = ListSink()
    monitor = make_monitor(clock, alert_sinks=[sink])
    for _ in range(100):  # 100 violations, but never more than 6 in a minute
        monitor.record(violation(at=clock.now))
        clock.advance(10)
    assert sink.alerts == []
    assert entry(monitor, "POST:/api/v1/feedbacks:request")["count"] == 100


def test_a_failing_sink_neither_raises_nor_stops_the_others(clock: Clock) -> None:
    class Broken:
        def send(self, alert: Alert) -> None:
            raise RuntimeError("pager down")

    sink = ListSink()
    monitor = make_monitor(clock, alert_sinks=[Broken(), sink], alert_threshold=0)
    monitor.record(violation())
    assert len(sink.alerts) == 1


def test_the_webhook_receives_the_alert_as_json(server: LocalServer, clock: Clock) -> None:
    webhook = WebhookSink(url=f"{server.url}/hooks/contract", headers={"X-Team": "api"})
    monitor = make_monitor(clock, alert_sinks=[webhook], alert_threshold=1)
    monitor.record(violation(at=1))
    monitor.record(violation(at=2))
    [received] = server.wait_for(1)
    assert received.path == "/hooks/contract"
    assert received.headers["content-type"] == "application/json"
    assert received.headers["x-team"] == "api"
    assert received.body == {
        "severity": "high",
        "key": "POST:/api/v1/feedbacks:request",
        "message": "Contract violation threshold exceeded for POST:/api/v1/feedbacks:request: "
        "2 violations within 60 s",
        "count": 2,
        "window": 60.0,
        "firstSeen": "2026-11-23T09:59:01Z",
        "lastSeen": "2026-11-23T09:59:02Z",
        "errors": [PRIORITY],
    }
    webhook.close()


def test_a_started_monitor_sends_alerts_from_its_own_thread(server: LocalServer) -> None:
    seen_on: list[str] = []

    class Spy(ListSink):
        def send(self, alert: Alert) -> None:
            seen_on.append(threading.current_thread().name)

    webhook = WebhookSink(url=server.url)
    with ContractMonitor(reporter=Reports(), alert_sinks=[Spy(), webhook], alert_threshold=0) as m:
        m.record(violation())
        server.wait_for(1)
    assert seen_on == ["videoplanet-contract-monitor"]


def test_a_webhook_that_fails_is_logged_never_raised(
    server: LocalServer, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    server.statuses.append(500)
    down = WebhookSink(url=f"http://127.0.0.1:{closed_port()}/secret-path", timeout=2)
    erring = WebhookSink(url=f"{server.url}/secret-path")
    monitor = make_monitor(clock, alert_sinks=[down, erring], alert_threshold=0)
    caplog.set_level(logging.WARNING, logger="videoplanet_client.monitor")
    monitor.record(violation())
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "answered 500" in warnings[1]
    assert not any("secret-path" in w for w in warnings)
    monitor.close()


def test_sentry_without_a_dsn_does_nothing(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="videoplanet_client.monitor")
    sink = SentrySink(dsn=None)
    assert not sink.enabled
    sink.send(Alert("high", "k", "m", 1, 60, T0, T0, ()))
    assert SentrySink(dsn="").enabled is False
    assert caplog.records == []


def test_sentry_sdk_is_imported_only_for_a_dsn() -> None:
    code = (
        "import sys; from videoplanet_client import SentrySink; SentrySink(dsn=None); "
        "print('sentry_sdk' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_sentry_with_a_dsn_but_no_sentry_sdk_warns_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, clock: Clock
) -> None:
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)  # import sentry_sdk fails
    caplog.set_level(logging.WARNING, logger="videoplanet_client.monitor")
    sink = SentrySink(dsn="https://key@sentry.example/1")
    monitor = make_monitor(clock, alert_sinks=[sink], alert_threshold=0)
    for n in range(3):
        monitor.record(violation(f"/api/v1/x{n}"))
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "sentry-sdk is not installed" in warnings[0]
    assert not sink.enabled


def test_sentry_gets_the_alert_through_its_own_client(clock: Clock) -> None:
    sentry_sdk = pytest.importorskip("sentry_sdk")
    from sentry_sdk.transport import Transport

    envelopes: list[Any] = []

    class KeepEnvelopes(Transport):  # Sentry's own transport interface, no network
        def capture_envelope(self, envelope: Any) -> None:
            envelopes.append(envelope)

    seen_by_hook: list[str] = []

    def before_send(event: Any, hint: Any) -> Any:
        seen_by_hook.append(event["message"])
        return event

    sink = SentrySink(
        dsn="https://key@sentry.example/1",
        options={"transport": KeepEnvelopes, "before_send": before_send, "environment": "test"},
    )
    monitor = make_monitor(clock, alert_sinks=[sink], alert_threshold=0)
    monitor.record(violation())
    monitor.close()
    [envelope] = envelopes
    event = envelope.get_event()
    assert event["message"] == seen_by_hook[0]
    assert event["message"].startswith("Contract violation threshold exceeded for POST:")
    assert event["level"] == "error"
    assert event["environment"] == "test"
    assert event["tags"] == {"contract.key": "POST:/api/v1/feedbacks:request"}
    assert event["contexts"]["contract_alert"]["count"] == 1
    assert not sentry_sdk.get_client().is_active()  # the process's own Sentry is untouched


# -- reports -------------------------------------------------------------------------------


def test_the_thread_reports_periodically_to_the_server(server: LocalServer) -> None:
    at = datetime(2026, 11, 23, 10, 0, 0, tzinfo=UTC)
    monitor = ContractMonitor(
        reporter=HttpReporter(base_url=server.url, token="vpr_reporting"),
        report_interval=0.05,
        wall_clock=lambda: at,
    )
    monitor.record(violation(at=1, errors=(PRIORITY,)))
    monitor.record(violation(at=58, errors=("$.timestamp: expected number",)))
    monitor.record(violation(at=30, errors=(PRIORITY,)))
    with monitor:
        [first] = server.wait_for(1)
        monitor.record(violation("ping", method="WS", type="message", at=59))
        second = server.wait_for(2)[1]
    assert first.path == "/api/monitoring/contract-violations"
    assert first.headers["authorization"] == "Bearer vpr_reporting"
    assert first.headers["content-type"] == "application/json"
    assert first.body == {
        "timestamp": "2026-11-23T10:00:00Z",
        "dropped": 0,
        "violations": [
            {
                "key": "POST:/api/v1/feedbacks:request",
                "endpoint": "/api/v1/feedbacks",
                "method": "POST",
                "type": "request",
                "direction": "outgoing",
                "count": 3,
                "firstSeen": "2026-11-23T09:59:01Z",
                "lastSeen": "2026-11-23T09:59:58Z",
                "uniqueErrors": 2,
                "errors": [PRIORITY, "$.timestamp: expected number"],
            }
        ],
    }
    assert [e["key"] for e in second.body["violations"]] == ["WS:ping:message"]
    assert len(server.received) == 2  # nothing new, nothing sent


def test_reports_follow_the_interval(clock: Clock) -> None:
    reports = Reports()
    monitor = make_monitor(clock, reporter=reports, report_interval=60)
    monitor.record(violation())
    assert monitor.run_pending() == 60
    clock.advance(59)
    assert monitor.run_pending() == 1
    assert reports.calls == 0
    clock.advance(1)
    assert monitor.run_pending() == 60
    assert reports.calls == 1
    clock.advance(60)
    monitor.run_pending()
    assert reports.calls == 1  # an empty buffer is not reported


def test_the_http_reporter_raises_on_anything_but_2xx(server: LocalServer) -> None:
    server.statuses.extend([500, 302])
    reporter = HttpReporter(base_url=server.url + "/api/v1", token="vpr")
    body = {"timestamp": "2026-11-23T10:00:00Z", "dropped": 0, "violations": []}
    with pytest.raises(ServerError):
        reporter(body)
    with pytest.raises(UnexpectedResponse):
        reporter(body)
    reporter(body)
    assert [r.path for r in server.received] == ["/api/monitoring/contract-violations"] * 3
    reporter.close()
    down = HttpReporter(base_url=f"http://127.0.0.1:{closed_port()}", token="vpr", timeout=2)
    with pytest.raises(TransportError):
        down(body)
    down.close()


def test_a_failed_report_is_kept_and_merged_with_what_came_in_meanwhile(
    server: LocalServer, clock: Clock
) -> None:
    server.statuses.append(500)
    http = HttpReporter(base_url=server.url, token="vpr")

    def reporter(report: dict[str, Any]) -> None:
        if not server.received:  # while the first report is on its way
            monitor.record(violation(errors=("$.content: required", PRIORITY), at=90))
            monitor.record(violation(errors=("$.timestamp: expected number",), at=5))
            monitor.record(violation("/api/v1/me", method="GET", type="response", at=91))
        http(report)

    monitor = make_monitor(clock, reporter=reporter)
    monitor.record(violation(errors=(PRIORITY,), at=10))
    monitor.record(violation(errors=("$.content: required",), at=20))
    assert monitor.flush() is False

    [refused] = server.wait_for(1)
    assert [(e["key"], e["count"]) for e in refused.body["violations"]] == [
        ("POST:/api/v1/feedbacks:request", 2)
    ]
    merged = monitor.snapshot()["violations"]
    assert merged == [
        {
            "key": "POST:/api/v1/feedbacks:request",
            "endpoint": FEEDBACKS,
            "method": "POST",
            "type": "request",
            "direction": "outgoing",
            "count": 4,
            "firstSeen": "2026-11-23T09:59:05Z",
            "lastSeen": "2026-11-23T10:00:30Z",
            "uniqueErrors": 3,
            "errors": [PRIORITY, "$.content: required", "$.timestamp: expected number"],
        },
        {
            "key": "GET:/api/v1/me:response",
            "endpoint": "/api/v1/me",
            "method": "GET",
            "type": "response",
            "direction": "outgoing",
            "count": 1,
            "firstSeen": "2026-11-23T10:00:31Z",
            "lastSeen": "2026-11-23T10:00:31Z",
            "uniqueErrors": 1,
            "errors": [PRIORITY],
        },
    ]
    assert monitor.flush() is True
    assert server.wait_for(2)[1].body["violations"] == merged
    assert monitor.snapshot()["violations"] == []
    http.close()


def test_an_interrupted_report_is_kept(clock: Clock) -> None:
    def reporter(report: dict[str, Any]) -> None:
        raise KeyboardInterrupt

    monitor = make_monitor(clock, reporter=reporter)
    monitor.record(violation())
    with pytest.raises(KeyboardInterrupt):
        monitor.flush()
    assert entry(monitor, "POST:/api/v1/feedbacks:request")["count"] == 1


def test_failed_reports_are_retried_with_backoff(clock: Clock) -> None:
    reports = Reports(fail=lambda call: call <= 4)
    backoff = Backoff(base=1.0, factor=2.0, cap=4.0)
    monitor = make_monitor(clock, reporter=reports, report_interval=60, backoff=backoff)
    monitor.record(violation())
    clock.advance(60)
    for attempt in range(4):
        wait = monitor.run_pending()
        assert reports.calls == attempt + 1
        assert backoff.ceiling(attempt) / 2 <= wait <= backoff.ceiling(attempt)
        due = clock.now + wait
        clock.now = due - wait / 100
        assert monitor.run_pending() == pytest.approx(wait / 100)
        assert reports.calls == attempt + 1  # not before its time
        clock.now = due + 1e-9
        assert entry(monitor, "POST:/api/v1/feedbacks:request")["count"] == 1
    assert monitor.run_pending() == pytest.approx(60)  # accepted: back to the interval
    assert [e["count"] for e in reports.entries()] == [1]
    assert monitor.snapshot()["violations"] == []


def test_keys_beyond_max_keys_are_counted_as_dropped(clock: Clock) -> None:
    reports = Reports()
    monitor = make_monitor(clock, reporter=reports, max_keys=3)
    for n in range(5):
        monitor.record(violation(f"/api/v1/x{n}"))
    monitor.record(violation("/api/v1/x5"))
    monitor.record(violation("/api/v1/x0"))  # a kept key still counts
    snapshot = monitor.snapshot()
    assert snapshot["dropped"] == 3
    assert [(e["endpoint"], e["count"]) for e in snapshot["violations"]] == [
        ("/api/v1/x0", 2),
        ("/api/v1/x1", 1),
        ("/api/v1/x2", 1),
    ]
    assert monitor.flush()
    assert reports.accepted[0]["dropped"] == 3
    monitor.record(violation("/api/v1/x4"))  # room again after the accepted report
    assert monitor.snapshot()["dropped"] == 0
    assert [e["endpoint"] for e in monitor.snapshot()["violations"]] == ["/api/v1/x4"]


def test_a_merge_back_over_max_keys_counts_the_newest_keys_as_dropped(clock: Clock) -> None:
    def reporter(report: dict[str, Any]) -> None:
        monitor.record(violation("/api/v1/a"))
        monitor.record(violation("/api/v1/c"))
        monitor.record(violation("/api/v1/d"))
        monitor.record(violation("/api/v1/d"))
        raise ConnectionError("down")

    monitor = make_monitor(clock, reporter=reporter, max_keys=2)
    monitor.record(violation("/api/v1/a"))
    monitor.record(violation("/api/v1/b"))
    monitor.record(violation("/api/v1/z"))  # over the bound: dropped before the report
    assert monitor.flush() is False
    snapshot = monitor.snapshot()
    assert [(e["endpoint"], e["count"]) for e in snapshot["violations"]] == [
        ("/api/v1/a", 2),
        ("/api/v1/b", 1),
    ]
    assert snapshot["dropped"] == 1 + 1 + 2  # z, then c and d (twice)
    total = sum(e["count"] for e in snapshot["violations"]) + snapshot["dropped"]
    assert total == 3 + 4  # every violation recorded is counted once


def test_big_reports_go_in_chunks_each_cleared_when_accepted(clock: Clock) -> None:
    reports = Reports(fail=lambda call: call == 2)
    monitor = make_monitor(clock, reporter=reports, max_keys=2500)
    for n in range(2501):
        monitor.record(violation(f"/api/v1/x{n}"))
    assert monitor.flush() is False  # the first chunk went, the second did not
    assert [len(r["violations"]) for r in reports.accepted] == [1000]
    assert reports.accepted[0]["dropped"] == 1
    left = monitor.snapshot()
    assert len(left["violations"]) == 1500 and left["dropped"] == 0
    assert left["violations"][0]["endpoint"] == "/api/v1/x1000"
    assert monitor.flush() is True
    assert [len(r["violations"]) for r in reports.accepted] == [1000, 1000, 500]
    assert [r["dropped"] for r in reports.accepted] == [1, 0, 0]
    endpoints = [e["endpoint"] for e in reports.entries()]
    assert endpoints == [f"/api/v1/x{n}" for n in range(2500)]


# -- the thread ----------------------------------------------------------------------------


def test_stop_reports_what_is_left_and_joins_the_thread() -> None:
    reports = Reports()
    monitor = ContractMonitor(reporter=reports, report_interval=3600)
    assert monitor.start() is monitor.start()  # a second start does nothing
    assert monitor_threads() == ["videoplanet-contract-monitor"]
    monitor.record(violation())
    assert monitor.stop() is True
    assert monitor_threads() == []
    assert [e["count"] for e in reports.entries()] == [1]


def test_stop_says_when_the_last_report_was_not_accepted() -> None:
    reports = Reports(fail=lambda call: True)
    monitor = ContractMonitor(reporter=reports, report_interval=3600).start()
    monitor.record(violation())
    assert monitor.stop() is False
    assert entry(monitor, "POST:/api/v1/feedbacks:request")["count"] == 1  # still there


def test_a_monitor_never_started_never_starts_a_thread(clock: Clock) -> None:
    reports = Reports()
    monitor = make_monitor(clock, reporter=reports, alert_sinks=[ListSink()], alert_threshold=0)
    for _ in range(20):
        monitor.record(violation())
    clock.advance(60)
    monitor.run_pending()
    assert monitor_threads() == []
    assert monitor.stop() is True
    assert monitor_threads() == []
    assert [e["count"] for e in reports.entries()] == [20]


def test_the_context_manager_starts_and_closes(server: LocalServer) -> None:
    reporter = HttpReporter(base_url=server.url, token="vpr")
    with ContractMonitor(reporter=reporter, report_interval=3600) as monitor:
        assert monitor_threads() == ["videoplanet-contract-monitor"]
        monitor.record(violation())
    assert monitor_threads() == []
    assert len(server.wait_for(1)) == 1
    with pytest.raises(RuntimeError):  # closed with the monitor
        reporter({"timestamp": "", "dropped": 0, "violations": []})


def test_many_threads_recording_while_reports_fail_and_succeed() -> None:
    reports = Reports(fail=lambda call: call % 3 == 0)
    monitor = ContractMonitor(
        reporter=reports,
        report_interval=0.001,
        backoff=Backoff(base=0.001, factor=2.0, cap=0.005),
        max_keys=5,
    ).start()
    keys = [f"/api/v1/k{n}" for n in range(7)]  # 7 keys, room for 5: some get dropped
    start = threading.Barrier(8)

    def work(worker: int) -> None:
        start.wait()
        for n in range(2000):
            monitor.record(violation(keys[(worker + n) % 7], errors=(f"e{n % 30}",)))

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = monitor.stop()
    for _ in range(3):
        done = done or monitor.flush()
    assert done
    kept = sum(e["count"] for e in reports.entries())
    dropped = sum(r["dropped"] for r in reports.accepted)
    assert kept + dropped == 8 * 2000
    assert all(e["uniqueErrors"] <= 30 for e in reports.entries())


def test_flush_at_exit_reports_when_the_interpreter_exits() -> None:
    script = """
import json, sys
from videoplanet_client import ContractMonitor
def reporter(report):
    print(json.dumps([e["key"] for e in report["violations"]]))
monitor = ContractMonitor(reporter=reporter, report_interval=3600, flush_at_exit={flag})
monitor.start()
monitor.record_violation("/api/v1/feedbacks", "POST", "request", "boom")
"""
    outputs = [
        subprocess.run(
            [sys.executable, "-c", script.format(flag=flag)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout.strip()
        for flag in (True, False)
    ]
    assert outputs == ['["POST:/api/v1/feedbacks:request"]', ""]
