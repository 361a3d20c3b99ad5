"""`make bench`: the feedback endpoints against a naive DRF view, a FastAPI peer and
Django's own ceiling, then the other parts. What each part measures, its settings and
its targets: bench/README.md."""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import common, contract, dashboard, fanout, media, web, wrk
from .dataset import ROOT, Dataset, five_shapes, prepare
from .report import Row, print_rows
from .servers import Server, ServerSpec, machine_busy_seconds, parse_specs

DURATION = float(os.environ.get("BENCH_DURATION", "10"))
SELECT_DURATION = float(os.environ.get("BENCH_SELECT_DURATION", str(max(3.0, DURATION / 2))))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
SERVERS = os.environ.get("BENCH_SERVERS", "gunicorn:2,gunicorn:3,gunicorn:4,uvicorn:2")
RESULTS = common.RESULTS
PEER = os.environ.get("BENCH_PEER", "1") != "0"
BUSY_LIMIT = 0.15
PAGE = 50
# A cheap GET both the app and the peer answer 200 (main sets it: the list of the run).
SETTLE_PATH = "/api/v1/feedbacks"
# The targets (bench/README.md): on the value, or on the ratio to a named baseline.
TARGET_LIST_VS_PEER = 1.5
TARGET_LIST_CPU_MS = 1.5
TARGET_P99_MS = 40.0
TARGET_CREATE_VS_NAIVE = 1.0
TARGET_CREATE_VS_PEER = 1.0
TARGET_CREATE_CPU_MS = 4.0


@dataclass(frozen=True)
class Endpoint:
    key: str
    method: str
    path: str
    status: int
    body: dict[str, Any] | None = None
    note: str = ""


def _png_data_url() -> str:
    from PIL import Image

    image = Image.new("RGB", (160, 90))
    image.putdata([(x * 255 // 160, y * 255 // 90, 128) for y in range(90) for x in range(160)])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def list_etag(server: Server, endpoint: Endpoint, auth: dict[str, str]) -> str:
    """The ETag of the list page (what a client revalidating its copy sends back)."""
    request = urllib.request.Request(server.base_url + endpoint.path, headers=auth)
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["ETag"])


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
        "ceiling": Endpoint("ceiling", "GET", "/api/bench/ceiling", 200),
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
    if endpoint.key.endswith("list") and len(json.loads(payload)) != PAGE:
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
    headers: dict[str, str] | None = None,
    label: str = "",
) -> Measurement:
    """A warm-up run (``BENCH_WARMUP`` s unless ``warmup`` says), then the measured run."""
    warmup = WARMUP if warmup is None else warmup
    script = None
    if endpoint.body is not None:
        script = wrk.post_script(workdir / f"{endpoint.key}.lua", json.dumps(endpoint.body))
    url = server.base_url + endpoint.path
    sent = {**auth, **(headers or {})}
    options: dict[str, Any] = {"connections": CONNECTIONS, "headers": sent, "script": script}
    if warmup > 0:
        wrk.run(url, seconds=warmup, **options)
    busy, served, ours = machine_busy_seconds(), server.cpu_seconds(), common.own_cpu_seconds()
    started = time.monotonic()
    result = wrk.run(url, seconds=seconds, **options)
    elapsed = time.monotonic() - started
    served = server.cpu_seconds() - served
    others = machine_busy_seconds() - busy - served - (common.own_cpu_seconds() - ours)
    # Requests wrk gave up on are still queued in the server: let it drain them before
    # the next measurement, so one slow endpoint does not starve the next one's.
    server.wait_ready(SETTLE_PATH, auth, timeout=300)
    measurement = Measurement(
        wrk=result,
        server_cpu_ms=served / max(result.requests, 1) * 1000,
        other_cpu=max(0.0, others / (elapsed * (os.cpu_count() or 1))),
    )
    flag = f"  !! {result.errors} errors" if result.errors else ""
    target = (label or endpoint.path.split("?")[0] + endpoint.note)[:40]
    print(
        f"  {endpoint.method:4} {target:40} {result.requests_per_s:7.1f} req/s"
        f"  p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
        f"  server CPU {measurement.server_cpu_ms:5.2f} ms/req"
        f"  other CPU {measurement.other_cpu:4.0%}{flag}",
        flush=True,
    )
    return measurement


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


_FIGURES = {
    "requests_per_s": ("req/s", "higher", lambda m: m.wrk.requests_per_s),
    "latency_p50": ("ms", "lower", lambda m: m.wrk.p50_ms),
    "latency_p99": ("ms", "lower", lambda m: m.wrk.p99_ms),
    "server_cpu": ("ms/req", "lower", lambda m: m.server_cpu_ms),
}


def figures(
    name: str,
    value: Measurement,
    server: str,
    *,
    baseline: Measurement | None = None,
    baseline_name: str = "",
    others: dict[str, Measurement | None] | None = None,
    targets: dict[str, tuple[float, str]] | None = None,
    include: tuple[str, ...] = ("requests_per_s", "latency_p50", "latency_p99", "server_cpu"),
) -> list[common.Metric]:
    """One Metric per figure of ``value``: its ratio to ``baseline`` and, in ``others``,
    to further baselines; ``targets`` maps a figure to (bound, "value" or "ratio")."""
    out = []
    for key in include:
        unit, better, raw = _FIGURES[key]

        def get(m: Measurement, raw: Any = raw) -> float | None:
            return raw(m) if m.wrk.requests else None  # nothing completed: no figure

        target, on = (targets or {}).get(key, (None, "value"))
        out.append(
            common.metric(
                f"{name}.{key}",
                get(value),
                unit,
                better=better,
                baseline=get(baseline) if baseline else None,
                target=target,
                target_on=on,
                baseline_name=baseline_name,
                server=server,
                other_cpu=round(value.other_cpu, 3),
                errors=value.wrk.errors + (0 if value.wrk.requests else 1),
                others={
                    label: common.ratio(get(value), get(m), better) if m else None
                    for label, m in (others or {}).items()
                },
            )
        )
    return out


def serving_metrics(results: dict[ServerSpec, Measurement]) -> list[common.Metric]:
    asgi = next((s for s in results if s.kind == "uvicorn"), None)
    baseline = results[asgi] if asgi is not None else None
    metrics = []
    for spec, result in results.items():
        metrics += figures(
            f"serving.{spec.key}.feedbacks_list",
            result,
            spec.label,
            baseline=baseline,
            baseline_name="uvicorn",
            include=("requests_per_s", "latency_p99", "server_cpu"),
        )
    return metrics


def endpoint_metrics(
    measured: dict[str, Measurement], label: str, peer_label: str
) -> list[common.Metric]:
    """The list, create and ceiling figures with every baseline and target."""
    peer_list, peer_create = measured.get("peer_list"), measured.get("peer_create")
    ceiling = measured["ceiling"]
    out = figures(
        "feedbacks_list",
        measured["list"],
        label,
        baseline=measured["naive_list"],
        baseline_name="naive DRF view",
        others={"peer": peer_list, "ceiling": ceiling},
        targets={
            "server_cpu": (TARGET_LIST_CPU_MS, "value"),
            "latency_p99": (TARGET_P99_MS, "value"),
        },
    )
    out += figures(
        "feedbacks_list.vs_peer",
        measured["list"],
        label,
        baseline=peer_list,
        baseline_name=f"FastAPI peer ({peer_label})",
        targets={"requests_per_s": (TARGET_LIST_VS_PEER, "ratio")},
        include=("requests_per_s", "latency_p99", "server_cpu"),
    )
    out += figures(
        "feedbacks_list.not_modified",
        measured["list_304"],
        label,
        baseline=measured["list"],
        baseline_name="the same list answered 200",
        others={"peer": peer_list},
    )
    out += figures(
        "feedbacks_create",
        measured["create"],
        label,
        baseline=measured["naive_create"],
        baseline_name="naive DRF view",
        others={"peer": peer_create, "ceiling": ceiling},
        targets={
            "requests_per_s": (TARGET_CREATE_VS_NAIVE, "ratio"),
            "server_cpu": (TARGET_CREATE_CPU_MS, "value"),
        },
    )
    out += figures(
        "feedbacks_create.vs_peer",
        measured["create"],
        label,
        baseline=peer_create,
        baseline_name=f"FastAPI peer ({peer_label})",
        targets={"requests_per_s": (TARGET_CREATE_VS_PEER, "ratio")},
        include=("requests_per_s", "latency_p99", "server_cpu"),
    )
    out += figures("feedbacks_create_screenshot", measured["create_screenshot"], label)
    out += figures(
        "ceiling",
        ceiling,
        label,
        baseline_name="",
        include=("requests_per_s", "latency_p99", "server_cpu"),
    )
    if peer_list is not None and peer_create is not None:
        out += figures("peer.feedbacks_list", peer_list, peer_label)
        out += figures("peer.feedbacks_create", peer_create, peer_label)
    return out


def print_table(metrics: list[common.Metric]) -> None:
    def note(m: common.Metric) -> str:
        parts = [f"vs {k} {v:.2f}×" for k, v in m.others.items() if v is not None]
        if m.verdict:
            bound = f"{m.target:g}{'×' if m.target_on == 'ratio' else ' ' + m.unit}"
            parts.append(
                f"target {'≥' if m.better == 'higher' or m.target_on == 'ratio' else '≤'} "
                f"{bound}: {m.verdict}"
            )
        if m.errors:
            parts.append(f"{m.errors} errors")
        return ", ".join(parts)

    print_rows(
        Row(m.name, m.value, m.unit, m.baseline, m.ratio, m.better, note(m)) for m in metrics
    )


def verdicts(metrics: list[common.Metric], measured: dict[str, Measurement]) -> list[str]:
    lines = [
        f"{m.name}: {m.value:g} {m.unit}"
        + (f" ({m.ratio:.2f}× {m.baseline_name})" if m.ratio is not None else "")
        + f" — target {m.target:g}{'×' if m.target_on == 'ratio' else ''}: {m.verdict}"
        for m in metrics
        if m.verdict is not None and m.value is not None
    ]
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
        global SETTLE_PATH
        SETTLE_PATH = eps["list"].path
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
                if key == "list":
                    etag = {"If-None-Match": list_etag(server, endpoint, data.auth)}
                    measured["list_304"] = load(
                        server,
                        endpoint,
                        data.auth,
                        DURATION,
                        workdir,
                        headers=etag,
                        label="/api/v1/feedbacks If-None-Match (304)",
                    )
            log = server.log_tail()
        if log.strip():
            print(f"\nserver log (tail):\n{log}")
        peer = ServerSpec("peer", chosen.workers)
        if PEER:
            print(f"\nThe FastAPI peer ({peer.label}), same database and load:", flush=True)
            with Server(peer, cwd=ROOT, env=data.env, log=workdir / "peer.log") as server:
                server.wait_ready(eps["list"].path, data.auth)
                for key in ("list", "create"):
                    check(server, eps[key], data.auth)
                    measured[f"peer_{key}"] = load(server, eps[key], data.auth, DURATION, workdir)
                log = server.log_tail()
            if log.strip():
                print(f"\npeer log (tail):\n{log}")

        metrics = [*endpoint_metrics(measured, chosen.label, peer.label)]
        metrics += serving_metrics(selection)
        print(
            "\nResults (baseline = naive DRF ModelSerializer views unless the name says "
            "vs_peer; same run;\nratio = improvement factor, > 1 is better):\n"
        )
        print_table(metrics)
        print()
        for line in verdicts(metrics, measured):
            print(line)
        after = busy_warning("right after")
        for warning in [*warnings, *([after] if after else [])]:
            print(warning)
        prefixes = ("feedbacks_", "serving.", "ceiling.", "peer.")
        common.write_results((m.as_dict() for m in metrics), prefixes, RESULTS)
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
