"""Reading a room in tests: every message checked against its schema, bounded waits."""

from __future__ import annotations

import json
from typing import Any

from channels.testing.websocket import WebsocketCommunicator

from videoplanet.realtime.contract import server_contract

check = server_contract()


async def next_message(ws: WebsocketCommunicator) -> dict[str, Any]:
    message = json.loads(await ws.receive_from(timeout=2))
    result = check.validate_outgoing(message)
    assert result.valid, (message, result.errors)
    return message


async def joined(ws: WebsocketCommunicator) -> dict[str, Any]:
    """Consume the snapshot a client gets first; return it."""
    snapshot = await next_message(ws)
    assert snapshot["type"] == "presence.snapshot"
    return snapshot


async def closed_with(ws: WebsocketCommunicator) -> int:
    """The close code of the next message, skipping the data frames before it."""
    while True:
        output = await ws.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return int(output["code"])
