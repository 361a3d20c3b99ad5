"""`make bench`: throughput and latency of the feedback endpoints vs a naive DRF baseline.

What it does, in one run (about 2 minutes with the defaults):

1. Makes sure wrk is installed (``apt-get install wrk`` if it is not).
2. Creates a throwaway SQLite database in a temp dir, migrates it and bulk-loads
   20 videos × 500 feedbacks with comments and reactions (``bench.seed``).
3. Chooses the serving setup by measurement: each candidate in ``BENCH_SERVERS``
   (gunicorn sync workers on ``config.wsgi``, uvicorn on ``config.asgi``) is started
   as a real process on 127.0.0.1 and loaded with ``GET /api/v1/feedbacks`` for
   ``BENCH_SELECT_DURATION`` seconds; the one with the most requests/s wins.
4. On the winner, measures side by side, each after a ``BENCH_WARMUP`` s warm-up and
   for ``BENCH_DURATION`` s, with ``wrk -t2 -c32 --latency``:

   - ``GET /api/v1/feedbacks?video_id=&limit=50`` vs ``GET /api/bench/naive-feedbacks``
     (a tutorial ``ModelSerializer`` ``ListAPIView``, see ``bench.naive``),
   - ``POST /api/v1/feedbacks`` (5 drawn shapes) vs ``POST /api/bench/naive-feedbacks``,
   - ``POST /api/v1/feedbacks`` with a small PNG screenshot (no naive equivalent).

   Both implementations run in the same server processes with the same settings
   (``bench.settings``) and the same bearer token.
5. Prints a table and writes ``bench-results.json`` in the repository root: a list of
   ``{name, value, unit, baseline, ratio, better, ...}``. ``baseline`` is the naive
   implementation measured in the same run (for ``serving.*`` entries: uvicorn).
   ``ratio`` is always the improvement factor, so > 1 is better: value/baseline
   for requests/s (``better: "higher"``), baseline/value for latencies and CPU
   (``better: "lower"``). Besides requests/s and p50/p99 latency, each endpoint gets
   ``server_cpu``: CPU ms the server processes spent per request, which other load
   on the machine hardly changes. ``other_cpu`` on every entry is the share of the
   CPUs that processes other than the server and wrk used during that measurement;
   above 15 % the run warns that the numbers understate the app.
6. Reports whether the targets hold (list ≥ 2× the naive throughput, p99 ≤ 40 ms at
   32 connections) without failing the run on a miss. Servers are stopped and the
   temp dir removed however the run ends.
7. Then, on the same dataset, the WebSocket fan-out benchmark (``bench.fanout``, about
   1.5 minutes more): N clients in one room (100, 500, 1000), with the in-memory layer
   (1 uvicorn process) and with Redis (2 processes), time until all have the
   ``feedback.created`` a REST call caused, plus the cost of validating vs encoding one
   message. Its ``fanout.*`` entries are added to ``bench-results.json``.
   ``BENCH_FANOUT=0`` skips it; see ``bench.fanout`` for its settings.
8. Before the fan-out part, the cost of runtime contract validation (``bench.contract``,
   about 1.5 minutes): µs per check of a full feedback response with our validator vs
   openapi-core, and list/create throughput with ``CONTRACT_VALIDATION`` off vs enforce
   on two servers of the chosen kind. ``validator.*`` and ``contract_validation.*``
   entries go to ``bench-results.json``; ``BENCH_CONTRACT=0`` skips it. With it, the
   cost of per-consumer usage recording: list throughput with ``USAGE_RECORDING`` false
   vs true (``usage_recording.*``, target ≤ 2 %; ``BENCH_USAGE=0`` skips it).
9. Last, the contract dashboard page at 1,000,000 stored violations (``bench.dashboard``,
   about a minute, in its own process and throwaway database): median and p95 render
   time of ``/monitoring/contracts`` for both windows and a filtered list vs the 500 ms
   target, with each query's plan. ``dashboard.*`` entries go to ``bench-results.json``;
   ``BENCH_DASHBOARD=0`` skips it.
10. Video processing and media serving (``bench.media``, about a minute, its own
   process): proxy transcode speed of a 1080p ProRes source as a multiple of real time
   vs the ffmpeg CLI doing the same libx264 encode, and a 256 MiB file through the
   signed media view vs Django's FileResponse (time to first byte, throughput, a Range
   from the middle, server memory). ``media.*`` entries; ``BENCH_MEDIA=0`` skips it.
11. The reviewer web app in headless Chromium (``bench.web``, under a minute, its own
   process): the gzip size of the JavaScript the review page loads (target ≤ 200 KB) and
   the time from navigation to the first timeline marker with 500 feedbacks on the
   video (target ≤ 1 s). ``web.*`` entries; ``BENCH_WEB=0`` skips it; alone:
   ``python -m bench.web``.

Environment: ``BENCH_DURATION`` (10), ``BENCH_SELECT_DURATION`` (half of it, ≥ 3),
``BENCH_WARMUP`` (2), ``BENCH_CONNECTIONS`` (32), ``BENCH_SERVERS``
(``gunicorn:2,gunicorn:3,gunicorn:4,uvicorn:2``; kinds: ``gunicorn`` = sync workers,
``gthread`` = gunicorn threaded workers with keep-alive, ``uvicorn``; the number is
the worker count), ``BENCH_PROFILE=1`` to also print an in-process profile of both
list implementations (``bench.profile``).
"""

from __future__ import annotations

import base64
import io
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import contract, dashboard, fanout, media, web, wrk
from .dataset import ROOT, Dataset, five_shapes, prepare
from .report import Row, print_rows
from .servers import Server, ServerSpec, machine_busy_seconds, parse_specs

DURATION = float(os.environ.get("BENCH_DURATION", "10"))
SELECT_DURATION = float(os.environ.get("BENCH_SELECT_DURATION", str(max(3.0, DURATION / 2))))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SERVERS = os.environ.get("BENCH_SERVERS", "gunicorn:2,gunicorn:3,gunicorn:4,uvicorn:2")
RESULTS = ROOT / "bench-results.json"
TARGET_RATIO = 2.0
TARGET_P99_MS = 40.0
BUSY_LIMIT = 0.15
PAGE = 50


@dataclass(frozen=True)
class Endpoint:
    key: str
    method: str
    path: str
    status: int
    body: dict[str, Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    server: str
    errors: int = 0
    baseline_errors: int | None = None
    other_cpu: float = 0.0
    baseline_other_cpu: float | None = None


def _png_data_url() -> str:
    from PIL import Image

    image = Image.new("RGB", (160, 90))
    image.putdata([(x * 255 // 160, y * 255 // 90, 128) for y in range(90) for x in range(160)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def endpoints(data: Dataset) -> dict[str, Endpoint]:
    listed, posted = data.video_ids[0], data.video_ids[-1]
    create = {
        "video_id": posted,
        "timestamp": 42.5,
        "content": "The logo in the top-left corner is cut off; move it 20 px right.",
        "priority": "high",
        "drawing_data": five_shapes(),
    }
    naive_create = {**create, "video": create["video_id"]}
    del naive_create["video_id"]
    return {
        "list": Endpoint("list", "GET", f"/api/v1/feedbacks?video_id={listed}&limit={PAGE}", 200),
        "naive_list": Endpoint(
            "naive_list", "GET", f"/api/bench/naive-feedbacks?video_id={listed}", 200
        ),
        "create": Endpoint("create", "POST", "/api/v1/feedbacks", 201, create),
        "naive_create": Endpoint(
            "naive_create", "POST", "/api/bench/naive-feedbacks", 201, naive_create
        ),
        "create_screenshot": Endpoint(
            "create_screenshot",
            "POST",
            "/api/v1/feedbacks",
            201,
            {**create, "screenshot": _png_data_url()},
            note=" + PNG screenshot",
        ),
    }


def check(server: Server, endpoint: Endpoint, auth: dict[str, str]) -> None:
    """One request by hand: the right status, and a full page for lists."""
    body = json.dumps(endpoint.body).encode() if endpoint.body is not None else None
    headers = {**auth, "Content-Type": "application/json"}
    request = urllib.request.Request(
        server.base_url + endpoint.path, data=body, headers=headers, method=endpoint.method
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, payload = exc.code, exc.read()
    if status != endpoint.status:
        raise RuntimeError(
            f"{endpoint.method} {endpoint.path} answered {status}, not {endpoint.status}: "
            f"{payload[:500]!r}"
        )
    if endpoint.method == "GET" and len(json.loads(payload)) != PAGE:
        raise RuntimeError(f"{endpoint.path} did not return {PAGE} items")


@dataclass(frozen=True)
class Measurement:
    """One wrk run plus what the CPUs did meanwhile."""

    wrk: wrk.WrkResult
    server_cpu_ms: float  # server CPU time (all its processes) per completed request
    other_cpu: float  # share of all CPUs used by processes other than server and wrk


def load(
    server: Server,
    endpoint: Endpoint,
    auth: dict[str, str],
    seconds: float,
    workdir: Path,
    *,
    warmup: float | None = None,
) -> Measurement:
    """A warm-up run (``BENCH_WARMUP`` s unless ``warmup`` says), then the measured run."""
    warmup = WARMUP if warmup is None else warmup
    script = None
    if endpoint.body is not None:
        script = wrk.post_script(workdir / f"{endpoint.key}.lua", json.dumps(endpoint.body))
    url = server.base_url + endpoint.path
    options: dict[str, Any] = {"connections": CONNECTIONS, "headers": auth, "script": script}
    if warmup > 0:
        wrk.run(url, seconds=warmup, **options)
    busy, served, ours = machine_busy_seconds(), server.cpu_seconds(), _own_cpu_seconds()
    started = time.monotonic()
    result = wrk.run(url, seconds=seconds, **options)
    elapsed = time.monotonic() - started
    served = server.cpu_seconds() - served
    others = machine_busy_seconds() - busy - served - (_own_cpu_seconds() - ours)
    measurement = Measurement(
        wrk=result,
        server_cpu_ms=served / max(result.requests, 1) * 1000,
        other_cpu=max(0.0, others / (elapsed * (os.cpu_count() or 1))),
    )
    flag = f"  !! {result.errors} errors" if result.errors else ""
    target = (endpoint.path.split("?")[0] + endpoint.note)[:40]
    print(
        f"  {endpoint.method:4} {target:40} {result.requests_per_s:7.1f} req/s"
        f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
        f"  server CPU {measurement.server_cpu_ms:5.2f} ms/req"
        f"  other CPU {measurement.other_cpu:4.0%}{flag}",
        flush=True,
    )
    return measurement


def _own_cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (wrk runs)."""
    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def choose_server(
    specs: list[ServerSpec], data: Dataset, list_endpoint: Endpoint, workdir: Path
) -> tuple[ServerSpec, dict[ServerSpec, Measurement]]:
    print(f"\nChoosing the serving setup ({SELECT_DURATION:g} s of GET list each):", flush=True)
    results: dict[ServerSpec, Measurement] = {}
    for spec in specs:
        with Server(spec, cwd=ROOT, env=data.env, log=workdir / f"{spec.key}.log") as server:
            server.wait_ready(list_endpoint.path, data.auth)
            print(f" {spec.label}", flush=True)
            results[spec] = load(server, list_endpoint, data.auth, SELECT_DURATION, workdir)
    best = max(results, key=lambda s: (results[s].wrk.errors == 0, results[s].wrk.requests_per_s))
    return best, results


def compare(
    name: str,
    value: Measurement,
    baseline: Measurement | None,
    server: str,
    *,
    include: tuple[str, ...] = ("requests_per_s", "latency_p50", "latency_p99", "server_cpu"),
) -> list[Metric]:
    def numbers(m: Measurement) -> dict[str, float]:
        return {
            "requests_per_s": m.wrk.requests_per_s,
            "latency_p50": m.wrk.p50_ms,
            "latency_p99": m.wrk.p99_ms,
            "server_cpu": m.server_cpu_ms,
        }

    units = {
        "requests_per_s": ("req/s", "higher"),
        "latency_p50": ("ms", "lower"),
        "latency_p99": ("ms", "lower"),
        "server_cpu": ("ms/req", "lower"),
    }
    ours, theirs = numbers(value), numbers(baseline) if baseline else None
    metrics = []
    for key in include:
        unit, better = units[key]
        v, b = ours[key], theirs[key] if theirs else None
        ratio = None
        if b and v:
            ratio = round(v / b if better == "higher" else b / v, 2)
        metrics.append(
            Metric(
                name=f"{name}.{key}",
                value=round(v, 2),
                unit=unit,
                baseline=round(b, 2) if b is not None else None,
                ratio=ratio,
                better=better,
                server=server,
                errors=value.wrk.errors,
                baseline_errors=baseline.wrk.errors if baseline else None,
                other_cpu=round(value.other_cpu, 3),
                baseline_other_cpu=round(baseline.other_cpu, 3) if baseline else None,
            )
        )
    return metrics


def serving_metrics(results: dict[ServerSpec, Measurement]) -> list[Metric]:
    asgi = next((s for s in results if s.kind == "uvicorn"), None)
    baseline = results[asgi] if asgi is not None else None
    metrics = []
    for spec, result in results.items():
        metrics += compare(
            f"serving.{spec.key}.feedbacks_list",
            result,
            baseline,
            spec.label,
            include=("requests_per_s", "latency_p99", "server_cpu"),
        )
    return metrics


def print_table(metrics: list[Metric]) -> None:
    print_rows(
        Row(
            m.name,
            m.value,
            m.unit,
            m.baseline,
            m.ratio,
            m.better,
            f"{m.errors} errors" if m.errors else "",
        )
        for m in metrics
    )


def verdicts(measured: dict[str, Measurement]) -> list[str]:
    real, naive = measured["list"].wrk, measured["naive_list"].wrk
    list_ratio = real.requests_per_s / naive.requests_per_s
    lines = [
        f"GET list throughput ≥ {TARGET_RATIO:g}× naive: {list_ratio:.2f}× "
        f"({real.requests_per_s:.0f} vs {naive.requests_per_s:.0f} req/s) — "
        f"{'MET' if list_ratio >= TARGET_RATIO else 'MISSED'}"
    ]
    for key, label in (("list", "GET list"), ("create", "POST create")):
        p99 = measured[key].wrk.p99_ms
        lines.append(
            f"{label} p99 ≤ {TARGET_P99_MS:g} ms at {CONNECTIONS} connections: {p99:.1f} ms — "
            f"{'MET' if p99 <= TARGET_P99_MS else 'MISSED'}"
        )
    create = measured["create"].wrk.requests_per_s / measured["naive_create"].wrk.requests_per_s
    lines.append(f"POST create throughput vs naive: {create:.2f}× (informational)")
    noisy = [k for k, m in measured.items() if m.other_cpu > BUSY_LIMIT]
    errors = [k for k, m in measured.items() if m.wrk.errors]
    if noisy:
        lines.append(
            f"WARNING: other processes used > {BUSY_LIMIT:.0%} of the CPUs during {noisy}: "
            "those numbers understate the app; rerun on a quiet machine."
        )
    if errors:
        lines.append(f"WARNING: non-2xx responses or socket errors during {errors}.")
    return lines


def busy_warning(when: str) -> str | None:
    """A warning when other processes keep the CPUs busy (sampled for one second)."""
    try:
        busy = machine_busy_seconds()
        time.sleep(1.0)
        share = (machine_busy_seconds() - busy) / (os.cpu_count() or 1)
    except (OSError, ValueError, IndexError):
        return None
    if share < BUSY_LIMIT:
        return None
    return (
        f"WARNING: {share:.0%} of the CPUs were busy {when} the benchmark: other processes "
        "compete with the server and wrk, so these numbers understate the app."
    )


def contract_part(
    chosen: ServerSpec, data: Dataset, eps: dict[str, Endpoint], workdir: Path
) -> None:
    """The validator micro-benchmark and CONTRACT_VALIDATION off vs enforce (bench.contract)."""
    rows, lines = contract.validator_rows()
    mode_rows, mode_lines = contract.modes(chosen, data, eps, workdir, load)
    rows += mode_rows
    if contract.USAGE_ENABLED:
        usage_rows, usage_lines = contract.usage_recording(chosen, data, eps, workdir, load)
        rows += usage_rows
        mode_lines += usage_lines
    print("\nContract validation (ratio = improvement factor, > 1 is better):\n")
    print_rows(rows)
    print()
    for line in [*lines, *mode_lines]:
        print(line)
    contract.save(rows, RESULTS)
    print(
        f"\nWrote {len(rows)} validator.*, contract_validation.* and usage_recording.* "
        f"entries to {RESULTS.name}"
    )


def main() -> int:
    # SIGTERM unwinds like Ctrl-C, so the finally blocks stop the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    specs = parse_specs(SERVERS)
    wrk.ensure_wrk()
    warnings = [w for w in [busy_warning("before")] if w]
    for warning in warnings:
        print(warning, flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-bench-"))
    try:
        data = prepare(workdir)
        eps = endpoints(data)
        chosen, selection = choose_server(specs, data, eps["list"], workdir)
        print(f"\nServing choice by measurement: {chosen.label}", flush=True)
        print(
            f"\nMeasuring on {chosen.label}: {DURATION:g} s each, "
            f"{CONNECTIONS} connections, {WARMUP:g} s warm-up:",
            flush=True,
        )
        measured: dict[str, Measurement] = {}
        with Server(chosen, cwd=ROOT, env=data.env, log=workdir / "main.log") as server:
            server.wait_ready(eps["list"].path, data.auth)
            for endpoint in eps.values():
                check(server, endpoint, data.auth)
            for key, endpoint in eps.items():
                measured[key] = load(server, endpoint, data.auth, DURATION, workdir)
            log = server.log_tail()
        if log.strip():
            print(f"\nserver log (tail):\n{log}")

        metrics = [
            *compare("feedbacks_list", measured["list"], measured["naive_list"], chosen.label),
            *compare(
                "feedbacks_create", measured["create"], measured["naive_create"], chosen.label
            ),
            *compare(
                "feedbacks_create_screenshot", measured["create_screenshot"], None, chosen.label
            ),
            *serving_metrics(selection),
        ]
        print(
            "\nResults (baseline = naive DRF ModelSerializer views, same server and run; "
            "serving.* baseline = uvicorn;\nratio = improvement factor, > 1 is better):\n"
        )
        print_table(metrics)
        print()
        for line in verdicts(measured):
            print(line)
        after = busy_warning("right after")
        for warning in [*warnings, *([after] if after else [])]:
            print(warning)
        RESULTS.write_text(json.dumps([asdict(m) for m in metrics], indent=2) + "\n")
        print(f"\nWrote {RESULTS.relative_to(ROOT)}")
        if contract.ENABLED:
            contract_part(chosen, data, eps, workdir)
        if fanout.ENABLED:
            fanout.run(data, workdir)
        if dashboard.ENABLED:
            # Its own process: Django is configured once per process, on its own database.
            subprocess.run([sys.executable, "-m", "bench.dashboard"], cwd=ROOT, check=True)
        if media.ENABLED:
            subprocess.run([sys.executable, "-m", "bench.media"], cwd=ROOT, check=True)
        if web.ENABLED:
            subprocess.run([sys.executable, "-m", "bench.web"], cwd=ROOT, check=True)
        if os.environ.get("BENCH_PROFILE") == "1":
            print("\nIn-process profile (bench.profile):", flush=True)
            subprocess.run(
                [sys.executable, "-m", "bench.profile", data.video_ids[0]],
                cwd=ROOT,
                env=data.env,
                check=False,
            )
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temp dir removed", file=sys.stderr)
        sys.exit(130)
