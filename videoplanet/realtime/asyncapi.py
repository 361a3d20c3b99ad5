"""The AsyncAPI 3.0 document of the video rooms, generated from the event models.

    python -m videoplanet.realtime.asyncapi write contracts/asyncapi.json
    python -m videoplanet.realtime.asyncapi check contracts/asyncapi.json

Served at ``GET /api/v1/asyncapi.json``; the committed copy is checked by a test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .events import CLIENT_MESSAGES, SERVER_EVENTS

COMMITTED = Path(__file__).resolve().parents[2] / "contracts" / "asyncapi.json"
REF = "#/components/schemas/{model}"


def _message_name(type_: str) -> str:
    head, *rest = type_.replace(".", "_").split("_")
    return head + "".join(part.title() for part in rest)


def _envelope(type_: str, model: type[BaseModel]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string", "const": type_},
            "payload": {"$ref": REF.format(model=model.__name__)},
        },
        "required": ["type", "payload"],
        "additionalProperties": False,
    }


def generate() -> dict[str, Any]:
    everything = {**SERVER_EVENTS, **CLIENT_MESSAGES}
    _, defs = models_json_schema(
        [(model, "validation") for model in everything.values()], ref_template=REF
    )
    messages: dict[str, Any] = {}
    for type_, model in everything.items():
        messages[_message_name(type_)] = {
            "name": type_,
            "title": type_,
            "summary": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else type_,
            "contentType": "application/json",
            "payload": _envelope(type_, model),
        }
    channel_messages = {name: {"$ref": f"#/components/messages/{name}"} for name in messages}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "VideoPlanet live review rooms",
            "version": "2.0.0",
            "description": (
                "One room per video. Every message is JSON {type, payload}. Connect with "
                "`Authorization: Bearer <token>` or, from a browser, `?ticket=<ticket>` "
                "(single use, from POST /api/v1/realtime/tickets); a token in the URL is "
                "not accepted. A handshake whose Origin is not an allowed host is refused. "
                "Close codes: 4401 (not authenticated, or the token was revoked), 4403 "
                "(not a member of the video's project, or no longer), 4404 (no such "
                "route), 1009 (a client message over 4096 bytes), 1008 (too many client "
                "messages; the excess is dropped first, with one `error` coded "
                "`rate_limited`). Datetimes are UTC with a Z suffix."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "local": {"host": "127.0.0.1:8000", "protocol": "ws", "description": "make run"}
        },
        "channels": {
            "videoRoom": {
                "address": "/ws/videos/{video_id}/",
                "parameters": {"video_id": {"description": "The video's id (a UUID)."}},
                "messages": channel_messages,
            }
        },
        "operations": {
            "receiveRoomEvents": {
                "action": "send",
                "summary": "What the server sends to everyone in the room.",
                "channel": {"$ref": "#/channels/videoRoom"},
                "messages": [
                    {"$ref": f"#/channels/videoRoom/messages/{_message_name(t)}"}
                    for t in SERVER_EVENTS
                ],
            },
            "sendClientMessages": {
                "action": "receive",
                "summary": "What a client may send.",
                "channel": {"$ref": "#/channels/videoRoom"},
                "messages": [
                    {"$ref": f"#/channels/videoRoom/messages/{_message_name(t)}"}
                    for t in CLIENT_MESSAGES
                ],
            },
        },
        "components": {"messages": messages, "schemas": defs.get("$defs", {})},
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    from videoplanet.contracts.documents import write_or_check

    return write_or_check(argv, lambda: render(generate()), usage=__doc__ or "", target="asyncapi")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
