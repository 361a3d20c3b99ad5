"""Who breaks? Changes to the committed documents, attributed to consumers from the
committed pacts, a second consumer's pact and a recorded usage document."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from videoplanet.apidiff import impact, pacts, usage
from videoplanet.apidiff.cli import impact_main, who_uses_main

ROOT = Path(__file__).resolve().parents[3]
OPENAPI = json.loads((ROOT / "contracts" / "openapi.json").read_text())
ASYNCAPI = json.loads((ROOT / "contracts" / "asyncapi.json").read_text())
# The Python SDK's committed pacts (the web app's are beside them in pacts/).
SDK = "VideoPlanet-Python-SDK"
SDK_PACTS = sorted((ROOT / "pacts").glob(f"{SDK}-*.json"))
MOBILE = "Mobile-Client"
NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
Doc = dict[str, Any]


def mobile_pact() -> Doc:
    """A second consumer that only ever asks who it is."""
    return {
        "consumer": {"name": MOBILE},
        "provider": {"name": "VideoPlanet-Backend"},
        "interactions": [
            {
                "type": "Synchronous/HTTP",
                "description": "a request for the current user",
                "request": {"method": "GET", "path": "/api/v1/me"},
                "response": {
                    "status": 200,
                    "body": {
                        "content": {"id": "u1", "name": "Ann", "email": "a@example.com"},
                        "contentType": "application/json",
                        "encoded": False,
                    },
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def usage_document(days: int = 30, **consumers: Any) -> Doc:
    return {
        "format": "videoplanet-usage/1",
        "generated_at": NOW.isoformat(),
        "window": {"start": (NOW - dt.timedelta(days=days)).isoformat(), "end": NOW.isoformat()},
        "consumers": consumers,
    }


def calls(count: int, **extra: Any) -> Doc:
    return {"calls": count, "last_seen": (NOW - dt.timedelta(hours=2)).isoformat(), **extra}


RECORDED = usage_document(
    **{
        SDK: {
            "versions": ["0.4.0"],
            "operations": {"GET /api/v1/feedbacks": calls(900, query={"video_id": 900})},
            "messages": {"received": {"feedback.created": {"count": 40}}},
        },
        MOBILE: {
            "versions": ["2.1.0"],
            "operations": {
                "GET /api/v1/me": calls(500),
                "GET /api/monitoring/coverage": calls(12),
                "POST /api/v1/feedbacks": calls(
                    30, request_fields={"$.timestamp": 30, "$.priority": 7}
                ),
            },
            "messages": {"received": {"feedback.created": {"count": 9}}},
        },
    }
)


@pytest.fixture
def pact_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "pacts"
    folder.mkdir()
    for pact in SDK_PACTS:
        (folder / pact.name).write_text(pact.read_text())
    (folder / "Mobile-Client-VideoPlanet-Backend.json").write_text(json.dumps(mobile_pact()))
    return folder


def write(tmp_path: Path, name: str, document: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def run(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: Doc,
    new: Doc,
    pacts: Path,
    usage: Doc | None = RECORDED,
    *extra: str,
) -> tuple[int, Doc]:
    argv = [str(write(tmp_path, "old.json", old)), str(write(tmp_path, "new.json", new))]
    argv += ["--pacts", str(pacts), "--json", *extra]
    if usage is not None:
        argv += ["--usage", str(write(tmp_path, "usage.json", usage))]
    code = impact_main(argv)
    return code, json.loads(capsys.readouterr().out)


def verdicts(result: Doc, location: str) -> dict[str, str]:
    for change in result["changes"]:
        if change["location"] == location:
            return {c["consumer"]: c["verdict"] for c in change["consumers"]}
    raise AssertionError(f"no change at {location}: {[c['location'] for c in result['changes']]}")


def without_property(document: Doc, schema: str, name: str) -> Doc:
    """The document with ``name`` gone from a component (from each branch of a oneOf)."""
    changed = copy.deepcopy(document)
    schemas = changed["components"]["schemas"]
    component = schemas[schema]
    for branch in component.get("oneOf", [component]):
        part = schemas[branch["$ref"].rsplit("/", 1)[-1]] if "$ref" in branch else branch
        del part["properties"][name]
        if name in part.get("required", []):
            part["required"].remove(name)
    return changed


def test_a_field_only_one_consumers_pact_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    new = without_property(OPENAPI, "Feedback", "screenshot_url")
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir)
    assert code == 1
    listed = verdicts(result, "GET /api/v1/feedbacks -> 200 $[].screenshot_url")
    assert listed == {SDK: "broken", MOBILE: "unaffected"}
    listing = next(
        c for c in result["changes"] if c["location"].startswith("GET /api/v1/feedbacks ->")
    )
    evidence = next(c for c in listing["consumers"] if c["consumer"] == SDK)["evidence"]
    assert any('"a request to list feedbacks"' in line for line in evidence)
    # the mobile client posts feedback at runtime but no pact says it reads the response
    assert verdicts(result, "POST /api/v1/feedbacks -> 201 $.screenshot_url")[MOBILE] == (
        "potentially-affected"
    )


def test_a_field_no_pact_reads_of_an_operation_a_consumer_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    coverage = OPENAPI["components"]["schemas"]["Coverage"]
    field = coverage["required"][0]
    code, result = run(
        tmp_path, capsys, OPENAPI, without_property(OPENAPI, "Coverage", field), pact_dir
    )
    assert code == 3
    assert verdicts(result, f"GET /api/monitoring/coverage -> 200 $.{field}") == {
        SDK: "unaffected",
        MOBILE: "potentially-affected",
    }


def test_a_field_of_an_operation_nobody_called(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    violation = OPENAPI["components"]["schemas"]["ContractViolation"]
    field = violation["required"][0]
    new = without_property(OPENAPI, "ContractViolation", field)
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir)
    assert code == 0
    assert verdicts(result, f"GET /api/monitoring/contract-violations -> 200 $[].{field}") == {
        SDK: "unaffected",
        MOBILE: "unaffected",
    }


def test_a_websocket_event_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    usage = copy.deepcopy(RECORDED)
    usage["consumers"]["Quiet-Client"] = {"operations": {"GET /api/v1/me": calls(3)}}
    new = without_property(ASYNCAPI, "FeedbackCreated", "content")
    code, result = run(tmp_path, capsys, ASYNCAPI, new, pact_dir, usage)
    assert code == 1
    assert verdicts(result, "MESSAGE feedback.created $.payload.content") == {
        SDK: "broken",  # its message pact reads the field
        MOBILE: "potentially-affected",  # its rooms received the event
        "Quiet-Client": "unaffected",
    }


def test_without_usage_data_nothing_is_unaffected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    violation = OPENAPI["components"]["schemas"]["ContractViolation"]
    new = without_property(OPENAPI, "ContractViolation", violation["required"][0])
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir, None)
    assert code == 3
    location = result["changes"][0]["location"]
    assert verdicts(result, location) == {
        SDK: "potentially-affected",
        MOBILE: "potentially-affected",
        "(consumers without a pact)": "potentially-affected",
    }
    # usage that covers less than the window asked for is not enough either
    short = usage_document(days=7, **RECORDED["consumers"])
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir, short)
    assert code == 3
    assert "covers 7.0 days" in result["notes"][0]


def test_runtime_shows_a_consumer_sending_a_removed_request_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    body = OPENAPI["paths"]["/api/v1/feedbacks"]["post"]["requestBody"]["content"]
    schema_name = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    new = without_property(OPENAPI, schema_name, "priority")
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir)
    assert code == 1
    found = verdicts(result, "POST /api/v1/feedbacks -> request $.priority")
    assert found[MOBILE] == "broken"  # it sent priority 7 times in the window
    assert found[SDK] == "broken"  # its pact sends priority


def test_a_new_required_query_parameter_breaks_callers_that_do_not_send_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    new = copy.deepcopy(OPENAPI)
    new["paths"]["/api/v1/me"]["get"].setdefault("parameters", []).append(
        {"in": "query", "name": "fields", "required": True, "schema": {"type": "string"}}
    )
    code, result = run(tmp_path, capsys, OPENAPI, new, pact_dir)
    assert code == 1
    assert verdicts(result, "GET /api/v1/me -> query fields") == {SDK: "broken", MOBILE: "broken"}


def test_ignored_consumers_and_the_readable_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    new = without_property(OPENAPI, "Feedback", "screenshot_url")
    argv = [str(write(tmp_path, "old.json", OPENAPI)), str(write(tmp_path, "new.json", new))]
    argv += ["--pacts", str(pact_dir), "--usage", str(write(tmp_path, "u.json", RECORDED))]
    assert impact_main([*argv, "--ignore-consumer", SDK]) == 3
    text = capsys.readouterr().out
    assert SDK not in text
    assert (
        "BREAKING  response-property-removed  GET /api/v1/feedbacks -> 200 $[].screenshot_url"
        in text
    )
    assert "Potentially affected: Mobile-Client" in text


@pytest.mark.parametrize(
    "usage",
    ["not json", json.dumps({"format": "something-else"}), json.dumps({**RECORDED, "extra": 1})],
)
def test_a_bad_usage_document_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path, usage: str
) -> None:
    (tmp_path / "usage.json").write_text(usage)
    argv = [str(write(tmp_path, "old.json", OPENAPI)), str(write(tmp_path, "new.json", OPENAPI))]
    assert (
        impact_main([*argv, "--pacts", str(pact_dir), "--usage", str(tmp_path / "usage.json")]) == 2
    )
    assert "not a usage document" in capsys.readouterr().err


def test_who_uses_a_field_and_what_nobody_uses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pact_dir: Path
) -> None:
    usage = str(write(tmp_path, "usage.json", RECORDED))
    assert (
        who_uses_main(
            [
                "GET /api/v1/feedbacks",
                "$[*].screenshot_url",
                "--pacts",
                str(pact_dir),
                "--usage",
                usage,
                "--json",
            ]
        )
        == 0
    )
    uses = json.loads(capsys.readouterr().out)
    assert {(u["consumer"], u["source"]) for u in uses} == {(SDK, "pact"), (SDK, "runtime")}
    assert (
        who_uses_main(["feedback.created", "--pacts", str(pact_dir), "--usage", usage, "--json"])
        == 0
    )
    assert {u["consumer"] for u in json.loads(capsys.readouterr().out)} == {SDK, MOBILE}

    documents = tmp_path / "documents"
    documents.mkdir()
    write(documents, "openapi.json", OPENAPI)
    write(documents, "asyncapi.json", ASYNCAPI)
    argv = [
        "--unused",
        "30d",
        "--pacts",
        str(pact_dir),
        "--usage",
        usage,
        "--documents",
        str(documents),
    ]
    assert who_uses_main(argv) == 0
    unused = capsys.readouterr().out.splitlines()
    assert (
        "GET /api/monitoring/contract-violations: no pact exercises it and no consumer called it"
        in unused
    )
    assert not any(line.startswith("GET /api/v1/me:") for line in unused)
    assert "GET /api/v1/feedbacks query status: never sent" in unused
    assert who_uses_main(["--unused", "30d", "--pacts", str(pact_dir)]) == 2


# The release gate's rule ---------------------------------------------------------------


def _unreleased_break() -> tuple[Doc, Doc]:
    """The committed document as a release, and the same version without Feedback.status."""
    return OPENAPI, without_property(OPENAPI, "Feedback", "status")


def test_the_gate_lets_a_break_through_only_when_usage_shows_nobody_affected() -> None:
    released, current = _unreleased_break()
    quiet = usage_document(
        **{MOBILE: {"versions": ["2.1.0"], "operations": {"GET /api/v1/me": calls(500)}}}
    )
    recorded = usage.Usage(usage.UsageDocument.model_validate(quiet))
    assert impact.release_blockers(released, current, [], recorded) == []


@pytest.mark.parametrize(
    "why",
    ["no usage data", "usage for two days of thirty", "a consumer calls the operation"],
)
def test_the_gate_blocks_a_break_it_cannot_prove_harmless(why: str, tmp_path: Path) -> None:
    released, current = _unreleased_break()
    operations = {"GET /api/v1/me": calls(500)}
    if why == "a consumer calls the operation":
        operations["GET /api/v1/feedbacks"] = calls(3)
    document = usage_document(
        days=2 if why.startswith("usage for two") else 30,
        **{MOBILE: {"versions": ["2.1.0"], "operations": operations}},
    )
    recorded = None
    if why != "no usage data":
        path = write(tmp_path, "usage.json", document)
        recorded = usage.load(path, usage.parse_window("30d"))
    blockers = impact.release_blockers(released, current, [], recorded)
    assert {b.change.location for b in blockers} >= {"GET /api/v1/feedbacks -> 200 $[].status"}


def test_the_gate_blocks_a_break_a_committed_pact_exercises() -> None:
    released, current = _unreleased_break()
    quiet = usage.Usage(usage.UsageDocument.model_validate(usage_document()))
    blockers = impact.release_blockers(released, current, pacts.load(ROOT / "pacts"), quiet)
    verdicts = {a.consumer: a.verdict for b in blockers for a in b.attributions}
    assert verdicts[SDK] in ("broken", "potentially-affected")
