"""Provider verification of the SDK's committed pacts (``pacts/``).

- HTTP: the official `pact verifier` CLI replays every interaction against a real
  `make provider` process, with the provider-state endpoint as its state-change URL.
  The interactions carry their own example token, so nothing overrides Authorization.
- Messages: pact-python's Verifier asks for each room message by description; the
  producers (``videoplanet.pact.messages``, also used by ``make verify-broker``)
  build it with the server's own builders and check it against the outgoing contract.
- A deliberately broken server (the real one behind a proxy that renames a response
  field) must fail verification with a message naming the field.
- Every public SDK method and every room message type the SDK parses is in a pact.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from pact import Verifier

from tests.server import REPO_ROOT, ProviderServer
from videoplanet.monitoring.verification import verification_record
from videoplanet.pact import messages
from videoplanet.pact import provider_states as ps

PACTS = REPO_ROOT / "pacts"
HTTP_PACT = PACTS / "VideoPlanet-Python-SDK-VideoPlanet-Backend.json"
MESSAGE_PACT = PACTS / "VideoPlanet-Python-SDK-VideoPlanet-Backend-Realtime.json"
VERIFIER = Path(sys.executable).with_name("pact")


def interactions(path: Path) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))["interactions"]  # type: ignore[no-any-return]


def run_verifier(
    pact_file: Path, port: int, state_port: int, report: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    env["PACT_DO_NOT_TRACK"] = "true"
    return subprocess.run(
        [
            str(VERIFIER), "verifier", "--file", str(pact_file),
            "--provider-name", "VideoPlanet-Backend", "--hostname", "127.0.0.1", "--port", str(port),
            "--state-change-url", f"http://127.0.0.1:{state_port}/pact/provider-states",
            "--state-change-teardown", "--request-timeout", "30000", "--json", str(report), "--no-colour",
            *extra,
        ],
        capture_output=True, text=True, env=env, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def provider() -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        yield server


def record_verification(pact_file: Path, report: dict[str, Any]) -> None:
    """With PACT_VERIFICATION_REPORT set (`make contracts` sets it), keep this result for
    the coverage matrix (videoplanet.monitoring.verification); failures are kept too."""
    target = os.environ.get("PACT_VERIFICATION_REPORT")
    if target:
        pact = json.loads(pact_file.read_text(encoding="utf-8"))
        verification_record(
            Path(target),
            provider=pact["provider"]["name"],
            consumer=pact["consumer"]["name"],
            report=report,
        )


@pytest.mark.server
def test_provider_honours_every_http_interaction(provider: ProviderServer, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run_verifier(HTTP_PACT, provider.port, provider.port, report)
    if report.exists():
        record_verification(HTTP_PACT, json.loads(report.read_text()))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    results = json.loads(report.read_text())
    outcomes = {r["interaction"]: r["result"] for r in _interaction_results(results)}
    assert set(outcomes) == {i["description"] for i in interactions(HTTP_PACT)}
    assert set(outcomes.values()) == {"OK"}


SEED_INTERACTIONS = {
    "a request to create feedback with timestamp",
    "a request to list feedbacks",
    "a request to add comment to feedback",
    "a request to add reaction",
}


@pytest.mark.server
def test_seed_interactions_pass_with_the_verifier_adding_the_token(
    provider: ProviderServer, tmp_path: Path
) -> None:
    """Seed §2.1's four interactions, with the verifier adding `Authorization: Bearer
    valid-token` to every request (how the seed's own pact, which sends no token on three
    of them, is verified)."""
    report = tmp_path / "report.json"
    only_seed = "^(" + "|".join(sorted(SEED_INTERACTIONS)) + ")$"
    result = run_verifier(
        HTTP_PACT, provider.port, provider.port, report,
        "--header", "Authorization=Bearer valid-token", "--filter-description", only_seed,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    outcomes = {
        r["interaction"]: r["result"] for r in _interaction_results(json.loads(report.read_text()))
    }
    assert outcomes == dict.fromkeys(SEED_INTERACTIONS, "OK")


def _interaction_results(report: dict[str, Any]) -> list[dict[str, Any]]:
    found = report.get("interactionResults")
    if found is None:  # older report layout: nested per pact
        found = [
            r for source in report.get("results", []) for r in source.get("interactionResults", [])
        ]
    return [
        {
            "interaction": r.get("description") or r.get("interactionDescription"),
            "result": r.get("result"),
        }
        for r in found
    ]


# -- a broken provider: the real one, with one response field renamed ---------------------


class RenamingProxy(ThreadingHTTPServer):
    """Forwards to the provider and renames ``video_id`` to ``videoId`` in JSON bodies."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        super().__init__(("127.0.0.1", 0), _ProxyHandler)


def _rename(value: Any) -> Any:
    if isinstance(value, dict):
        return {("videoId" if k == "video_id" else k): _rename(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v) for v in value]
    return value


class _ProxyHandler(BaseHTTPRequestHandler):
    server: RenamingProxy

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")
        }
        upstream = httpx.request(
            self.command,
            self.server.upstream + self.path,
            headers=headers,
            content=body,
            timeout=30,
        )
        content = upstream.content
        if upstream.headers.get("content-type", "").startswith("application/json") and content:
            content = json.dumps(_rename(upstream.json())).encode()
        self.send_response(upstream.status_code)
        for name, value in upstream.headers.items():
            if name.lower() not in (
                "content-length",
                "transfer-encoding",
                "connection",
                "content-encoding",
            ):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = do_PATCH = do_DELETE = _forward

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.server
def test_renaming_a_response_field_fails_verification_readably(
    provider: ProviderServer, tmp_path: Path
) -> None:
    proxy = RenamingProxy(provider.url)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_verifier(
            HTTP_PACT, proxy.server_address[1], provider.port, tmp_path / "report.json"
        )
    finally:
        proxy.shutdown()
        proxy.server_close()
    assert result.returncode != 0
    assert "a request to list feedbacks" in result.stdout
    assert "video_id" in result.stdout  # the mismatch names the missing field


# -- room messages, produced by the server's own builders ---------------------------------


def test_server_produces_every_room_message_the_sdk_expects() -> None:
    descriptions = {i["description"] for i in interactions(MESSAGE_PACT)}
    assert descriptions == set(messages.builders())
    verifier = (
        Verifier(messages.PROVIDER_REALTIME)
        .add_source(MESSAGE_PACT)
        .message_handler(messages.producers())
    )
    try:
        verifier.verify()
    except RuntimeError as exc:
        record_verification(MESSAGE_PACT, verifier.results)
        pytest.fail(
            f"message verification failed: {exc}\n{json.dumps(verifier.results, indent=2)[:6000]}"
        )
    record_verification(MESSAGE_PACT, verifier.results)


def test_a_wrong_message_fails_message_verification() -> None:
    handlers = messages.producers()
    wrong = {"type": "user.left", "payload": {"user_id": "someone"}}
    handlers["a user.left event"] = lambda **_: messages.as_pact_message(wrong)
    verifier = (
        Verifier(messages.PROVIDER_REALTIME).add_source(MESSAGE_PACT).message_handler(handlers)
    )
    with pytest.raises(RuntimeError):
        verifier.verify()
    assert "user.left" in json.dumps(verifier.results)


# -- coverage: every SDK method and message type is in a pact -----------------------------


def sdk_methods() -> set[str]:
    from videoplanet_client import Client

    client = Client(base_url="http://127.0.0.1:1", token="x")
    methods = {"me"}
    for name, resource in vars(client).items():
        if name.startswith("_") or not hasattr(resource, "_client"):
            continue
        methods |= {
            f"{name}.{method}"
            for method, _ in inspect.getmembers(type(resource), inspect.isfunction)
            if not method.startswith("_")
        }
    client.close()
    return methods


def test_every_sdk_method_is_in_the_http_pact() -> None:
    covered = {i["comments"]["sdk_method"] for i in interactions(HTTP_PACT)}
    methods = sdk_methods()
    assert len(methods) >= 20
    uncovered = methods - covered
    assert not uncovered, f"SDK methods with no pact interaction: {sorted(uncovered)}"
    assert not covered - methods, f"pact names methods the SDK lacks: {sorted(covered - methods)}"


def test_every_message_type_the_sdk_parses_is_in_the_message_pact() -> None:
    from videoplanet_client._events import EVENT_TYPES

    types = {i["contents"]["content"]["type"] for i in interactions(MESSAGE_PACT)}
    assert types == set(EVENT_TYPES)


# -- the provider-state endpoint over real HTTP --------------------------------------------


def set_state(provider: ProviderServer, state: str, action: str = "setup") -> httpx.Response:
    return httpx.post(
        f"{provider.url}/pact/provider-states",
        json={"state": state, "params": {}, "action": action},
        timeout=30.0,
    )


@pytest.mark.server
def test_provider_state_endpoint_refuses_an_unknown_state(provider: ProviderServer) -> None:
    state = "a state nobody defined"
    response = set_state(provider, state)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "validation_error"
    assert state in response.text


@pytest.mark.server
def test_provider_state_setup_builds_the_world_and_teardown_removes_it(
    provider: ProviderServer,
) -> None:
    comments_url = f"{provider.url}/api/v1/comments"
    auth = {"Authorization": f"Bearer {ps.VALID_TOKEN}"}
    query = {"feedback_id": str(ps.FEEDBACK_ID)}
    assert set_state(provider, "comment exists").status_code == 200
    listed = httpx.get(comments_url, params=query, headers=auth, timeout=10.0)
    assert [(c["id"], c["reactions"]) for c in listed.json()] == [(str(ps.COMMENT_ID), {})]
    assert set_state(provider, "comment exists", action="teardown").status_code == 200
    refused = httpx.get(comments_url, params=query, headers=auth, timeout=10.0)
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
