"""The Pact ↔ OpenAPI cross-check accepts the committed pacts and names each mismatch."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from videoplanet.pact.crosscheck import check_pact

ROOT = Path(__file__).resolve().parents[3]
HTTP_PACT = ROOT / "pacts" / "VideoPlanet-Python-SDK-VideoPlanet-Backend.json"
MESSAGE_PACT = ROOT / "pacts" / "VideoPlanet-Python-SDK-VideoPlanet-Backend-Realtime.json"


def test_committed_pacts_fit_the_documents() -> None:
    assert check_pact(HTTP_PACT) == []
    assert check_pact(MESSAGE_PACT) == []


def test_the_command_runs_in_make_contracts() -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", "pact_crosscheck", str(HTTP_PACT), str(MESSAGE_PACT)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 problems" in result.stdout


def interaction(document: dict[str, Any], description: str) -> dict[str, Any]:
    return next(i for i in document["interactions"] if i["description"] == description)


def _unknown_path(d: dict[str, Any]) -> None:
    interaction(d, "a request for the current user")["request"]["path"] = "/api/v1/whoami"


def _undocumented_status(d: dict[str, Any]) -> None:
    interaction(d, "a request for the current user")["response"]["status"] = 418


def _response_type(d: dict[str, Any]) -> None:
    body = interaction(d, "a request for one feedback")["response"]["body"]["content"]
    body["timestamp"] = "30.5"


def _missing_field(d: dict[str, Any]) -> None:
    del interaction(d, "a request for one feedback")["response"]["body"]["content"]["status"]


def _query(d: dict[str, Any]) -> None:
    interaction(d, "a request to list feedbacks")["request"]["query"]["sort"] = ["newest"]


def _request_body(d: dict[str, Any]) -> None:
    interaction(d, "a request to create a project")["request"]["body"]["content"] = {"name": 5}


CASES: list[tuple[Callable[[dict[str, Any]], None], str]] = [
    (_unknown_path, "No operation for path /api/v1/whoami"),
    (_undocumented_status, "No schema for GET /api/v1/me -> 418"),
    (_response_type, "response 200: $.timestamp: expected number"),
    (_missing_field, "response 200: $.status: required"),
    (_query, "GET /api/v1/feedbacks: query.sort: not a documented parameter"),
    (_request_body, "request: $.name: expected string"),
]


@pytest.mark.parametrize(("mutate", "expected"), CASES, ids=[c[0].__name__ for c in CASES])
def test_each_mismatch_is_named(tmp_path: Path, mutate: Any, expected: str) -> None:
    document = copy.deepcopy(json.loads(HTTP_PACT.read_text()))
    mutate(document)
    broken = tmp_path / HTTP_PACT.name
    broken.write_text(json.dumps(document))
    problems = check_pact(broken)
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_a_message_that_breaks_its_schema_is_named(tmp_path: Path) -> None:
    document = json.loads(MESSAGE_PACT.read_text())
    message = interaction(document, "a user.left event")["contents"]["content"]
    message["payload"]["left_at"] = "yesterday"
    broken = tmp_path / MESSAGE_PACT.name
    broken.write_text(json.dumps(document))
    assert check_pact(broken) == [
        f"{MESSAGE_PACT.name}: 'a user.left event': payload.left_at: invalid datetime"
    ]
