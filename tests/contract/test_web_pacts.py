"""Provider verification of the web app's committed pacts (``pacts/VideoPlanet-Frontend-*``),
written by its Vitest pact tests (``web/src/**/*.pact.test.ts``, ``make web-pacts``).

- HTTP: the official `pact verifier` CLI replays every interaction against a real
  `make provider` process (with ``--provider-name``: without it the CLI verifies nothing
  and still exits 0), and its JSON report must name every interaction as passed.
- Messages: the same producers as the SDK's message pact build each room event with the
  server's own builders and check it against the outgoing contract.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pact import Verifier

from tests.contract.test_sdk_pacts import (
    PACTS,
    _interaction_results,
    interactions,
    provider,
    record_verification,
    run_verifier,
)
from tests.server import ProviderServer
from videoplanet.pact import messages

__all__ = ["provider"]  # the module-scoped provider process fixture

WEB_HTTP_PACT = PACTS / "VideoPlanet-Frontend-VideoPlanet-Backend.json"
WEB_MESSAGE_PACT = PACTS / "VideoPlanet-Frontend-VideoPlanet-Backend-Realtime.json"


def test_the_web_pacts_name_the_web_app_and_keep_http_and_messages_apart() -> None:
    http = json.loads(WEB_HTTP_PACT.read_text(encoding="utf-8"))
    room = json.loads(WEB_MESSAGE_PACT.read_text(encoding="utf-8"))
    assert (http["consumer"]["name"], http["provider"]["name"]) == (
        "VideoPlanet-Frontend",
        "VideoPlanet-Backend",
    )
    assert room["provider"]["name"] == messages.PROVIDER_REALTIME
    assert {i["type"] for i in http["interactions"]} == {"Synchronous/HTTP"}
    assert {i["type"] for i in room["interactions"]} == {"Asynchronous/Messages"}
    statuses = {i["response"]["status"] for i in http["interactions"]}
    assert {400, 401, 403, 404} <= statuses


@pytest.mark.server
def test_provider_honours_every_web_http_interaction(
    provider: ProviderServer, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    result = run_verifier(WEB_HTTP_PACT, provider.port, provider.port, report)
    if report.exists():
        record_verification(WEB_HTTP_PACT, json.loads(report.read_text()))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    outcomes = {
        r["interaction"]: r["result"] for r in _interaction_results(json.loads(report.read_text()))
    }
    expected = {i["description"] for i in interactions(WEB_HTTP_PACT)}
    assert len(expected) >= 20
    assert set(outcomes) == expected  # every interaction was replayed, not none
    assert set(outcomes.values()) == {"OK"}


def test_server_produces_every_room_event_the_web_app_expects() -> None:
    descriptions = {i["description"] for i in interactions(WEB_MESSAGE_PACT)}
    assert descriptions <= set(messages.builders()), descriptions - set(messages.builders())
    verifier = (
        Verifier(messages.PROVIDER_REALTIME)
        .add_source(WEB_MESSAGE_PACT)
        .message_handler(messages.producers())
    )
    try:
        verifier.verify()
    except RuntimeError as exc:
        record_verification(WEB_MESSAGE_PACT, verifier.results)
        pytest.fail(
            f"message verification failed: {exc}\n{json.dumps(verifier.results, indent=2)[:6000]}"
        )
    record_verification(WEB_MESSAGE_PACT, verifier.results)


def test_a_wrong_room_event_fails_the_web_message_pact() -> None:
    handlers = messages.producers()
    wrong = {"type": "presence.snapshot", "payload": {"users": [{"user_id": "someone"}]}}
    handlers["a presence.snapshot message"] = lambda **_: messages.as_pact_message(wrong)
    verifier = (
        Verifier(messages.PROVIDER_REALTIME).add_source(WEB_MESSAGE_PACT).message_handler(handlers)
    )
    with pytest.raises(RuntimeError):
        verifier.verify()
    assert "presence.snapshot" in json.dumps(verifier.results)
