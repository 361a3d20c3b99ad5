"""A worker without a shared channel layer reaches the rooms through the server."""

from __future__ import annotations

import json
import uuid
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core import signing
from django.test import Client

from videoplanet.realtime.broadcast import broadcast, room_group
from videoplanet.realtime.relay import SALT

VIDEO = uuid.uuid4()
MESSAGE = {"type": "video.updated",
           "payload": {"id": str(VIDEO), "project_id": str(uuid.uuid4()), "status": "ready"}}  # fmt: skip


@pytest.fixture
def room() -> Any:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(room_group(VIDEO), channel)
    return lambda: async_to_sync(layer.receive)(channel)


def test_a_signed_message_is_broadcast_into_the_room(room: Any) -> None:
    token = signing.dumps({"video_id": str(VIDEO), "message": MESSAGE}, salt=SALT)
    response = Client().post("/internal/rooms/relay", token, content_type="text/plain")
    assert response.status_code == 204
    assert json.loads(room()["text"]) == MESSAGE


@pytest.mark.parametrize(
    "body",
    ["not a token", signing.dumps({"x": 1}, salt="other")],
    ids=["not a token", "signed with another salt"],  # the same in every xdist worker
)
def test_anything_else_is_refused(body: str) -> None:
    response = Client().post("/internal/rooms/relay", body, content_type="text/plain")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_with_a_relay_url_broadcast_goes_through_the_server(
    room: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ROOM_RELAY_URL = "http://server.test/internal/rooms/relay"
    sent: list[str] = []

    @contextmanager
    def urlopen(request: Any, timeout: float) -> Any:
        sent.append(request.full_url)
        settings.ROOM_RELAY_URL = ""  # the server itself broadcasts
        answer = Client().post("/internal/rooms/relay", request.data, content_type="text/plain")
        yield type("Answer", (), {"status": answer.status_code})

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    assert broadcast(VIDEO, MESSAGE)
    assert sent == ["http://server.test/internal/rooms/relay"]
    assert json.loads(room()["text"]) == MESSAGE
