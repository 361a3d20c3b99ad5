"""The cost of runtime contract validation, in two parts of `make bench`.

1. ``validator_rows()``: µs per check of a full feedback response (drawing data with 5
   shapes) against contracts/openapi.json, in this process, each a median of several
   timed batches:

   - ours (``videoplanet_client.SchemaValidator``, jsonschema-rs): the response alone,
     the response including ``json.loads`` of its bytes, and request + response;
   - openapi-core on the same document (``OpenAPI.from_dict``), response and
     request + response: the baseline of the ≥ 100× target;
   - python-jsonschema compiling the same converted schemas: why jsonschema-rs was
     chosen.

2. ``modes(...)``: ``GET /api/v1/feedbacks?video_id=&limit=50`` and ``POST
   /api/v1/feedbacks`` (5 shapes) against two real server processes of the chosen
   kind, one with ``CONTRACT_VALIDATION=off`` and one with ``enforce``, alternating
   short wrk runs (``BENCH_MODE_ROUNDS`` rounds of ``BENCH_MODE_SECONDS`` each per
   mode), so drift on the machine hits both alike. Reports requests/s (target: enforce
   keeps ≥ 97 % of off), p99, and server CPU per request.

3. ``usage_recording(...)``: the same list with ``USAGE_RECORDING`` false vs true (who
   uses what, ``videoplanet.monitoring.usage``), target: recording keeps ≥ 98 %.
   ``BENCH_USAGE=0`` skips it.
"""

from __future__ import annotations

import json
import os
import statistics
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videoplanet_client.contract import SchemaValidator, to_json_schema

from . import common
from .dataset import five_shapes
from .report import Row

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "contracts" / "openapi.json"
ENABLED = os.environ.get("BENCH_CONTRACT", "1") != "0"
ROUNDS = int(os.environ.get("BENCH_MODE_ROUNDS", "4"))
ROUND_SECONDS = float(os.environ.get("BENCH_MODE_SECONDS", "4"))
TARGET_SPEEDUP = 100.0
TARGET_KEPT = 0.97

FEEDBACK_ID = "550e8400-e29b-41d4-a716-446655440001"
PATH = f"/api/v1/feedbacks/{FEEDBACK_ID}"


def full_feedback() -> dict[str, Any]:
    """A feedback as the API returns it, with the 5 shapes the benchmark posts."""
    return {
        "id": FEEDBACK_ID,
        "video_id": "550e8400-e29b-41d4-a716-446655440002",
        "timestamp": 42.5,
        "timestamp_end": None,
        "frame": 1020,
        "timecode": "00:00:42:12",
        "frame_end": None,
        "timecode_end": None,
        "content": "The logo in the top-left corner is cut off; move it 20 px right.",
        "screenshot_url": "http://127.0.0.1:8000/media/screenshots/3f/3fa2c1.png",
        "drawing_data": five_shapes(),
        "priority": "high",
        "status": "open",
        "user": {
            "id": "550e8400-e29b-41d4-a716-446655440003",
            "name": "John Reviewer",
            "email": "john@example.com",
        },
        "created_at": "2026-11-23T10:00:00.123456Z",
        "updated_at": "2026-11-23T10:05:00.654321Z",
    }


def per_call_us(fn: Callable[[], object], *, min_seconds: float = 0.3, batches: int = 5) -> float:
    """Median µs per call over ``batches`` timed batches of about ``min_seconds`` each."""
    number = 1
    while timeit.timeit(fn, number=number) < min_seconds / 10:
        number *= 2
    number *= 10
    times = [timeit.timeit(fn, number=number) / number for _ in range(batches)]
    return statistics.median(times) * 1e6


def _python_jsonschema(document: dict[str, Any]) -> Callable[[Any], bool]:
    from jsonschema import Draft202012Validator, FormatChecker
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    schemas = document["components"]["schemas"]
    registry: Registry[Any] = Registry().with_resources(
        (
            f"urn:videoplanet:schema:{name}",
            Resource.from_contents(to_json_schema(schema), default_specification=DRAFT202012),
        )
        for name, schema in schemas.items()
    )
    response = document["paths"]["/api/v1/feedbacks/{feedback_id}"]["get"]["responses"]["200"]
    schema = to_json_schema(response["content"]["application/json"]["schema"])
    validator = Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())
    return validator.is_valid


def validator_rows() -> tuple[list[Row], list[str]]:
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest, MockResponse

    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    ours = SchemaValidator(document)
    data = full_feedback()
    raw = json.dumps(data).encode()
    assert ours.validate_response(PATH, "GET", 200, data).valid

    core = OpenAPI.from_dict(document)
    # openapi-core finds the operation under one of the document's servers.
    host = document["servers"][0]["url"]
    request = MockRequest(host, "get", PATH, headers={"Authorization": "Bearer t"})
    response = MockResponse(raw, status_code=200)
    core.validate_request(request)
    core.validate_response(request, response)
    python_jsonschema = _python_jsonschema(document)
    assert python_jsonschema(data)

    print("\nValidator cost per check (µs, median of 5 batches):", flush=True)
    ours_response = per_call_us(lambda: ours.validate_response(PATH, "GET", 200, data))
    ours_bytes = per_call_us(lambda: ours.validate_response(PATH, "GET", 200, json.loads(raw)))
    ours_both = per_call_us(
        lambda: (
            ours.validate_request(PATH, "GET", query={}),
            ours.validate_response(PATH, "GET", 200, data),
        )
    )
    core_response = per_call_us(lambda: core.validate_response(request, response), batches=3)

    def core_request_and_response() -> None:
        core.validate_request(request)
        core.validate_response(request, response)

    core_both = per_call_us(core_request_and_response, batches=3)
    pure = per_call_us(lambda: python_jsonschema(data), batches=3)
    rows = [
        Row(
            "validator.feedback_response",
            ours_response,
            "µs",
            core_response,
            core_response / ours_response,
            "lower",
            "baseline: openapi-core",
        ),
        Row(
            "validator.feedback_response_from_bytes",
            ours_bytes,
            "µs",
            core_response,
            core_response / ours_bytes,
            "lower",
            "incl. json.loads; baseline: openapi-core",
        ),
        Row(
            "validator.feedback_request_and_response",
            ours_both,
            "µs",
            core_both,
            core_both / ours_both,
            "lower",
            "baseline: openapi-core",
        ),
        Row(
            "validator.python_jsonschema_response",
            pure,
            "µs",
            ours_response,
            ours_response / pure,
            "lower",
            "baseline: ours (jsonschema-rs)",
        ),
    ]
    speedup = core_both / ours_both
    verdict = (
        f"Validator ≥ {TARGET_SPEEDUP:g}× faster than openapi-core (request + response): "
        f"{speedup:,.0f}× ({ours_both:.1f} vs {core_both:,.0f} µs) — "
        f"{'MET' if speedup >= TARGET_SPEEDUP else 'MISSED'}"
    )
    return rows, [verdict]


# -- CONTRACT_VALIDATION off vs enforce ----------------------------------------------------


@dataclass(frozen=True)
class ModeResult:
    requests: int
    seconds: float
    p99_ms: list[float]
    cpu_seconds: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms_per_request(self) -> float:
        return self.cpu_seconds / max(self.requests, 1) * 1000


def alternate(
    servers: dict[str, Any],
    endpoint: Any,
    auth: dict[str, str],
    workdir: Path,
    load: Callable[..., Any],
) -> dict[str, ModeResult]:
    """``ROUNDS`` alternating wrk runs of ``ROUND_SECONDS`` on each server, summed."""
    totals: dict[str, ModeResult] = {}
    for round_ in range(ROUNDS):
        for mode, server in servers.items():
            print(f"  {mode:8}", end="", flush=True)
            run = load(
                server, endpoint, auth, ROUND_SECONDS, workdir, warmup=None if round_ == 0 else 0.0
            )
            requests = run.wrk.requests
            before = totals.get(mode, ModeResult(0, 0.0, [], 0.0))
            totals[mode] = ModeResult(
                before.requests + requests,
                before.seconds + requests / max(run.wrk.requests_per_s, 1e-9),
                [*before.p99_ms, run.wrk.p99_ms],
                before.cpu_seconds + run.server_cpu_ms * requests / 1000,
            )
    return totals


def modes(
    spec: Any,
    data: Any,
    endpoints: dict[str, Any],
    workdir: Path,
    load: Callable[..., Any],
) -> tuple[list[Row], list[str]]:
    """Requests/s, p99 and server CPU with CONTRACT_VALIDATION off vs enforce."""
    from .servers import Server

    print(
        f"\nCONTRACT_VALIDATION off vs enforce on {spec.label}: {ROUNDS} alternating rounds "
        f"of {ROUND_SECONDS:g} s per mode and endpoint:",
        flush=True,
    )
    servers = {
        mode: Server(
            spec,
            cwd=ROOT,
            env={**data.env, "CONTRACT_VALIDATION": mode},
            log=workdir / f"mode-{mode}.log",
        )
        for mode in ("off", "enforce")
    }
    rows: list[Row] = []
    verdicts: list[str] = []
    try:
        for server in servers.values():
            server.__enter__()
            server.wait_ready(endpoints["list"].path, data.auth)
        for key, label in (("list", "feedbacks_list"), ("create", "feedbacks_create")):
            endpoint = endpoints[key]
            totals = alternate(servers, endpoint, data.auth, workdir, load)
            off, enforce = totals["off"], totals["enforce"]
            kept = enforce.requests_per_s / off.requests_per_s
            rows += [
                Row(
                    f"contract_validation.{label}.requests_per_s",
                    enforce.requests_per_s,
                    "req/s",
                    off.requests_per_s,
                    kept,
                    "higher",
                    "enforce; baseline: off",
                ),
                Row(
                    f"contract_validation.{label}.latency_p99",
                    statistics.median(enforce.p99_ms),
                    "ms",
                    statistics.median(off.p99_ms),
                    statistics.median(off.p99_ms) / statistics.median(enforce.p99_ms),
                    "lower",
                    "median of rounds",
                ),
                Row(
                    f"contract_validation.{label}.server_cpu",
                    enforce.cpu_ms_per_request,
                    "ms/req",
                    off.cpu_ms_per_request,
                    off.cpu_ms_per_request / enforce.cpu_ms_per_request,
                    "lower",
                ),
            ]
            verdicts.append(
                f"{endpoint.method} {label}: enforce keeps ≥ {TARGET_KEPT:.0%} of off's "
                f"throughput: {kept:.1%} ({enforce.requests_per_s:.0f} vs "
                f"{off.requests_per_s:.0f} req/s; server CPU {enforce.cpu_ms_per_request:.2f} "
                f"vs {off.cpu_ms_per_request:.2f} ms/req) — "
                f"{'MET' if kept >= TARGET_KEPT else 'MISSED'}"
            )
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    return rows, verdicts


USAGE_TARGET_KEPT = 0.98
USAGE_ENABLED = os.environ.get("BENCH_USAGE", "1") != "0"


def usage_recording(
    spec: Any,
    data: Any,
    endpoints: dict[str, Any],
    workdir: Path,
    load: Callable[..., Any],
) -> tuple[list[Row], list[str]]:
    """The list's requests/s and server CPU with USAGE_RECORDING false vs true.

    Every request carries ``X-Client`` and query parameters, and the recording server
    writes its counts every second (60 s by default), so flushes are in the measurement.
    """
    from .servers import Server

    print(
        f"\nUSAGE_RECORDING false vs true on {spec.label}: {ROUNDS} alternating rounds "
        f"of {ROUND_SECONDS:g} s each:",
        flush=True,
    )
    servers = {
        mode: Server(
            spec,
            cwd=ROOT,
            env={**data.env, "USAGE_RECORDING": mode, "MONITORING_SEEN_FLUSH_SECONDS": "1"},
            log=workdir / f"usage-{mode}.log",
        )
        for mode in ("false", "true")
    }
    auth = {**data.auth, "X-Client": "VideoPlanet-Frontend/1.0.0"}
    try:
        for server in servers.values():
            server.__enter__()
            server.wait_ready(endpoints["list"].path, data.auth)
        totals = alternate(servers, endpoints["list"], auth, workdir, load)
    finally:
        for server in servers.values():
            server.__exit__(None, None, None)
    off, on = totals["false"], totals["true"]
    kept = on.requests_per_s / off.requests_per_s
    rows = [
        Row(
            "usage_recording.feedbacks_list.requests_per_s",
            on.requests_per_s,
            "req/s",
            off.requests_per_s,
            kept,
            "higher",
            "recording on; baseline: off",
        ),
        Row(
            "usage_recording.feedbacks_list.server_cpu",
            on.cpu_ms_per_request,
            "ms/req",
            off.cpu_ms_per_request,
            off.cpu_ms_per_request / on.cpu_ms_per_request,
            "lower",
        ),
    ]
    verdict = (
        f"GET feedbacks_list: usage recording costs ≤ {1 - USAGE_TARGET_KEPT:.0%} of "
        f"throughput: keeps {kept:.1%} ({on.requests_per_s:.0f} vs {off.requests_per_s:.0f} "
        f"req/s; server CPU {on.cpu_ms_per_request:.2f} vs {off.cpu_ms_per_request:.2f} "
        f"ms/req) — {'MET' if kept >= USAGE_TARGET_KEPT else 'MISSED'}"
    )
    return rows, [verdict]


# Targets on the ratio to the baseline (kept share, or speed-up).
TARGETS = {
    "validator.feedback_request_and_response": TARGET_SPEEDUP,
    "contract_validation.feedbacks_list.requests_per_s": TARGET_KEPT,
    "contract_validation.feedbacks_create.requests_per_s": TARGET_KEPT,
    "usage_recording.feedbacks_list.requests_per_s": USAGE_TARGET_KEPT,
}


def save(rows: list[Row], results: Path) -> None:
    """Replace the validator.*, contract_validation.* and usage_recording.* entries."""
    prefixes = ("validator.", "contract_validation.", "usage_recording.")
    entries = [
        {
            "name": row.name,
            "value": round(row.value, 3) if row.value is not None else None,
            "unit": row.unit,
            "baseline": round(row.baseline, 3) if row.baseline is not None else None,
            "ratio": round(row.ratio, 3) if row.ratio is not None else None,
            "better": row.better,
            "target": TARGETS.get(row.name),
            "target_on": "ratio",
            "verdict": common.verdict(row.ratio, TARGETS.get(row.name), "higher"),
            "note": row.note,
        }
        for row in rows
    ]
    common.write_results(entries, prefixes, results)
