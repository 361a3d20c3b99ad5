"""Tickets: `POST /api/v1/realtime/tickets`, then `?ticket=` opens one socket, once."""

from __future__ import annotations

import pickle
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from channels.db import database_sync_to_async
from channels.testing.websocket import WebsocketCommunicator
from django.core.cache import cache, caches
from django.utils import timezone

from config.asgi import application
from tests.factories import VideoFactory
from videoplanet.accounts.models import ApiToken, token_digest
from videoplanet.accounts.services import token_issue
from videoplanet.monitoring.usage import usage
from videoplanet.realtime import tickets
from videoplanet.realtime.tests.helpers import joined, next_message
from videoplanet.realtime.tickets import ticket_issue, ticket_redeem

if TYPE_CHECKING:
    from conftest import World

REDIS_URL = "redis://127.0.0.1:6379/2"


async def open_with(ticket: str, video: Any) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(application, f"/ws/videos/{video.id}/?ticket={quote(ticket)}")
    connected, _ = await ws.connect()
    assert connected
    return ws


@pytest.mark.django_db
class TestEndpoint:
    def test_a_member_gets_a_short_lived_ticket(self, world: World, as_user: Any) -> None:
        response = as_user(world.viewer).post("/api/v1/realtime/tickets", {}, format="json")
        assert response.status_code == 201
        body = response.json()
        assert set(body) == {"ticket", "expires_at"}
        expires = datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
        assert timezone.now() < expires <= timezone.now() + timedelta(seconds=30)
        assert ticket_redeem(body["ticket"]) is not None

    def test_for_a_video(self, world: World, as_user: Any) -> None:
        client = as_user(world.viewer)
        response = client.post(
            "/api/v1/realtime/tickets", {"video_id": str(world.video.id)}, format="json"
        )
        assert response.status_code == 201
        assert ticket_redeem(response.json()["ticket"]).video_id == world.video.id

    def test_another_projects_video_is_404(self, world: World, as_user: Any) -> None:
        response = as_user(world.viewer).post(
            "/api/v1/realtime/tickets", {"video_id": str(world.other_video.id)}, format="json"
        )
        assert (response.status_code, response.json()["code"]) == (404, "not_found")

    def test_a_bad_video_id_is_400(self, world: World, as_user: Any) -> None:
        response = as_user(world.viewer).post(
            "/api/v1/realtime/tickets", {"video_id": 7}, format="json"
        )
        assert response.status_code == 400
        assert "video_id" in response.json()["details"]

    def test_without_a_token_is_401(self, anon: Any) -> None:
        response = anon.post("/api/v1/realtime/tickets", {}, format="json")
        assert response.status_code == 401

    def test_the_cache_holds_neither_the_ticket_nor_the_token(self, world: World) -> None:
        key = token_issue(user=world.viewer)
        ticket = ticket_issue(user=world.viewer, token_key=key)
        stored = pickle.dumps(cache._cache)  # type: ignore[attr-defined]  # LocMemCache
        assert key.encode() not in stored
        assert ticket.value.encode() not in stored
        assert ticket_redeem(ticket.value) is not None


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestSockets:
    async def test_a_ticket_opens_one_socket_once(self, world: World) -> None:
        key = await database_sync_to_async(token_issue)(user=world.viewer)
        ticket = await database_sync_to_async(ticket_issue)(user=world.viewer, token_key=key)
        first = await open_with(ticket.value, world.video)
        snapshot = await joined(first)
        assert snapshot["payload"]["users"][0]["user_id"] == str(world.viewer.id)
        again = await open_with(ticket.value, world.video)
        assert (await again.receive_output(timeout=2))["code"] == 4401
        await again.disconnect()
        await first.disconnect()

    async def test_an_unknown_ticket_is_4401(self, world: World) -> None:
        ws = await open_with("no-such-ticket", world.video)
        assert (await ws.receive_output(timeout=2))["code"] == 4401
        await ws.disconnect()

    async def test_an_expired_ticket_is_4401(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        key = await database_sync_to_async(token_issue)(user=world.viewer)
        ticket = await database_sync_to_async(ticket_issue)(user=world.viewer, token_key=key)
        later = tickets.time.time() + 31  # the cache still has it; the ticket says no
        monkeypatch.setattr(tickets, "time", SimpleNamespace(time=lambda: later))
        ws = await open_with(ticket.value, world.video)
        assert (await ws.receive_output(timeout=2))["code"] == 4401
        await ws.disconnect()

    async def test_a_ticket_for_one_video_does_not_open_another(self, world: World) -> None:
        sibling = await database_sync_to_async(VideoFactory)(project=world.project)
        key = await database_sync_to_async(token_issue)(user=world.viewer)
        ticket = await database_sync_to_async(ticket_issue)(
            user=world.viewer, token_key=key, video_id=world.video.id
        )
        ws = await open_with(ticket.value, sibling)
        assert (await ws.receive_output(timeout=2))["code"] == 4403
        await ws.disconnect()

    async def test_a_ticket_whose_token_was_revoked_opens_nothing(self, world: World) -> None:
        key = await database_sync_to_async(token_issue)(user=world.viewer)
        ticket = await database_sync_to_async(ticket_issue)(user=world.viewer, token_key=key)
        await database_sync_to_async(ApiToken.objects.filter(digest=token_digest(key)).delete)()
        ws = await open_with(ticket.value, world.video)
        assert (await ws.receive_output(timeout=2))["code"] == 4401
        await ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
class TestConsumerName:
    """A browser cannot set X-Client on a WebSocket: its socket is counted under the
    consumer that asked for the ticket (the web app sends X-Client on every API call)."""

    async def ping_with_a_ticket(self, world: World, as_user: Any, **headers: str) -> set[Any]:
        """Ask for a ticket (with ``headers``), open the room with it, ping; the consumers
        (name, version) the room's messages were counted under."""
        usage.clear()
        response = await database_sync_to_async(
            lambda: as_user(world.viewer).post(
                "/api/v1/realtime/tickets",
                {"video_id": str(world.video.id)},
                format="json",
                **headers,
            )
        )()
        assert response.status_code == 201
        ws = await open_with(response.json()["ticket"], world.video)
        await joined(ws)
        await ws.send_json_to({"type": "ping", "payload": {"id": "1"}})
        while (await next_message(ws))["type"] != "pong":
            pass
        await ws.disconnect()
        seen = {(k[1], k[2]) for k in usage.pending() if k[3] in ("ping", "pong")}
        usage.clear()
        return seen

    async def test_the_web_apps_socket_is_named_by_its_ticket_request(
        self, world: World, as_user: Any
    ) -> None:
        seen = await self.ping_with_a_ticket(
            world, as_user, HTTP_X_CLIENT="VideoPlanet-Frontend/0.1.0"
        )
        assert seen == {("VideoPlanet-Frontend", "0.1.0")}

    async def test_a_ticket_asked_for_without_a_name_stays_unknown(
        self, world: World, as_user: Any
    ) -> None:
        assert await self.ping_with_a_ticket(world, as_user) == {("unknown", "unknown")}


@pytest.mark.django_db
def test_single_use_holds_across_redis_clients(world: World, settings: Any) -> None:
    """Eight clients of one Redis (as eight server processes) redeem one ticket at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    key = token_issue(user=world.viewer)
    ticket = ticket_issue(user=world.viewer, token_key=key)
    start = threading.Barrier(8)

    def redeem(_: int) -> bool:
        start.wait(timeout=10)
        return ticket_redeem(ticket.value) is not None  # each thread has its own client

    try:
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(redeem, range(8)))
    finally:
        caches["default"].clear()
    assert results.count(True) == 1
