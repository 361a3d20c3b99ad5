"""Who uses what: per consumer and version, counted in memory, written hourly, exported."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import UTC, timedelta
from io import StringIO
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from config.asgi import application
from videoplanet.accounts.services import token_issue
from videoplanet.apidiff.usage import UsageDocument
from videoplanet.monitoring import services
from videoplanet.monitoring.models import UsageHour
from videoplanet.monitoring.usage import UsageRecorder, identify, usage
from videoplanet.monitoring.usage_document import usage_document
from videoplanet.realtime.broadcast import abroadcast
from videoplanet.realtime.notify import user_left_message
from videoplanet.realtime.rooms import reset_memory_presence

if TYPE_CHECKING:
    from conftest import World

FRONTEND = {"HTTP_X_CLIENT": "VideoPlanet-Frontend/1.2.0"}


def rows() -> set[tuple[str, str, str, str, str, int]]:
    return {
        (r.consumer, r.version, r.operation, r.kind, r.name, r.count)
        for r in UsageHour.objects.all()
    }


@pytest.mark.parametrize(
    ("x_client", "agent", "expected"),
    [
        ("VideoPlanet-Frontend/1.2.0", None, ("VideoPlanet-Frontend", "1.2.0")),
        (None, "videoplanet-client/0.4.0", ("VideoPlanet-Python-SDK", "0.4.0")),
        (None, "videoplanet-client/0.4.0 python-httpx", ("VideoPlanet-Python-SDK", "0.4.0")),
        ("Frontend", None, ("unknown", "unknown")),  # no version
        ("Bad Name/1.0", None, ("unknown", "unknown")),
        ("x" * 65 + "/1.0", None, ("unknown", "unknown")),
        ("App/" + "1" * 33, None, ("unknown", "unknown")),
        (None, "Mozilla/5.0", ("unknown", "unknown")),
        (None, None, ("unknown", "unknown")),
    ],
)
def test_the_consumer_is_named_by_x_client_or_the_sdks_user_agent(
    x_client: str | None, agent: str | None, expected: tuple[str, str]
) -> None:
    assert identify(x_client, agent) == expected


@pytest.mark.contract_unchecked("sends an undocumented field and parameter on purpose")
@pytest.mark.django_db
def test_calls_names_and_status_classes_are_written_when_the_interval_is_up(
    world: World, as_user: Any, settings: Any
) -> None:
    client = as_user(world.owner)
    created = client.post(
        "/api/v1/projects",
        json.dumps({"name": "Trailer", "colour": "red"}),
        content_type="application/json",
        **FRONTEND,
    )
    assert created.status_code == 201
    client.get(
        f"/api/v1/feedbacks?video_id={world.video.id}&secret=1",
        HTTP_USER_AGENT="videoplanet-client/0.4.0",
    )
    client.post("/api/v1/projects", "{}", content_type="application/json", **FRONTEND)  # 400
    assert UsageHour.objects.count() == 0  # in memory until the interval is up
    settings.MONITORING_SEEN_FLUSH_SECONDS = 0
    client.get("/api/v1/me")
    front, sdk = ("VideoPlanet-Frontend", "1.2.0"), ("VideoPlanet-Python-SDK", "0.4.0")
    assert {
        (*front, "POST /api/v1/projects", "call", "", 2),
        (*front, "POST /api/v1/projects", "field", "$.name", 1),
        (*front, "POST /api/v1/projects", "field", "other", 1),  # colour: undocumented
        (*front, "POST /api/v1/projects", "status", "2xx", 1),
        (*front, "POST /api/v1/projects", "status", "4xx", 1),
        (*sdk, "GET /api/v1/feedbacks", "call", "", 1),
        (*sdk, "GET /api/v1/feedbacks", "query", "video_id", 1),
        (*sdk, "GET /api/v1/feedbacks", "query", "other", 1),
        ("unknown", "unknown", "GET /api/v1/me", "call", "", 1),
    } <= rows()
    assert not any("colour" in r[4] or "secret" in r[4] for r in rows())  # names only


@pytest.mark.django_db
def test_recording_can_be_turned_off(world: World, as_user: Any, settings: Any) -> None:
    settings.USAGE_RECORDING = False
    as_user(world.owner).get("/api/v1/me", **FRONTEND)
    assert usage.pending() == {}


@pytest.mark.django_db
def test_consumers_beyond_the_hourly_cap_count_as_other(
    world: World, as_user: Any, settings: Any
) -> None:
    settings.USAGE_MAX_CLIENTS_PER_HOUR = 2
    client = as_user(world.owner)
    for number in range(4):
        client.get("/api/v1/me", HTTP_X_CLIENT=f"Script-{number}/1.0")
    client.get("/api/v1/me", HTTP_X_CLIENT="Script-0/1.0")  # already counted this hour
    usage.flush()
    calls = {(r[0], r[1]): r[5] for r in rows() if r[3] == "call"}
    assert calls == {("Script-0", "1.0"): 2, ("Script-1", "1.0"): 1, ("other", "other"): 2}


@pytest.mark.django_db
def test_the_hourly_cap_holds_across_server_processes(settings: Any) -> None:
    """Each process has its own recorder; the database holds the cap for all of them."""
    settings.USAGE_MAX_CLIENTS_PER_HOUR = 2
    first, second = UsageRecorder(), UsageRecorder()
    for recorder, names in ((first, ["Script-0", "Script-1"]), (second, ["Script-2", "Script-0"])):
        for name in names:  # within each process's own cap
            recorder.call((name, "1.0"), "GET /api/v1/me", query=[], body=None, status=200)
        recorder.flush()
    calls = {(r[0], r[1]): r[5] for r in rows() if r[3] == "call"}
    # Script-2 came third in the hour, from the second process: counted, as other
    assert calls == {("Script-0", "1.0"): 2, ("Script-1", "1.0"): 1, ("other", "other"): 1}
    statuses = {(r[0], r[4]): r[5] for r in rows() if r[3] == "status"}
    assert statuses[("other", "2xx")] == 1


@pytest.mark.django_db(transaction=True)
def test_two_processes_writing_at_once_cannot_both_take_the_last_place(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is tested on PostgreSQL (make test)")
    settings.USAGE_MAX_CLIENTS_PER_HOUR = 1
    hour = timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    inside, release, second_done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    add_counts = services._add_counts

    def pause_before_commit(*args: Any, **kwargs: Any) -> None:
        add_counts(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()  # Script-A admitted and written, not committed yet
            release.wait(timeout=60)

    monkeypatch.setattr(services, "_add_counts", pause_before_commit)

    def write(name: str, done: threading.Event | None = None) -> None:
        try:
            services.usage_add(increments={(hour, name, "1.0", "GET /api/v1/me", "call", ""): 1})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()
            if done is not None:
                done.set()

    first = threading.Thread(target=write, args=("Script-A",), name="first")
    first.start()
    assert inside.wait(timeout=60)
    second = threading.Thread(target=write, args=("Script-B", second_done), name="second")
    second.start()
    # Let the first commit once the second has either finished (no lock: both would take
    # the one place) or waits for the first's lock (the design).
    deadline = time.monotonic() + 60
    while not second_done.is_set() and not _waiting_for_an_advisory_lock():
        assert time.monotonic() < deadline, "the second writer neither finished nor waited"
        time.sleep(0.01)  # polling an observable condition, bounded by the deadline
    release.set()
    first.join()
    second.join()
    assert errors == []
    calls = {(r[0], r[1]): r[5] for r in rows() if r[3] == "call"}
    assert calls == {("Script-A", "1.0"): 1, ("other", "other"): 1}


def _waiting_for_an_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        row = cursor.fetchone()
        return bool(row and row[0])


@pytest.mark.django_db
def test_concurrent_flushes_add_up_in_one_row() -> None:
    client = ("VideoPlanet-Frontend", "1.0")
    for _ in range(3):
        usage.call(client, "GET /api/v1/me", query=[], body=None, status=200)
        usage.flush()
    assert UsageHour.objects.get(kind="call").count == 3


@pytest.mark.contract_unchecked("sends an undocumented field and parameter on purpose")
@pytest.mark.django_db
def test_usage_export_writes_a_valid_usage_document(
    world: World, as_user: Any, settings: Any
) -> None:
    client = as_user(world.owner)
    client.post(
        "/api/v1/projects",
        json.dumps({"name": "Trailer", "colour": "red"}),
        content_type="application/json",
        **FRONTEND,
    )
    usage.message(("VideoPlanet-Frontend", "1.2.0"), "ping", "sent")
    usage.message(("VideoPlanet-Frontend", "1.2.0"), "not-a-type", "sent")  # closed set
    usage.flush()
    out = StringIO()
    call_command("usage_export", "--window", "30d", stdout=out)
    document = UsageDocument.model_validate(json.loads(out.getvalue()))
    frontend = document.consumers["VideoPlanet-Frontend"]
    assert frontend.versions == ["1.2.0"]
    operation = frontend.operations["POST /api/v1/projects"]
    assert operation.calls == 1
    assert operation.request_fields == {"$.name": 1}  # "other" is not a documented name
    assert operation.statuses == {"2xx": 1}
    assert set(frontend.messages.sent) == {"ping"}
    # Two minutes of data is not thirty days of evidence: the window says so.
    span = document.window.end - document.window.start
    assert span < timedelta(hours=2)


@pytest.mark.django_db
def test_an_empty_server_exports_an_empty_window() -> None:
    document = UsageDocument.model_validate(usage_document(window=timedelta(days=30)))
    assert document.consumers == {}
    assert document.window.start == document.window.end


@pytest.mark.django_db
def test_monitoring_prune_deletes_usage_older_than_the_retention() -> None:
    old = timezone.now() - timedelta(days=40)
    UsageHour.objects.create(
        hour=old, consumer="A", version="1", operation="GET /api/v1/me", kind="call", count=1
    )
    UsageHour.objects.create(
        hour=timezone.now(), consumer="A", version="1", operation="GET /api/v1/me", kind="call"
    )
    call_command("monitoring_prune", stdout=StringIO())
    assert UsageHour.objects.count() == 1


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_rooms_count_messages_received_and_sent_per_consumer(world: World) -> None:
    reset_memory_presence()
    key = await sync_to_async(token_issue)(user=world.viewer)
    headers = [
        (b"authorization", f"Bearer {key}".encode()),
        (b"x-client", b"VideoPlanet-Python-SDK/0.4.0"),
    ]
    ws = WebsocketCommunicator(application, f"/ws/videos/{world.video.id}/", headers=headers)
    assert (await ws.connect())[0]
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "presence.snapshot"
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "user.joined"
    await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {"id": "1"}}))
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "pong"
    await abroadcast(world.video.id, user_left_message(str(world.owner.id), timezone.now()))
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "user.left"
    counts = {(k[3], k[4]): n for k, n in usage.pending().items() if k[1] != "unknown"}
    assert counts == {
        ("presence.snapshot", "received"): 1,
        ("user.joined", "received"): 1,
        ("ping", "sent"): 1,
        ("pong", "received"): 1,
        ("user.left", "received"): 1,
    }
    await ws.disconnect()
    reset_memory_presence()


@pytest.mark.asyncio
async def test_a_room_broadcast_is_counted_per_socket_and_recorded_once_per_consumer() -> None:
    from videoplanet.realtime.consumers import _tally_received

    web, sdk = ("VideoPlanet-Frontend", "1.2.0"), ("VideoPlanet-Python-SDK", "0.4.0")
    event = {"type": "room.event", "text": "{}", "message": "feedback.created"}
    for client in (web, sdk, web):  # three sockets of one process take the same event
        _tally_received(event, client)
    assert usage.pending() == {}  # recorded once they are all done
    await asyncio.sleep(0)
    _tally_received(event, web)  # a socket after that: counted too
    await asyncio.sleep(0)
    counts = {(k[1], k[3], k[4]): n for k, n in usage.pending().items()}
    assert counts == {
        ("VideoPlanet-Frontend", "feedback.created", "received"): 3,
        ("VideoPlanet-Python-SDK", "feedback.created", "received"): 1,
    }
