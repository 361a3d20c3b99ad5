"""The seed's consumer pact (strategy §2.1), verified against `make provider` (§2.2).

Consumer side: the four §2.1 interactions (create feedback, list feedbacks, add a
comment, add a reaction) written with pact-python 4 and driven by real HTTP calls from
a tiny httpx client against the Pact mock server. This copy of the interactions lives
here until the SDK issue makes them the SDK's own pact (and its client replaces
``SeedClient``).

Provider side: the official `pact verifier` CLI (pact-python-cli) replays the pact file
against `make provider` on a free port, with the provider-state endpoint as its
state-change URL and ``Authorization: Bearer valid-token`` added to every request, the
usual Pact practice for authentication. A negative control proves the same run fails
when the contract does not hold, and the provider-state endpoint is exercised directly.
"""

from __future__ import annotations

import base64
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pact import Pact, match
from PIL import Image

from tests.server import ProviderServer

CONSUMER = "VideoPlanet-Frontend"
PROVIDER = "VideoPlanet-Backend"
PACT_FILE_NAME = f"{CONSUMER}-{PROVIDER}.json"

FEEDBACK_ID = "550e8400-e29b-41d4-a716-446655440000"
VIDEO_ID = "550e8400-e29b-41d4-a716-446655440001"
JOHN_ID = "550e8400-e29b-41d4-a716-446655440002"
PARENT_COMMENT_ID = "550e8400-e29b-41d4-a716-446655440003"
COMMENT_ID = "550e8400-e29b-41d4-a716-446655440004"
JANE_ID = "550e8400-e29b-41d4-a716-446655440005"
TOKEN = "valid-token"
THUMBS_UP = "👍"

# Pact JS's eachLike() requires at least one item, so every each_like() says min=1.
# The seed's ISO8601_DATETIME_REGEX is not spelled out; this one admits what the server
# renders ("2026-11-23T21:43:15.594604Z") and the seed's examples ("...T10:00:00Z").
ISO8601_DATETIME_REGEX = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
# The seed's term() patterns; the unanchored alternations are anchored so that a
# value merely containing "open" (e.g. "reopened") cannot pass.
SCREENSHOT_URL_REGEX = r"^https?://.*\.(jpg|jpeg|png|webp)$"
COLOR_REGEX = r"^#[0-9A-F]{6}$"
PRIORITY_REGEX = r"^(low|medium|high|critical)$"
STATUS_REGEX = r"^(open|in_progress|resolved|closed)$"
EMAIL_REGEX = r"^[\w.-]+@[\w.-]+\.\w+$"
BEARER_REGEX = r"^Bearer .+$"

VERIFIER = Path(sys.executable).with_name("pact")


def tiny_webp_data_url() -> str:
    """A real 2x2 WebP as a data URL.

    The seed's example, ``data:image/webp;base64,UklGRg...``, is a truncated
    placeholder: the provider decodes and verifies every screenshot as an image of the
    declared type (and a real server must), so the verifier would replay a request no
    server can accept. ``like()`` still lets the consumer send any string.
    """
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (255, 0, 0)).save(buffer, format="WEBP", lossless=True)
    return "data:image/webp;base64," + base64.b64encode(buffer.getvalue()).decode()


SCREENSHOT = tiny_webp_data_url()
DRAWING = {
    "shapes": [
        {
            "type": "rectangle",
            "coordinates": [100, 100, 200, 200],
            "style": {"color": "#FF0000", "width": 2},
        }
    ]
}


def iso_datetime(example: str) -> Any:
    return match.regex(example, regex=ISO8601_DATETIME_REGEX)


# -- the consumer: a tiny client, replaced by the SDK's once the SDK issue lands -------


class SeedClient:
    """The calls the seed's FeedbackAPI and CommentAPI make, over real HTTP."""

    def __init__(self, base_url: str, token: str = TOKEN) -> None:
        self.http = httpx.Client(
            base_url=base_url,
            headers={"Authorization": f"Bearer {token}"},
            timeout=10.0,
        )

    def __enter__(self) -> SeedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def _json(self, response: httpx.Response, expected: int) -> Any:
        assert response.status_code == expected, (response.status_code, response.text)
        return response.json()

    def create_feedback(self, **fields: Any) -> dict[str, Any]:
        return self._json(self.http.post("/api/v1/feedbacks", json=fields), 201)

    def list_feedbacks(self, video_id: str) -> list[dict[str, Any]]:
        return self._json(self.http.get("/api/v1/feedbacks", params={"video_id": video_id}), 200)

    def create_comment(self, **fields: Any) -> dict[str, Any]:
        return self._json(self.http.post("/api/v1/comments", json=fields), 201)

    def add_reaction(self, comment_id: str, emoji: str) -> dict[str, Any]:
        url = f"/api/v1/comments/{comment_id}/reactions"
        return self._json(self.http.post(url, json={"emoji": emoji}), 200)


# -- the four §2.1 interactions ----------------------------------------------------------
# Each declares its interaction on the pact and returns the consumer call that exercises
# it, with the assertions the seed's Jest test makes on the result.

Consumer = Callable[[SeedClient], None]


def create_feedback(pact: Pact) -> Consumer:
    expected_feedback = {
        "id": match.uuid(FEEDBACK_ID),
        "video_id": match.uuid(VIDEO_ID),
        "timestamp": match.like(30.5),
        "content": match.like("Button alignment issue"),
        "screenshot_url": match.regex(
            "https://cdn.example.com/screenshots/abc123.webp", regex=SCREENSHOT_URL_REGEX
        ),
        "drawing_data": match.like(
            {
                "shapes": match.each_like(
                    {
                        "type": "rectangle",
                        "coordinates": [100, 100, 200, 200],
                        "style": {
                            "color": match.regex("#FF0000", regex=COLOR_REGEX),
                            "width": match.like(2),
                        },
                    },
                    min=1,
                )
            }
        ),
        "priority": match.regex("medium", regex=PRIORITY_REGEX),
        "status": "open",
        "user": {
            "id": match.uuid(JOHN_ID),
            "name": match.like("John Doe"),
            "email": match.regex("john@example.com", regex=EMAIL_REGEX),
        },
        "created_at": iso_datetime("2025-08-24T10:00:00Z"),
        "updated_at": iso_datetime("2025-08-24T10:00:00Z"),
    }
    (
        pact.upon_receiving("a request to create feedback with timestamp")
        .given("user is authenticated")
        .with_request("POST", "/api/v1/feedbacks")
        .with_header("Authorization", match.regex(f"Bearer {TOKEN}", regex=BEARER_REGEX))
        .with_body(
            {
                "video_id": match.uuid(VIDEO_ID),
                "timestamp": 30.5,
                "content": "Button alignment issue",
                "screenshot": match.like(SCREENSHOT),
                "drawing_data": DRAWING,
                "priority": "medium",
            },
            content_type="application/json",
        )
        .will_respond_with(201)
        .with_header("Content-Type", "application/json")
        .with_body(expected_feedback, content_type="application/json")
    )

    def consume(api: SeedClient) -> None:
        result = api.create_feedback(
            video_id=VIDEO_ID,
            timestamp=30.5,
            content="Button alignment issue",
            screenshot=SCREENSHOT,
            drawing_data=DRAWING,
            priority="medium",
        )
        assert result["id"]
        assert result["timestamp"] == 30.5
        assert result["status"] == "open"

    return consume


def list_feedbacks(pact: Pact) -> Consumer:
    (
        pact.upon_receiving("a request to list feedbacks")
        .given("video has feedbacks")
        .with_request("GET", "/api/v1/feedbacks")
        .with_query_parameter("video_id", VIDEO_ID)
        .will_respond_with(200)
        .with_body(
            match.each_like(
                {
                    "id": match.uuid(FEEDBACK_ID),
                    "video_id": match.uuid(VIDEO_ID),
                    "timestamp": match.like(30.5),
                    "content": match.like("Feedback content"),
                    "status": match.regex("open", regex=STATUS_REGEX),
                },
                min=1,
            ),
            content_type="application/json",
        )
    )

    def consume(api: SeedClient) -> None:
        feedbacks = api.list_feedbacks(VIDEO_ID)
        assert len(feedbacks) == 1
        assert feedbacks[0]["video_id"] == VIDEO_ID

    return consume


def add_comment(pact: Pact) -> Consumer:
    (
        pact.upon_receiving("a request to add comment to feedback")
        .given("feedback exists")
        .with_request("POST", "/api/v1/comments")
        .with_body(
            {
                "feedback_id": match.uuid(FEEDBACK_ID),
                "parent_id": match.uuid(PARENT_COMMENT_ID),
                "content": "This is a reply",
                "mentions": [match.uuid(JOHN_ID)],
            },
            content_type="application/json",
        )
        .will_respond_with(201)
        .with_body(
            {
                "id": match.uuid(COMMENT_ID),
                "feedback_id": match.uuid(FEEDBACK_ID),
                "parent_id": match.uuid(PARENT_COMMENT_ID),
                "content": "This is a reply",
                "user": match.like({"id": match.uuid(JANE_ID), "name": "Jane Doe"}),
                "mentions": match.each_like({"id": match.uuid(JOHN_ID), "name": "John Doe"}, min=1),
                "reactions": match.like({}),
                "created_at": iso_datetime("2025-08-24T10:30:00Z"),
            },
            content_type="application/json",
        )
    )

    def consume(api: SeedClient) -> None:
        comment = api.create_comment(
            feedback_id=FEEDBACK_ID,
            parent_id=PARENT_COMMENT_ID,
            content="This is a reply",
            mentions=[JOHN_ID],
        )
        assert comment["parent_id"] == PARENT_COMMENT_ID
        assert len(comment["mentions"]) == 1

    return consume


def add_reaction(pact: Pact) -> Consumer:
    (
        pact.upon_receiving("a request to add reaction")
        .given("comment exists")
        .with_request("POST", f"/api/v1/comments/{COMMENT_ID}/reactions")
        .with_body({"emoji": THUMBS_UP}, content_type="application/json")
        .will_respond_with(200)
        .with_body(
            {"success": True, "reactions": {THUMBS_UP: [match.uuid(JANE_ID)]}},
            content_type="application/json",
        )
    )

    def consume(api: SeedClient) -> None:
        result = api.add_reaction(COMMENT_ID, THUMBS_UP)
        assert result["success"] is True
        assert len(result["reactions"][THUMBS_UP]) == 1

    return consume


SEED_INTERACTIONS = {
    "a request to create feedback with timestamp": ("user is authenticated", create_feedback),
    "a request to list feedbacks": ("video has feedbacks", list_feedbacks),
    "a request to add comment to feedback": ("feedback exists", add_comment),
    "a request to add reaction": ("comment exists", add_reaction),
}


@pytest.fixture(scope="module")
def pact_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Run the consumer side and write the pact file the provider side verifies.

    The mock server raises on exit unless every interaction was requested as declared.
    """
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PACT_DO_NOT_TRACK", "true")
        pact = Pact(CONSUMER, PROVIDER).with_specification("V4")
        # Declare every interaction first: once a mock server runs, the pact is frozen.
        consumers = [define(pact) for _state, define in SEED_INTERACTIONS.values()]
        with pact.serve() as mock, SeedClient(str(mock.url)) as api:
            for consume in consumers:
                consume(api)
        directory = tmp_path_factory.mktemp("pacts")
        pact.write_file(directory, overwrite=True)
    path = directory / PACT_FILE_NAME
    assert path.is_file(), sorted(p.name for p in directory.iterdir())
    yield path


def test_consumer_pact_holds_the_four_seed_interactions(pact_file: Path) -> None:
    pact = json.loads(pact_file.read_text())
    assert pact["consumer"] == {"name": CONSUMER}
    assert pact["provider"] == {"name": PROVIDER}
    assert pact["metadata"]["pactSpecification"]["version"] == "4.0"
    interactions = {i["description"]: i for i in pact["interactions"]}
    assert {d: [s["name"] for s in i["providerStates"]] for d, i in interactions.items()} == {
        description: [state] for description, (state, _define) in SEED_INTERACTIONS.items()
    }
    assert {d: (i["request"]["method"], i["request"]["path"]) for d, i in interactions.items()} == {
        "a request to create feedback with timestamp": ("POST", "/api/v1/feedbacks"),
        "a request to list feedbacks": ("GET", "/api/v1/feedbacks"),
        "a request to add comment to feedback": ("POST", "/api/v1/comments"),
        "a request to add reaction": ("POST", f"/api/v1/comments/{COMMENT_ID}/reactions"),
    }
    query = interactions["a request to list feedbacks"]["request"]["query"]
    assert query == {"video_id": [VIDEO_ID]}
    # Only create feedback carries the header in the seed; the verifier adds it to all.
    create = interactions["a request to create feedback with timestamp"]["request"]
    assert create["matchingRules"]["header"]["Authorization"]["matchers"] == [
        {"match": "regex", "regex": BEARER_REGEX}
    ]
    others = [
        i for d, i in interactions.items() if d != "a request to create feedback with timestamp"
    ]
    assert all("Authorization" not in i["request"].get("headers", {}) for i in others)
    # The screenshot example is a real image the provider can accept.
    screenshot = create["body"]["content"]["screenshot"]
    header, payload = screenshot.split(",", 1)
    assert header == "data:image/webp;base64"
    with Image.open(io.BytesIO(base64.b64decode(payload)), formats=["WEBP"]) as image:
        image.load()
        assert image.size == (2, 2)


# -- the provider side: `make provider` and the official CLI verifier --------------------


@pytest.fixture(scope="module")
def provider() -> Iterator[ProviderServer]:
    """`make provider` on a free port, once for the module; no process outlives it."""
    server = ProviderServer().start()
    assert server.process is not None
    group = server.process.pid  # start_new_session: the leader's pid is the group id
    try:
        yield server
    finally:
        code = server.stop()
    # Ctrl-C (SIGINT) is enough: the wrapper exits 0 after removing its throwaway
    # database, and nothing of the process group is left.
    assert code == 0, f"make provider exited with {code}\n{server.output()}"
    with pytest.raises(ProcessLookupError):
        os.killpg(group, 0)


def verifier_env() -> dict[str, str]:
    # PACT_* variables configure the verifier (PACT_DESCRIPTION and PACT_PROVIDER_STATE
    # filter interactions, PACT_BROKER_* add sources): none may leak in from outside.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    env["PACT_DO_NOT_TRACK"] = "true"
    return env


def run_verifier(
    pact: Path, server: ProviderServer, report: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`pact verifier` on one pact file against the server; returns the run and its report."""
    assert VERIFIER.is_file(), f"pact-python-cli is not installed next to {sys.executable}"
    args = [
        str(VERIFIER), "verifier",
        "--file", str(pact),
        "--provider-name", PROVIDER,
        "--hostname", server.host,
        "--port", str(server.port),
        "--state-change-url", f"{server.url}/pact/provider-states",
        "--state-change-teardown",
        "--header", f"Authorization=Bearer {TOKEN}",
        # A state change hashes one or two passwords (PBKDF2): on a loaded machine it can pass
        # the verifier's 5 s default, which fails the setup and then lets the next state
        # change race the unfinished one (SQLite "database is locked").
        "--request-timeout", "30000",
        "--json", str(report),
        "--no-colour",
    ]  # fmt: skip
    run = subprocess.run(
        args, env=verifier_env(), capture_output=True, text=True, timeout=120, check=False
    )
    assert report.is_file(), verifier_output(run, server)
    return run, json.loads(report.read_text())


def verifier_output(run: subprocess.CompletedProcess[str], server: ProviderServer) -> str:
    return (
        f"$ {' '.join(run.args)}\nexit code {run.returncode}\n"
        f"--- verifier stdout ---\n{run.stdout}\n--- verifier stderr ---\n{run.stderr}\n"
        f"--- provider output (tail) ---\n{server.output()[-20000:]}"
    )


@pytest.mark.server
def test_provider_honours_the_seed_pact(
    pact_file: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    run, report = run_verifier(pact_file, provider, tmp_path / "report.json")
    assert run.returncode == 0, verifier_output(run, provider)
    assert report["result"] is True, verifier_output(run, provider)
    assert report["errors"] == [], verifier_output(run, provider)
    assert report["pendingErrors"] == [], verifier_output(run, provider)
    # Every interaction was verified, none skipped or filtered out.
    results = {r["description"]: r["result"] for r in report["interactionResults"]}
    assert results == dict.fromkeys(SEED_INTERACTIONS, "OK"), verifier_output(run, provider)


def rename_list_field(pact: dict[str, Any], old: str, new: str) -> None:
    """Rename a field the list-feedbacks response must have, with its matching rule."""
    (interaction,) = [
        i for i in pact["interactions"] if i["description"] == "a request to list feedbacks"
    ]
    response = interaction["response"]
    for item in response["body"]["content"]:
        item[new] = item.pop(old)
    rules = response["matchingRules"]["body"]
    rules[f"$[*].{new}"] = rules.pop(f"$[*].{old}")


@pytest.mark.server
def test_verification_fails_when_the_provider_breaks_the_contract(
    pact_file: Path, provider: ProviderServer, tmp_path: Path
) -> None:
    """Negative control: a pact the provider does not honour must fail, naming the field."""
    pact = json.loads(pact_file.read_text())
    rename_list_field(pact, "video_id", "videoId")
    broken = tmp_path / PACT_FILE_NAME
    broken.write_text(json.dumps(pact))

    run, report = run_verifier(broken, provider, tmp_path / "report.json")

    assert run.returncode != 0, verifier_output(run, provider)
    assert "videoId" in run.stdout, verifier_output(run, provider)
    assert report["result"] is False
    results = {r["description"]: r["result"] for r in report["interactionResults"]}
    assert results == {
        **dict.fromkeys(SEED_INTERACTIONS, "OK"),
        "a request to list feedbacks": "Error",
    }, verifier_output(run, provider)
    mismatches = [
        m["mismatch"]
        for error in report["errors"]
        for m in error["mismatch"]["mismatches"]
        if "a request to list feedbacks" in error["interaction"]
    ]
    assert mismatches == ["Actual map is missing the following keys: videoId"], mismatches


# -- the provider-state endpoint over real HTTP ------------------------------------------


def set_state(server: ProviderServer, state: str, action: str = "setup") -> httpx.Response:
    return httpx.post(
        f"{server.url}/pact/provider-states",
        json={"state": state, "params": {}, "action": action},
        timeout=10.0,
    )


@pytest.mark.server
def test_provider_state_endpoint_refuses_an_unknown_state(provider: ProviderServer) -> None:
    state = "a state nobody defined"
    response = set_state(provider, state)
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["code"] == "validation_error", body
    assert state in response.text, body


@pytest.mark.server
def test_provider_state_setup_builds_the_world_and_teardown_removes_it(
    provider: ProviderServer,
) -> None:
    comments_url = f"{provider.url}/api/v1/comments"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    query = {"feedback_id": FEEDBACK_ID}

    setup = set_state(provider, "comment exists")
    assert setup.status_code == 200, setup.text
    listed = httpx.get(comments_url, params=query, headers=auth, timeout=10.0)
    assert listed.status_code == 200, listed.text
    assert [(c["id"], c["reactions"]) for c in listed.json()] == [(COMMENT_ID, {})]

    teardown = set_state(provider, "comment exists", action="teardown")
    assert teardown.status_code == 200, teardown.text
    refused = httpx.get(comments_url, params=query, headers=auth, timeout=10.0)
    assert refused.status_code == 401, refused.text
    assert refused.json()["code"] == "authentication_failed", refused.text
