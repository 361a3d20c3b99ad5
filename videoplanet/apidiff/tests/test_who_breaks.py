"""Who breaks? The gate on the real thing: both consumers' committed pacts (the web app's
and the Python SDK's, HTTP and room messages), the committed OpenAPI and AsyncAPI
documents with one field taken out, and a usage document recorded the documented way.

``usage-30d.json`` beside this file is what ``manage.py usage_export --window 30d``
wrote after the server recorded the traffic of ``_record_traffic`` (through its own
middleware and recorder): ``test_the_usage_fixture_is_what_the_server_records`` checks
it still is, and ``RECORD_USAGE_FIXTURE=1`` rewrites it.
"""

from __future__ import annotations

import copy
import json
import os
import re
import shlex
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.db.models import F

from videoplanet.apidiff.cli import impact_main, who_uses_main
from videoplanet.monitoring.models import UsageHour
from videoplanet.monitoring.usage import usage

if TYPE_CHECKING:
    from conftest import World

ROOT = Path(__file__).resolve().parents[3]
PACTS = ROOT / "pacts"
OPENAPI = json.loads((ROOT / "contracts" / "openapi.json").read_text())
ASYNCAPI = json.loads((ROOT / "contracts" / "asyncapi.json").read_text())
USAGE = Path(__file__).with_name("usage-30d.json")
WEB, SDK = "VideoPlanet-Frontend", "VideoPlanet-Python-SDK"
Doc = dict[str, Any]


# The recorded usage --------------------------------------------------------------------


def _record_traffic(world: World, as_user: Any) -> None:
    """A month of two consumers, in two hours: one 30 days ago, one now.

    The SDK lists feedback, reads videos and posts feedback, and its rooms receive
    feedback and video events; the web app lists feedback and a video's versions, pings
    its room and receives video events. Nobody calls the monitoring API.
    """
    client = as_user(world.owner)
    sdk = {"HTTP_X_CLIENT": f"{SDK}/0.4.0"}
    web = {"HTTP_X_CLIENT": f"{WEB}/1.4.0"}

    # 30 days ago: both asked who they are (the recorder writes the current hour; the
    # rows are then moved back, as if the server had been counting since).
    assert client.get("/api/v1/me", **sdk).status_code == 200
    assert client.get("/api/v1/me", **web).status_code == 200
    usage.flush()
    UsageHour.objects.update(hour=F("hour") - timedelta(days=30))

    # Now.
    video = world.video.id
    for _ in range(3):
        assert client.get(f"/api/v1/feedbacks?video_id={video}", **sdk).status_code == 200
        assert client.get(f"/api/v1/videos/{video}", **sdk).status_code == 200
    posted = client.post(
        "/api/v1/feedbacks",
        json.dumps(
            {"video_id": str(video), "timestamp": 12.0, "content": "Too dark", "priority": "high"}
        ),
        content_type="application/json",
        **sdk,
    )
    assert posted.status_code == 201
    assert client.get(f"/api/v1/feedbacks?video_id={video}&limit=500", **web).status_code == 200
    assert client.get(f"/api/v1/videos/{video}/versions", **web).status_code == 200
    # What the room consumer records per socket (videoplanet/realtime/consumers.py).
    for message, direction, who in [
        ("feedback.created", "received", (SDK, "0.4.0")),
        ("video.updated", "received", (SDK, "0.4.0")),
        ("video.updated", "received", (WEB, "1.4.0")),
        ("ping", "sent", (WEB, "1.4.0")),
        ("pong", "received", (WEB, "1.4.0")),
    ]:
        usage.message(who, message, direction)
    usage.flush()


def _exported() -> Doc:
    out = StringIO()
    call_command("usage_export", "--window", "30d", stdout=out)
    return dict(json.loads(out.getvalue()))


def _what_was_used(document: Doc) -> Doc:
    """The document without its times (when it was recorded, not what)."""
    kept = copy.deepcopy(document)
    del kept["generated_at"], kept["window"]
    for consumer in kept["consumers"].values():
        for operation in consumer["operations"].values():
            operation.pop("first_seen", None)
            operation.pop("last_seen", None)
        for messages in consumer["messages"].values():
            for seen in messages.values():
                seen.pop("last_seen", None)
    return kept


@pytest.mark.django_db
def test_the_usage_fixture_is_what_the_server_records(world: World, as_user: Any) -> None:
    usage.clear()
    _record_traffic(world, as_user)
    exported = _exported()
    window = {k: datetime.fromisoformat(v) for k, v in exported["window"].items()}
    assert window["end"] - window["start"] == timedelta(days=30)  # what impact needs
    if os.environ.get("RECORD_USAGE_FIXTURE"):
        USAGE.write_text(json.dumps(exported, indent=2, sort_keys=True) + "\n")
    committed = json.loads(USAGE.read_text())
    assert _what_was_used(exported) == _what_was_used(committed), (
        "the traffic changed: RECORD_USAGE_FIXTURE=1 rewrites usage-30d.json (then the"
        " README's examples, which quote its times)"
    )
    usage.clear()


# The scenario ----------------------------------------------------------------------------


def _schema_without(schema: Doc, document: Doc, field: str) -> Doc:
    """``schema`` (a ``$ref``, or an array of one) written out in place without ``field``."""
    if schema.get("type") == "array":
        return {**schema, "items": _schema_without(schema["items"], document, field)}
    name = schema["$ref"].rsplit("/", 1)[-1]
    inline = copy.deepcopy(document["components"]["schemas"][name])
    del inline["properties"][field]
    if field in inline.get("required", []):
        inline["required"].remove(field)
    return dict(inline)


def response_without(operation: str, status: str, field: str) -> Doc:
    """The committed OpenAPI document with ``field`` gone from one operation's response
    only (its schema written out in place: other operations keep the shared one)."""
    method, path = operation.split(" ")
    changed = copy.deepcopy(OPENAPI)
    media = changed["paths"][path][method.lower()]["responses"][status]["content"]
    media["application/json"]["schema"] = _schema_without(
        media["application/json"]["schema"], changed, field
    )
    return changed


def message_without(schema: str, field: str) -> Doc:
    """The committed AsyncAPI document without ``field`` in a message's payload."""
    changed = copy.deepcopy(ASYNCAPI)
    payload = changed["components"]["schemas"][schema]
    del payload["properties"][field]
    if field in payload.get("required", []):
        payload["required"].remove(field)
    return changed


def impact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: Doc, new: Doc
) -> tuple[int, dict[str, dict[str, tuple[str, list[str]]]]]:
    """Exit code, and per change location each consumer's verdict and evidence."""
    (tmp_path / "old.json").write_text(json.dumps(old))
    (tmp_path / "new.json").write_text(json.dumps(new))
    argv = [str(tmp_path / "old.json"), str(tmp_path / "new.json")]
    code = impact_main([*argv, "--pacts", str(PACTS), "--usage", str(USAGE), "--json"])
    result = json.loads(capsys.readouterr().out)
    assert result["notes"] == []  # the usage covers the whole window
    return code, {
        change["location"]: {
            c["consumer"]: (c["verdict"], c["evidence"]) for c in change["consumers"]
        }
        for change in result["changes"]
    }


def test_a_response_field_only_the_web_apps_pact_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The upload form resumes from an upload's offset; the SDK never asks for an upload.
    new = response_without("GET /api/v1/uploads/{upload_id}", "200", "offset")
    code, found = impact(tmp_path, capsys, OPENAPI, new)
    assert code == 1
    verdicts = found["GET /api/v1/uploads/{upload_id} -> 200 $.offset"]
    assert verdicts[WEB] == (
        "broken",
        [
            f'pact "a request for an upload\'s offset" ({WEB}-VideoPlanet-Backend.json) reads $.offset'
        ],
    )
    assert verdicts[SDK][0] == "unaffected"
    assert set(found) == {"GET /api/v1/uploads/{upload_id} -> 200 $.offset"}


def test_a_field_no_pact_reads_of_an_operation_the_sdk_calls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = response_without("GET /api/v1/videos/{video_id}", "200", "failure_reason")
    code, found = impact(tmp_path, capsys, OPENAPI, new)
    assert code == 3  # only Potentially affected
    verdicts = found["GET /api/v1/videos/{video_id} -> 200 $.failure_reason"]
    assert verdicts[SDK][0] == "potentially-affected"
    assert any("does not read $.failure_reason" in line for line in verdicts[SDK][1])
    assert any(line.startswith("runtime: 3 calls") for line in verdicts[SDK][1])
    assert verdicts[WEB][0] == "potentially-affected"


def test_a_field_of_an_operation_nobody_called_in_30_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    new = response_without("GET /api/monitoring/contract-violations", "200", "unique_errors")
    code, found = impact(tmp_path, capsys, OPENAPI, new)
    assert code == 0
    assert {
        consumer: verdict
        for consumer, (verdict, _) in found[
            "GET /api/monitoring/contract-violations -> 200 $[].unique_errors"
        ].items()
    } == {WEB: "unaffected", SDK: "unaffected"}


def test_a_room_event_field_one_consumers_message_pact_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The SDK says why processing failed; the web app's player only needs the status.
    code, found = impact(
        tmp_path, capsys, ASYNCAPI, message_without("VideoUpdated", "failure_reason")
    )
    assert code == 1
    verdicts = found["MESSAGE video.updated $.payload.failure_reason"]
    assert verdicts[SDK][0] == "broken"
    assert (
        f'pact "a video.updated event for a video that failed" ({SDK}-VideoPlanet-Backend-Realtime.json)'
        " reads $.payload.failure_reason"
    ) in verdicts[SDK][1]
    # its rooms receive the event, and its pact reads other fields of it
    assert verdicts[WEB][0] == "potentially-affected"

    # The error event: only the SDK's pact has it, and the web app's rooms never got one.
    code, found = impact(tmp_path, capsys, ASYNCAPI, message_without("Error", "code"))
    assert code == 1
    verdicts = found["MESSAGE error $.payload.code"]
    assert (verdicts[SDK][0], verdicts[WEB][0]) == ("broken", "unaffected")


def test_unused_trusts_runtime_for_the_client_messages_a_consumer_sends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "openapi.json").write_text(json.dumps(OPENAPI))
    (documents / "asyncapi.json").write_text(json.dumps(ASYNCAPI))

    def unused(usage_file: Path) -> list[str]:
        argv = ["--unused", "30d", "--pacts", str(PACTS), "--usage", str(usage_file)]
        assert who_uses_main([*argv, "--documents", str(documents)]) == 0
        return capsys.readouterr().out.splitlines()

    # The web app pings its room: runtime counts the pings, not their fields, so none
    # of ping's fields is "never sent".
    lines = unused(USAGE)
    assert not [line for line in lines if line.startswith("MESSAGE ping")]
    assert "GET /api/v1/videos/{video_id} $.failure_reason: no pact reads it" in lines

    # Without the pings, nobody sends it.
    quiet = json.loads(USAGE.read_text())
    quiet["consumers"][WEB]["messages"]["sent"] = {}
    (tmp_path / "quiet.json").write_text(json.dumps(quiet))
    lines = unused(tmp_path / "quiet.json")
    assert "MESSAGE ping: no pact exercises it and no consumer called it" in lines


# The README's examples are the commands' own output ---------------------------------------

README = ROOT / "README.md"
# The README's jq lines, and the same change made here.
_UPLOAD_OFFSET = (
    "$ jq 'del(.components.schemas.Upload.properties.offset)"
    ' | .components.schemas.Upload.required -= ["offset"]\' contracts/openapi.json > new.json'
)
_VIDEO_FAILURE = (
    "$ jq 'del(.components.schemas.VideoUpdated.properties.failure_reason)'"
    " contracts/asyncapi.json > new.json"
)


def _readme_new_document(jq: str) -> Doc:
    if jq == _UPLOAD_OFFSET:
        changed = copy.deepcopy(OPENAPI)
        upload = changed["components"]["schemas"]["Upload"]
        del upload["properties"]["offset"]
        upload["required"].remove("offset")
        return changed
    assert jq == _VIDEO_FAILURE, f"an example this test does not know: {jq}"
    changed = copy.deepcopy(ASYNCAPI)
    del changed["components"]["schemas"]["VideoUpdated"]["properties"]["failure_reason"]
    return changed


def _readme_examples() -> list[tuple[str, list[str], list[str]]]:
    """(the jq line or "", the command's arguments, its output) of each example in the
    README's "Who breaks?" section."""
    section = README.read_text().split("\n## Who breaks?\n", 1)[1].split("\n## ", 1)[0]
    found = []
    for block in re.findall(r"```text\n(.*?)```", section, re.S):
        lines = block.rstrip("\n").split("\n")
        jq = lines.pop(0) if lines[0].startswith("$ jq ") else ""
        command = lines.pop(0)
        if not command.startswith("$ python -m videoplanet.contracts "):
            continue  # not a command (the usage document's schema)
        found.append((jq, shlex.split(command)[4:], lines))
    return found


def test_the_readme_examples_are_the_commands_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    examples = _readme_examples()
    assert [jq for jq, _, _ in examples] == [_UPLOAD_OFFSET, _VIDEO_FAILURE, ""]
    monkeypatch.chdir(ROOT)  # the commands' paths are the repository's
    for jq, argv, output in examples:
        if jq:
            (tmp_path / "new.json").write_text(json.dumps(_readme_new_document(jq)))
            argv = [str(tmp_path / "new.json") if arg == "new.json" else arg for arg in argv]
        command, rest = argv[0], argv[1:]
        main = {"impact": impact_main, "who-uses": who_uses_main}[command]
        code = main(rest)
        assert capsys.readouterr().out.rstrip("\n").split("\n") == output, " ".join(argv)
        assert code == (1 if command == "impact" else 0)
