"""The AsyncAPI document is generated from the event models and committed."""

from __future__ import annotations

import json
from typing import Any

from videoplanet.realtime import events
from videoplanet.realtime.asyncapi import COMMITTED, generate, render


def test_committed_document_matches_the_models() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(generate()), (
        "contracts/asyncapi.json is out of date: run `make asyncapi` and commit it"
    )


def test_every_message_type_is_in_the_document() -> None:
    document = generate()
    assert document["asyncapi"] == "3.0.0"
    names = {m["name"] for m in document["components"]["messages"].values()}
    assert names == set(events.SERVER_EVENTS) | set(events.CLIENT_MESSAGES)
    sent = document["operations"]["receiveRoomEvents"]
    assert sent["action"] == "send"
    assert len(sent["messages"]) == len(events.SERVER_EVENTS)
    for message in document["components"]["messages"].values():
        payload_ref = message["payload"]["properties"]["payload"]["$ref"]
        assert (
            payload_ref.removeprefix("#/components/schemas/") in document["components"]["schemas"]
        )


def test_optional_ids_are_absent_not_null() -> None:
    schema = generate()["components"]["schemas"]["CommentAdded"]
    assert "parent_id" not in schema["required"]
    assert schema["properties"]["parent_id"] == {
        "format": "uuid",
        "title": "Parent Id",
        "type": "string",
    }


def test_served_document_is_the_committed_one(client: Any) -> None:
    response = client.get("/api/v1/asyncapi.json")
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(COMMITTED.read_text(encoding="utf-8"))
