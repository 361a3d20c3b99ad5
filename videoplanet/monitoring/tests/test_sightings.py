"""What the server handled at run time reaches the coverage matrix, from HTTP and rooms."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.utils import timezone
from prometheus_client import REGISTRY

from config.asgi import application
from videoplanet.accounts.services import token_issue
from videoplanet.monitoring import services
from videoplanet.monitoring.models import Sighting
from videoplanet.monitoring.sightings import sightings
from videoplanet.realtime.broadcast import room_event
from videoplanet.realtime.notify import user_left_message
from videoplanet.realtime.rooms import reset_memory_presence

if TYPE_CHECKING:
    from conftest import World


def seen() -> set[tuple[str, str]]:
    return set(Sighting.objects.values_list("method", "endpoint"))


@pytest.mark.django_db
def test_successful_documented_operations_are_recorded_when_the_interval_is_up(
    world: World, as_user: Any, anon: Any, settings: Any
) -> None:
    client = as_user(world.owner)
    client.get("/api/v1/me")
    client.get(f"/api/v1/videos/{world.other_video.id}")  # 404: not a sighting
    anon.get("/api/v1/projects")  # 401: neither
    assert seen() == set()  # the interval (infinite in tests) is not up
    settings.MONITORING_SEEN_FLUSH_SECONDS = 0
    client.get("/api/v1/projects")
    assert seen() == {("GET", "/api/v1/me"), ("GET", "/api/v1/projects")}


@pytest.mark.django_db
def test_a_later_sighting_moves_last_seen_forward() -> None:
    sightings.mark("GET", "/api/v1/me")
    sightings.flush()
    first = Sighting.objects.get().last_seen
    sightings.mark("GET", "/api/v1/me")
    sightings.flush()
    assert Sighting.objects.get().last_seen > first
    assert Sighting.objects.count() == 1


@pytest.mark.django_db
def test_a_failed_write_keeps_the_sightings_for_the_next_flush(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = services.sightings_record

    def down(**kwargs: Any) -> None:
        raise RuntimeError("database unavailable")

    sightings.mark("GET", "/api/v1/me")
    monkeypatch.setattr(services, "sightings_record", down)
    sightings.flush()
    assert seen() == set()
    monkeypatch.setattr(services, "sightings_record", real)
    sightings.flush()
    assert seen() == {("GET", "/api/v1/me")}


def _ws_count(type_: str, direction: str) -> float:
    value = REGISTRY.get_sample_value(
        "videoplanet_ws_messages_total", {"type": type_, "direction": direction}
    )
    return value or 0.0


@pytest.mark.django_db
def test_a_room_broadcast_is_counted_once_and_sighted(world: World) -> None:
    left, joined = _ws_count("user.left", "outgoing"), _ws_count("user.joined", "outgoing")
    assert room_event(user_left_message(str(world.owner.id), timezone.now())) is not None
    assert _ws_count("user.left", "outgoing") == left + 1
    invalid = {"type": "user.joined", "payload": {"user_id": "someone"}}
    assert room_event(invalid) is None  # not sent: neither counted nor seen
    assert _ws_count("user.joined", "outgoing") == joined
    sightings.flush()
    assert seen() == {("WS", "user.left")}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_room_messages_are_counted_and_a_socket_process_flushes_on_connect(
    world: World, settings: Any
) -> None:
    reset_memory_presence()
    pings, pongs = _ws_count("ping", "incoming"), _ws_count("pong", "outgoing")
    key = await sync_to_async(token_issue)(user=world.viewer)
    headers = [(b"authorization", f"Bearer {key}".encode())]
    path = f"/ws/videos/{world.video.id}/"

    ws = WebsocketCommunicator(application, path, headers=headers)
    assert (await ws.connect())[0]
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "presence.snapshot"
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "user.joined"  # own
    await ws.send_to(text_data=json.dumps({"type": "ping", "payload": {"id": "1"}}))
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "pong"
    await ws.send_to(text_data=json.dumps({"type": "shout", "payload": {}}))  # not counted
    assert json.loads(await ws.receive_from(timeout=2))["type"] == "error"
    assert _ws_count("ping", "incoming") == pings + 1
    assert _ws_count("pong", "outgoing") == pongs + 1
    assert await sync_to_async(seen)() == set()

    settings.MONITORING_SEEN_FLUSH_SECONDS = 0
    second = WebsocketCommunicator(application, path, headers=headers)
    assert (await second.connect())[0]
    assert json.loads(await second.receive_from(timeout=2))["type"] == "presence.snapshot"
    recorded = await sync_to_async(seen)()
    assert {
        ("WS", "ping"),
        ("WS", "pong"),
        ("WS", "presence.snapshot"),
        ("WS", "user.joined"),
    } <= recorded
    assert ("WS", "shout") not in recorded
    await ws.disconnect()
    await second.disconnect()
    reset_memory_presence()


@pytest.mark.django_db
def test_sightings_older_than_the_window_do_not_count_as_seen() -> None:
    from videoplanet.monitoring.selectors import coverage_matrix

    Sighting.objects.create(
        method="GET", endpoint="/api/v1/me", last_seen=timezone.now() - timedelta(hours=25)
    )
    rows = {(r.method, r.endpoint): r for r in coverage_matrix(window=timedelta(hours=24))}
    assert rows[("GET", "/api/v1/me")].seen is False
    assert rows[("GET", "/api/v1/me")].last_seen is not None


@pytest.mark.django_db
def test_message_types_outside_the_contract_are_counted_as_unknown() -> None:
    from videoplanet.monitoring.sightings import ws_message_observed

    def value(**labels: str) -> float:
        return REGISTRY.get_sample_value("videoplanet_ws_messages_total", labels) or 0.0

    before = value(type="unknown", direction="incoming")
    for n in range(5):
        ws_message_observed(f"made.up.{n}", "incoming")
    ws_message_observed("ping", "sideways")
    assert value(type="unknown", direction="incoming") == before + 5
    assert value(type="made.up.0", direction="incoming") == 0.0
    assert value(type="ping", direction="unknown") >= 1
    sightings.flush()
    assert seen() == {("WS", "ping")}  # no coverage row for a made-up type
