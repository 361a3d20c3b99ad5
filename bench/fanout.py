"""Fan-out: how long until every client in a room has a ``feedback.created`` message.

What is measured, per channel layer and room size N (``BENCH_FANOUT_SIZES``):

- Servers: real uvicorn processes on 127.0.0.1 serving ``config.asgi`` with
  ``bench.settings`` on the benchmark's SQLite file. "memory": ONE process with the
  in-memory channel layer and presence (REDIS_URL unset, as ``make run``). "redis": TWO
  processes on one Redis (the pub/sub room layer and Redis presence) under a key prefix
  unique to the run, whose keys are deleted at the end. uvicorn declines the clients'
  permessage-deflate offer unless ``BENCH_FANOUT_SERVER_DEFLATE=1`` (each socket would
  compress the same message again: +38 µs of server CPU per delivered message).
- Clients: N real WebSocket connections (the ``websockets`` library) to
  ``/ws/videos/{id}/`` of one video, held by ``BENCH_FANOUT_CLIENT_PROCS`` client
  processes (``bench.fanout_clients``, one event loop each, uvloop when installed). All
  use the bench user's token (presence counts people, so the room announces one
  ``user.joined``, not N); client n connects to server process n % processes. They open
  ``BENCH_FANOUT_BATCH`` at a time, each waiting for its ``presence.snapshot``; sizes
  grow by adding clients to the same room. The connect phase is timed, not scored.
  Clients offer permessage-deflate as browsers do (``BENCH_FANOUT_DEFLATE=0``: not).
- A round: ``t0 = time.perf_counter()`` right before ``POST /api/v1/feedbacks`` (httpx,
  keep-alive, to the first server process, from this process); each client stamps the
  arrival of every ``feedback.created`` (``perf_counter`` is CLOCK_MONOTONIC, one clock
  for all processes) and the round ends when all clients have the one whose id the POST
  answered (it may arrive before the response; stamps are kept by id).
  ``BENCH_FANOUT_WARMUP`` unscored rounds, then ``BENCH_FANOUT_ROUNDS`` scored ones,
  ``BENCH_FANOUT_PAUSE`` s apart. A round not complete ``BENCH_FANOUT_TIMEOUT`` s after
  t0 fails and is reported with how many clients got the message. A client the server
  closes is reported (with its close code) and later rounds wait for the others.

Reported per layer and size:

- delivery p50/p99: per-client latency (arrival − t0) over all clients of all rounds,
- all-delivered p50/p99/max: per round the latency of the LAST client (the fan-out
  time), over the rounds; the 60 ms target (1,000 clients) and the 300 ms one (5,000,
  nothing lost) are on its p99,
- messages/s: deliveries / time to deliver them = delivered messages of the completed
  rounds / sum of their fan-out times (a rate during a burst, not a sustained rate),
- first delivery p50 and REST response p50 (where a round's time goes: until the first
  client has it vs spreading it to the rest),
- CPU ms per round of each server process, the client processes, this process (the
  REST calls), Redis (``INFO cpu``) and the kernel's irq/softirq time, summed over the
  scored rounds' windows, and ``other_cpu``, the share of the CPUs other processes used
  meanwhile (> 15 %: the numbers understate the app; the top ones are named),
- exceptions the server logs report (during the scored rounds and overall).

Also measured in process (``bench.message_cost``): µs per message of the outgoing
validation next to the JSON encoding of the same ``feedback.created``.

Results are merged into ``bench-results.json`` as ``fanout.*`` entries shaped like the
REST ones: ``{name, value, unit, baseline, ratio, better, server, clients, rounds,
errors, dropped, server_errors, other_cpu, ...}``. For the redis layer, ``baseline`` is
the in-memory layer's value at the same N in the same run and ``ratio`` the improvement
factor (> 1: Redis with 2 processes is better); in-memory entries have ``baseline:
null``. ``errors`` counts failed rounds. ``fanout.message.validate_outgoing`` has the
encoding of the same message as its baseline (ratio < 1: validating costs more).

Also judged: all servers' CPU per delivered message at 1,000 clients on Redis (≤ 60 µs).
A size of 5,000 (``BENCH_FANOUT_SIZES=1000,5000``) needs 2 × 5,000 + 1,024 open files:
the limit is raised up to the hard limit.

Environment: ``BENCH_FANOUT`` (1; 0 skips it in ``make bench``), ``BENCH_FANOUT_SIZES``
(100,500,1000), ``BENCH_FANOUT_ROUNDS`` (20: a p99 over 5 rounds would be their max),
``BENCH_FANOUT_WARMUP`` (2), ``BENCH_FANOUT_PAUSE`` (0.2), ``BENCH_FANOUT_TIMEOUT`` (10),
``BENCH_FANOUT_BATCH`` (100), ``BENCH_FANOUT_CLIENT_PROCS`` (1: on 2 cores a second one
did not help), ``BENCH_FANOUT_LAYERS`` (memory,redis), ``BENCH_FANOUT_WS`` (uvicorn's
``--ws``: auto), ``BENCH_FANOUT_DEFLATE`` (1), ``BENCH_FANOUT_SERVER_DEFLATE`` (0),
``PORT_RANGE`` (servers' ports, e.g. 18500-18509; else the OS picks), ``BENCH_REDIS_URL``
(redis://127.0.0.1:6379/0), ``BENCH_FANOUT_PROFILE`` (a directory: cProfile each server
over each size's scored rounds, ``bench.server_profile``, and print the top functions
and the servers' user/system CPU split; a profiled run's own figures are inflated;
``BENCH_FANOUT_PROFILE_CALLS=0``: the split alone, not inflated).

    python -m bench.fanout     # only this part, on a fresh throwaway dataset
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import redis

from . import message_cost
from .common import percentile
from .common import write_results as _write_results
from .dataset import ROOT, Dataset, prepare
from .fanout_clients import DRAIN
from .report import Row, print_rows
from .servers import Server, ServerSpec, machine_busy_seconds, process_cpu

ENABLED = os.environ.get("BENCH_FANOUT", "1") != "0"
SIZES = [int(n) for n in os.environ.get("BENCH_FANOUT_SIZES", "100,500,1000").split(",") if n]
ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "20"))
WARMUP = int(os.environ.get("BENCH_FANOUT_WARMUP", "2"))
PAUSE = float(os.environ.get("BENCH_FANOUT_PAUSE", "0.2"))
TIMEOUT = float(os.environ.get("BENCH_FANOUT_TIMEOUT", "10"))
BATCH = int(os.environ.get("BENCH_FANOUT_BATCH", "100"))
CLIENT_PROCS = int(os.environ.get("BENCH_FANOUT_CLIENT_PROCS", "1"))
LAYERS = [k.strip() for k in os.environ.get("BENCH_FANOUT_LAYERS", "memory,redis").split(",")]
WS_IMPL = os.environ.get("BENCH_FANOUT_WS", "auto")
DEFLATE = os.environ.get("BENCH_FANOUT_DEFLATE", "1") != "0"
# uvicorn's --ws-per-message-deflate: whether the server accepts the clients' offer.
SERVER_DEFLATE = os.environ.get("BENCH_FANOUT_SERVER_DEFLATE", "0") != "0"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PROFILE_DIR = os.environ.get("BENCH_FANOUT_PROFILE", "")
PROFILE_CALLS = os.environ.get("BENCH_FANOUT_PROFILE_CALLS", "1") != "0"
PROFILE_TOP = 30
RESULTS = ROOT / "bench-results.json"
TARGET_CLIENTS = 1000
TARGET_MS = 60.0
LARGE_CLIENTS = 5000  # measured when in BENCH_FANOUT_SIZES: nothing lost, p99 ≤ LARGE_MS
LARGE_MS = 300.0
TARGET_CPU_US = 60.0  # all servers' CPU per delivered message, Redis, TARGET_CLIENTS
BUSY_LIMIT = 0.15
CONNECT_TIMEOUT = 60.0  # for one batch of clients

T = TypeVar("T")


@dataclass(frozen=True)
class Layer:
    key: str
    label: str
    processes: int
    redis: bool


LAYER_SPECS = {
    "memory": Layer("memory", "in-memory layer, 1 uvicorn process", 1, False),
    "redis": Layer("redis", "Redis layer, 2 uvicorn processes", 2, True),
}


@dataclass(frozen=True)
class Round:
    rest_ms: float
    latencies_ms: list[float]  # one per client that got the message, sorted
    expected: int

    @property
    def complete(self) -> bool:
        return bool(self.latencies_ms) and len(self.latencies_ms) >= self.expected

    @property
    def all_ms(self) -> float:
        return self.latencies_ms[-1]


@dataclass
class Cpu:
    """CPU seconds, summed over the scored rounds' windows."""

    servers: list[float]
    client: float = 0.0  # the client processes
    driver: float = 0.0  # this process: the REST calls and driving the clients
    redis: float | None = None
    irq: float = 0.0  # the kernel's interrupt and softirq time (loopback TCP, largely)
    steal: float = 0.0  # time the hypervisor gave our virtual CPUs to other guests
    machine: float = 0.0  # every CPU's busy time, irq included, steal excluded
    wall: float = 0.0
    others: dict[str, float] = field(default_factory=dict)  # other processes, by name

    @property
    def other_share(self) -> float:
        """The share of all CPUs used by other processes while the rounds ran."""
        ours = sum(self.servers) + self.client + self.driver + (self.redis or 0.0) + self.irq
        cpus = os.cpu_count() or 1
        return max(0.0, self.machine - ours) / (self.wall * cpus) if self.wall else 0.0

    def top_others(self, count: int = 3) -> str:
        cpus = os.cpu_count() or 1
        top = sorted(self.others.items(), key=lambda item: -item[1])[:count]
        shares = [(name, seconds / (self.wall * cpus)) for name, seconds in top]
        return ", ".join(f"{name} {share:.0%}" for name, share in shares if share >= 0.01)


@dataclass
class SizeResult:
    layer: Layer
    clients: int
    connect_s: float
    rounds: list[Round]
    cpu: Cpu
    noise: dict[str, int] = field(default_factory=dict)  # other message types during rounds
    # What the server logs reported during the scored rounds: error and where → count.
    server_errors: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # clients the servers closed, by code

    @property
    def expected_total(self) -> int:
        """Deliveries a round owes: one per client of the room."""
        return self.clients

    @property
    def completed(self) -> list[Round]:
        return [r for r in self.rounds if r.complete]

    @property
    def failed(self) -> list[Round]:
        return [r for r in self.rounds if not r.complete]

    def delivery(self, q: float) -> float | None:
        return percentile([ms for r in self.rounds for ms in r.latencies_ms], q)

    def all_delivered(self, q: float) -> float | None:
        return percentile([r.all_ms for r in self.completed], q)

    @property
    def messages_per_s(self) -> float | None:
        done = self.completed
        total = sum(r.all_ms for r in done) / 1000
        return sum(len(r.latencies_ms) for r in done) / total if total else None

    def first(self, q: float) -> float | None:
        return percentile([r.latencies_ms[0] for r in self.rounds if r.latencies_ms], q)

    def rest(self, q: float) -> float | None:
        return percentile([r.rest_ms for r in self.rounds], q)

    def per_round_ms(self, seconds: float | None) -> float | None:
        return seconds / len(self.rounds) * 1000 if seconds is not None and self.rounds else None


@dataclass(frozen=True)
class FanoutMetric:
    name: str
    value: float | None
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    server: str
    clients: int | None = None
    rounds: int | None = None
    errors: int = 0  # rounds not complete within BENCH_FANOUT_TIMEOUT
    dropped: int = 0  # clients the servers closed up to the end of these rounds
    server_errors: int = 0  # exceptions in the server logs during these rounds
    other_cpu: float | None = None
    baseline_other_cpu: float | None = None


def raise_fd_limit(needed: int) -> int:
    """Raise this process's (and so the servers') open-files limit; returns the soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    return soft


def irq_steal_seconds() -> tuple[float, float]:
    """CPU seconds all CPUs spent in hard and soft interrupts, and stolen by the
    hypervisor for other guests, since boot (/proc/stat)."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:9]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (fields[5] + fields[6]) / ticks, (fields[7] if len(fields) > 7 else 0) / ticks


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class RedisCpu:
    """Redis's own CPU seconds (``INFO cpu``); None when Redis is not in use."""

    def __init__(self, url: str | None) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=5) if url else None

    def seconds(self) -> float | None:
        if self.client is None:
            return None
        info: dict[str, Any] = self.client.info("cpu")  # type: ignore[assignment]
        return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


class ClientProcesses:
    """The ``bench.fanout_clients`` processes holding the WebSocket clients."""

    def __init__(self, procs: list[asyncio.subprocess.Process]) -> None:
        self.procs = procs
        self.noise: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()  # close codes, all client processes
        self.size = 0

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.procs]

    @classmethod
    async def start(cls, count: int, urls: list[str], token: str) -> ClientProcesses:
        procs = []
        command = [sys.executable, "-m", "bench.fanout_clients"]
        pipe = asyncio.subprocess.PIPE
        try:
            for _ in range(count):
                procs.append(
                    await asyncio.create_subprocess_exec(
                        *command, stdin=pipe, stdout=pipe, cwd=ROOT, limit=1 << 24
                    )
                )
            clients = cls(procs)
            batch = math.ceil(BATCH / count)
            setup = {"cmd": "setup", "urls": urls, "token": token, "deflate": DEFLATE}
            await clients.call(
                [{**setup, "offset": w, "stride": count, "batch": batch} for w in range(count)],
                timeout=30,
            )
        except BaseException:
            await cls(procs).stop()
            raise
        return clients

    async def _call(self, proc: asyncio.subprocess.Process, command: dict[str, Any]) -> Any:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(json.dumps(command).encode() + b"\n")
        await proc.stdin.drain()
        line = await proc.stdout.readline()
        if not line:
            raise RuntimeError(f"client process {proc.pid} exited (code {proc.returncode})")
        answer = json.loads(line)
        if not answer.get("ok"):
            raise RuntimeError(f"client process {proc.pid}: {answer.get('error')}")
        return answer

    async def call(self, commands: list[dict[str, Any]], timeout: float) -> list[Any]:
        """One command per process, all at once; their answers, in process order."""
        calls = (self._call(p, c) for p, c in zip(self.procs, commands, strict=True))
        return list(await asyncio.wait_for(asyncio.gather(*calls), timeout))

    async def grow(self, size: int) -> float:
        k = len(self.procs)
        shares = [size // k + (1 if w < size % k else 0) for w in range(k)]
        started = time.perf_counter()
        timeout = CONNECT_TIMEOUT * (math.ceil(size / BATCH) + 1)
        await self.call([{"cmd": "grow", "count": n} for n in shares], timeout)
        self.size = size
        return time.perf_counter() - started - DRAIN

    async def collect(self, feedback_id: str, deadline: float) -> tuple[list[float], int]:
        """Arrival stamps of one message, and how many clients were still connected."""
        command = {"cmd": "collect", "id": feedback_id, "deadline": deadline}
        wait = max(0.0, deadline - time.perf_counter()) + 30
        answers = await self.call([command] * len(self.procs), wait)
        return [t for a in answers for t in a["times"]], sum(a["expected"] for a in answers)

    async def cpu_seconds(self) -> float:
        """CPU seconds of the client processes so far; notes their other messages."""
        answers = await self.call([{"cmd": "stats"}] * len(self.procs), 30)
        self.dropped = Counter()
        for a in answers:
            self.noise.update(a["noise"])
            self.dropped.update(a["dropped"])
        return sum(float(a["cpu"]) for a in answers)

    async def stop(self) -> None:
        with contextlib.suppress(Exception):
            await self.call([{"cmd": "close"}] * len(self.procs), 120)
        for proc in self.procs:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
            await proc.wait()


class CpuMeter:
    """Samples every CPU counter at the edges of each round and sums the differences."""

    def __init__(self, servers: list[Server], clients: ClientProcesses, redis_cpu: RedisCpu):
        self.servers = servers
        self.clients = clients
        self.redis = redis_cpu
        self.total = Cpu(servers=[0.0] * len(servers), redis=0.0 if redis_cpu.client else None)

    @contextlib.asynccontextmanager
    async def round(self) -> AsyncIterator[None]:
        # Sampling costs this process CPU (/proc scans, RPCs): its own counter is read
        # last before the round and first after it.
        table, redis_s = process_cpu(), self.redis.seconds()
        machine, (irq, steal) = machine_busy_seconds(), irq_steal_seconds()
        clients = await self.clients.cpu_seconds()
        driver, wall = _own_cpu(), time.perf_counter()
        yield
        driver_end, wall_end = _own_cpu(), time.perf_counter()
        clients_end = await self.clients.cpu_seconds()
        machine_end, (irq_end, steal_end) = machine_busy_seconds(), irq_steal_seconds()
        table_end, redis_end = process_cpu(), self.redis.seconds()
        total = self.total
        groups = [s.process.pid for s in self.servers]
        for i, group in enumerate(groups):
            total.servers[i] += sum(c for g, _, c in table_end.values() if g == group) - sum(
                c for g, _, c in table.values() if g == group
            )
        ours = {os.getpid(), *self.clients.pids}
        for pid, (group, name, cpu) in table_end.items():
            if pid in ours or group in groups or name == "redis-server" or pid not in table:
                continue
            if cpu > table[pid][2]:
                total.others[name] = total.others.get(name, 0.0) + cpu - table[pid][2]
        total.client += clients_end - clients
        total.driver += driver_end - driver
        if total.redis is not None and redis_s is not None and redis_end is not None:
            total.redis += redis_end - redis_s
        total.irq += irq_end - irq
        total.steal += steal_end - steal
        total.machine += machine_end - machine
        total.wall += wall_end - wall


async def _round(http: httpx.AsyncClient, body: dict[str, Any], clients: ClientProcesses) -> Round:
    t0 = time.perf_counter()
    response = await http.post("/api/v1/feedbacks", json=body)
    rest = time.perf_counter()
    if response.status_code != 201:
        raise RuntimeError(f"POST answered {response.status_code}: {response.text[:300]}")
    arrivals, connected = await clients.collect(response.json()["id"], t0 + TIMEOUT)
    return Round(
        rest_ms=(rest - t0) * 1000,
        latencies_ms=sorted((at - t0) * 1000 for at in arrivals),
        expected=connected,
    )


def _run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run on uvloop when it is installed (as uvicorn does), else on asyncio's loop.

    SIGTERM cancels the coroutine, so its ``finally`` blocks close the clients, and then
    exits with 143 as the rest of the run does.
    """

    async def main() -> T:
        loop, task = asyncio.get_running_loop(), asyncio.current_task()
        assert task is not None
        previous = signal.getsignal(signal.SIGTERM)
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            return await factory()
        finally:
            loop.remove_signal_handler(signal.SIGTERM)
            signal.signal(signal.SIGTERM, previous)

    try:
        import uvloop
    except ImportError:
        factory_loop = None
    else:
        factory_loop = uvloop.new_event_loop
    try:
        with asyncio.Runner(loop_factory=factory_loop) as runner:
            return runner.run(main())
    except asyncio.CancelledError:
        raise SystemExit(143) from None


async def _measure_room(
    layer: Layer, servers: list[Server], data: Dataset, video_id: str, redis_cpu: RedisCpu
) -> list[SizeResult]:
    # Client n connects to server n % processes: an even split.
    urls = [f"ws://127.0.0.1:{s.port}/ws/videos/{video_id}/" for s in servers]
    body = {
        "video_id": video_id,
        "timestamp": 42.5,
        "content": "The logo in the top-left corner is cut off; move it 20 px right.",
        "priority": "high",
    }
    results: list[SizeResult] = []
    clients = await ClientProcesses.start(CLIENT_PROCS, urls, data.token)
    try:
        async with httpx.AsyncClient(
            base_url=servers[0].base_url, headers=data.auth, timeout=TIMEOUT
        ) as http:
            for size in sorted(SIZES):
                connect_s = await clients.grow(size)
                for _ in range(WARMUP):
                    await _round(http, body, clients)
                    await asyncio.sleep(PAUSE)
                meter = CpuMeter(servers, clients, redis_cpu)
                await clients.cpu_seconds()
                clients.noise.clear()
                marks = [s.log_path.stat().st_size for s in servers]
                rounds = []
                _signal_servers(servers, signal.SIGUSR1)
                for _ in range(ROUNDS):
                    async with meter.round():
                        rounds.append(await _round(http, body, clients))
                    await asyncio.sleep(PAUSE)
                _signal_servers(servers, signal.SIGUSR2)
                errors = Counter(
                    error
                    for s, m in zip(servers, marks, strict=True)
                    for error in log_errors(s.log_path, since=m)
                )
                await clients.cpu_seconds()  # refreshes noise and dropped
                result = SizeResult(
                    layer,
                    size,
                    connect_s,
                    rounds,
                    meter.total,
                    dict(clients.noise),
                    dict(errors),
                    dict(clients.dropped),
                )
                print(_row(result), flush=True)
                results.append(result)
                if PROFILE_DIR:
                    await _print_profiles(servers, size * len(rounds))
    finally:
        await clients.stop()
    return results


def _signal_servers(servers: list[Server], signum: int) -> None:
    """Start (SIGUSR1) or stop and write (SIGUSR2) the servers' profiles, if asked."""
    if PROFILE_DIR:
        for server in servers:
            os.kill(server.process.pid, signum)


async def _print_profiles(servers: list[Server], messages: int) -> None:
    """Each server's profile of the scored rounds just run: its user/system CPU per
    delivered message (both servers' deliveries) and its top functions by own time."""
    import io
    import pstats

    for i, server in enumerate(servers):
        base = Path(PROFILE_DIR) / f"server-{server.process.pid}"
        for _ in range(100):  # the server writes them when it handles the signal
            if base.with_suffix(".json").exists():
                break
            await asyncio.sleep(0.1)
        else:
            print(f"  server {i}: no profile written", flush=True)
            continue
        cpu = json.loads(base.with_suffix(".json").read_text())
        out = io.StringIO()
        if PROFILE_CALLS:
            stats = pstats.Stats(str(base.with_suffix(".prof")), stream=out)
            stats.sort_stats("tottime").print_stats(PROFILE_TOP)
        print(
            f"\n  server {i} (pid {server.process.pid}), profiled: user {cpu['user']:.2f} s, "
            f"system {cpu['system']:.2f} s = {cpu['user'] / messages * 1e6:.1f} + "
            f"{cpu['system'] / messages * 1e6:.1f} µs per delivered message (of both servers)",
            flush=True,
        )
        print(out.getvalue(), flush=True)
        base.with_suffix(".json").unlink()
        if PROFILE_CALLS:
            base.with_suffix(".prof").rename(base.with_name(f"{base.name}-{messages}.prof"))


_EXCEPTION = re.compile(r"^((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception|Exit)): ", re.M)
_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
_INNER = ("/redis/", "/asyncio/", "/concurrent/", "/asgiref/")  # too deep to say much


def _frame(path: str, line: str, function: str) -> str:
    for marker in ("/site-packages/", f"{ROOT}/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{path}:{line} {function}"


def log_errors(path: Path, since: int = 0) -> list[str]:
    """What a server log reports after byte ``since``, one line per traceback: the error,
    the innermost frame outside redis-py/asyncio, and the innermost app frame."""
    with path.open("rb") as log:
        log.seek(since)
        text = log.read().decode(errors="replace")
    found = []
    for chunk in text.split("Traceback (most recent call last):")[1:]:
        error = _EXCEPTION.search(chunk)
        if error is None:
            continue  # e.g. StopConsumer, chained to the error that follows
        frames = _FRAME.findall(chunk[: error.start()])
        inner = [f for f in frames if not any(m in f[0] for m in _INNER)]
        app = [f for f in frames if f"{ROOT}/" in f[0] and "/site-packages/" not in f[0]]
        where = [_frame(*f) for f in (inner[-1:] + app[-1:])]
        text_where = " via ".join(dict.fromkeys(where))
        found.append(error.group(1).rsplit(".", 1)[-1] + (f" in {text_where}" if where else ""))
    return found


def _server_env(data: Dataset, layer: Layer, prefix: str) -> dict[str, str]:
    env = {k: v for k, v in data.env.items() if k not in ("REDIS_URL", "REDIS_KEY_PREFIX")}
    if layer.redis:
        env.update(REDIS_URL=REDIS_URL, REDIS_KEY_PREFIX=prefix)
    if PROFILE_DIR:
        env["BENCH_SERVER_PROFILE"] = str(Path(PROFILE_DIR).resolve())
        env["BENCH_SERVER_PROFILE_CALLS"] = "1" if PROFILE_CALLS else "0"
    return env


def _delete_keys(prefix: str) -> int:
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    deleted = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        batch.append(key)
        if len(batch) >= 500:
            deleted += int(client.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(client.delete(*batch))
    return deleted


def redis_problem() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at {REDIS_URL} is not reachable ({exc})"
    return None


def measure_layer(layer: Layer, data: Dataset, workdir: Path) -> list[SizeResult]:
    prefix = f"bench-fanout-{uuid.uuid4().hex[:12]}"
    env = _server_env(data, layer, prefix)
    deflate = "true" if SERVER_DEFLATE else "false"
    spec = ServerSpec("uvicorn", 1, extra=("--ws", WS_IMPL, "--ws-per-message-deflate", deflate))
    video_id = data.video_ids[1 % len(data.video_ids)]
    ready_path = f"/api/v1/feedbacks?video_id={video_id}&limit=1"
    redis_cpu = RedisCpu(REDIS_URL if layer.redis else None)
    print(
        f"\n {layer.label} (uvicorn --ws {WS_IMPL} --ws-per-message-deflate {deflate}):",
        flush=True,
    )
    try:
        with contextlib.ExitStack() as stack:
            servers = [
                stack.enter_context(
                    Server(spec, cwd=ROOT, env=env, log=workdir / f"fanout-{layer.key}-{i}.log")
                )
                for i in range(layer.processes)
            ]
            for server in servers:
                server.wait_ready(ready_path, data.auth)
            results = _run_async(lambda: _measure_room(layer, servers, data, video_id, redis_cpu))
    finally:
        if layer.redis:
            with contextlib.suppress(redis.RedisError):
                _delete_keys(prefix)
    for i in range(layer.processes):
        errors = Counter(log_errors(workdir / f"fanout-{layer.key}-{i}.log"))
        if errors:
            print(f"  server {i} logged {errors.total()} exceptions over the whole run:")
            for where, count in errors.most_common(5):
                print(f"    {count:5d}× {where}")
    return results


def _ms(value: float | None, width: int = 7) -> str:
    return f"{value:{width}.1f}" if value is not None else f"{'—':>{width}}"


HEADER = (
    f"  {'layer':7} {'clients':>7} {'rounds':>7} {'deliv p50':>9} {'deliv p99':>9} "
    f"{'all p50':>8} {'all p99':>8} {'all max':>8} {'msg/s':>8} {'first p50':>9} "
    f"{'REST p50':>8} {'connect':>8}"
)


def _row(r: SizeResult) -> str:
    rounds = f"{len(r.completed)}/{len(r.rounds)}"
    rate = f"{r.messages_per_s:8,.0f}" if r.messages_per_s else f"{'—':>8}"
    return (
        f"  {r.layer.key:7} {r.clients:7d} {rounds:>7} {_ms(r.delivery(50), 9)} "
        f"{_ms(r.delivery(99), 9)} {_ms(r.all_delivered(50), 8)} {_ms(r.all_delivered(99), 8)} "
        f"{_ms(r.all_delivered(100), 8)} {rate} {_ms(r.first(50), 9)} {_ms(r.rest(50), 8)} "
        f"{r.connect_s:7.1f}s"
    )


def _cpu_row(r: SizeResult) -> str:
    messages = r.clients * len(r.rounds)
    servers = " + ".join(f"{r.per_round_ms(s):.1f}" for s in r.cpu.servers)
    return (
        f"  {r.layer.key:7} {r.clients:7d} {servers:>15} "
        f"{sum(r.cpu.servers) / messages * 1e6:10.1f} {_ms(r.per_round_ms(r.cpu.client), 9)} "
        f"{r.cpu.client / messages * 1e6:10.1f} {_ms(r.per_round_ms(r.cpu.driver), 6)} "
        f"{_ms(r.per_round_ms(r.cpu.redis), 6)} {_ms(r.per_round_ms(r.cpu.irq), 6)} "
        f"{r.cpu.wall / len(r.rounds) * 1000:7.1f} {r.cpu.other_share:6.0%}"
    )


def print_tables(results: list[SizeResult]) -> None:
    print(
        "\nFan-out: N clients in one room, one POST /api/v1/feedbacks per round; ms from just\n"
        "before the POST until a client has its feedback.created. deliv = per client, all =\n"
        "per round until the last client has it; msg/s = deliveries / sum of all-delivered.\n"
    )
    print(HEADER)
    print("  " + "-" * (len(HEADER) - 2))
    for r in results:
        print(_row(r))
    print(
        "\nCPU per scored round (ms): each server process, and all servers' µs per delivered "
        "message\n(handling the POST included); the client process(es) and their µs per "
        f"received message\n({CLIENT_PROCS} process(es)); the driver (REST calls); Redis "
        "(INFO cpu); the kernel's irq +\nsoftirq time (loopback TCP); wall = the round's "
        "window; other = share of the CPUs other\nprocesses used meanwhile. /proc counters "
        "tick every 10 ms: summed over the scored rounds.\n"
    )
    header = (
        f"  {'layer':7} {'clients':>7} {'servers ms':>15} {'srv µs/msg':>10} {'client ms':>9} "
        f"{'cli µs/msg':>10} {'driver':>6} {'redis':>6} {'irq':>6} {'wall ms':>7} {'other':>6}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    for r in results:
        print(_cpu_row(r))
    for r in results:
        where = f"{r.layer.key} N={r.clients}"
        if r.cpu.other_share > 0.05 and r.cpu.top_others():
            print(f"  note: {where}: other CPU users: {r.cpu.top_others()}")
        steal = r.cpu.steal / (r.cpu.wall * (os.cpu_count() or 1)) if r.cpu.wall else 0.0
        if steal > 0.02:
            print(f"  note: {where}: the hypervisor stole {steal:.0%} of the CPUs meanwhile")
        if r.noise:
            print(f"  note: {where}: other messages during rounds: {r.noise}")
        if r.dropped:
            print(
                f"  WARNING: {where}: the servers dropped {sum(r.dropped.values())} clients so "
                f"far (close codes {r.dropped}); rounds waited for the clients still connected"
            )
        if r.server_errors:
            print(
                f"  WARNING: {where}: the servers logged "
                f"{sum(r.server_errors.values())} exceptions during the scored rounds:"
            )
            for error, count in sorted(r.server_errors.items(), key=lambda e: -e[1])[:5]:
                print(f"    {count:5d}× {error}")


def verdicts(results: list[SizeResult], failures: dict[str, str]) -> list[str]:
    lines = []
    target = next(
        (r for r in results if r.layer.key == "redis" and r.clients == TARGET_CLIENTS), None
    )
    label = f"Redis, 2 processes, {TARGET_CLIENTS} clients: all delivered p99 ≤ {TARGET_MS:g} ms"
    if target is None:
        why = failures.get("redis", "not measured (see BENCH_FANOUT_LAYERS / _SIZES)")
        lines.append(f"{label} — MISSED ({why})")
    else:
        p99 = target.all_delivered(99)
        met = p99 is not None and p99 <= TARGET_MS and not target.failed
        failed = f", {len(target.failed)} rounds incomplete" if target.failed else ""
        if target.dropped:
            failed += f", {sum(target.dropped.values())} clients dropped by the servers"
        lines.append(
            f"{label}: {_ms(p99, 0).strip()} ms (per-client p99 "
            f"{_ms(target.delivery(99), 0).strip()} ms{failed}) — {'MET' if met else 'MISSED'}"
        )
    if target is not None:
        cpu = _server_us_per_msg(target)
        met = cpu is not None and cpu <= TARGET_CPU_US
        lines.append(
            f"Redis, 2 processes, {TARGET_CLIENTS} clients: server CPU per delivered message "
            f"≤ {TARGET_CPU_US:g} µs: {_ms(cpu, 0).strip()} µs — {'MET' if met else 'MISSED'}"
        )
    large = next(
        (r for r in results if r.layer.key == "redis" and r.clients == LARGE_CLIENTS), None
    )
    if large is not None:
        p99 = large.all_delivered(99)
        lost = sum(large.expected_total - len(r.latencies_ms) for r in large.rounds)
        met = p99 is not None and p99 <= LARGE_MS and not large.failed and not large.dropped
        lines.append(
            f"Redis, 2 processes, {LARGE_CLIENTS} clients: all delivered p99 ≤ {LARGE_MS:g} ms, "
            f"nothing lost: {_ms(p99, 0).strip()} ms, {lost} deliveries missing, "
            f"{sum(large.dropped.values())} clients dropped — {'MET' if met else 'MISSED'}"
        )
    for r in results:
        for bad in r.failed:
            lines.append(
                f"FAILED round: {r.layer.key} N={r.clients}: only {len(bad.latencies_ms)} of "
                f"{bad.expected} clients had the message after {TIMEOUT:g} s"
            )
    busy = [f"{r.layer.key} N={r.clients}" for r in results if r.cpu.other_share > BUSY_LIMIT]
    if busy:
        lines.append(
            f"WARNING: other processes used > {BUSY_LIMIT:.0%} of the CPUs during {busy}: those "
            "numbers understate the app; rerun on a quiet machine."
        )
    for key, why in failures.items():
        lines.append(f"WARNING: {key} layer not measured: {why}")
    return lines


def metrics(results: list[SizeResult], cost: dict[str, Any] | None) -> list[FanoutMetric]:
    memory = {r.clients: r for r in results if r.layer.key == "memory"}
    out: list[FanoutMetric] = []
    for r in results:
        base = memory.get(r.clients) if r.layer.key != "memory" else None
        values: list[tuple[str, Callable[[SizeResult], float | None], str, str]] = [
            ("delivery_p50", lambda x: x.delivery(50), "ms", "lower"),
            ("delivery_p99", lambda x: x.delivery(99), "ms", "lower"),
            ("all_delivered_p50", lambda x: x.all_delivered(50), "ms", "lower"),
            ("all_delivered_p99", lambda x: x.all_delivered(99), "ms", "lower"),
            ("all_delivered_max", lambda x: x.all_delivered(100), "ms", "lower"),
            ("messages_per_s", lambda x: x.messages_per_s, "msg/s", "higher"),
            ("server_cpu_per_message", _server_us_per_msg, "µs/msg", "lower"),
        ]
        for key, get, unit, better in values:
            v, b = get(r), get(base) if base else None
            ratio = None
            if v and b:
                ratio = round(v / b if better == "higher" else b / v, 2)
            out.append(
                FanoutMetric(
                    name=f"fanout.{r.layer.key}.clients_{r.clients}.{key}",
                    value=round(v, 2) if v is not None else None,
                    unit=unit,
                    baseline=round(b, 2) if b is not None else None,
                    ratio=ratio,
                    better=better,
                    server=f"{r.layer.label} (--ws {WS_IMPL}, server deflate {SERVER_DEFLATE})",
                    clients=r.clients,
                    rounds=len(r.rounds),
                    errors=len(r.failed),
                    dropped=sum(r.dropped.values()),
                    server_errors=sum(r.server_errors.values()),
                    other_cpu=round(r.cpu.other_share, 3),
                    baseline_other_cpu=round(base.cpu.other_share, 3) if base else None,
                )
            )
    if cost:
        validate, encode = cost["validate_us"], cost["encode_us"]
        out += [
            FanoutMetric(
                "fanout.message.validate_outgoing",
                round(validate, 2),
                "µs",
                round(encode, 2),
                round(encode / validate, 2),
                "lower",
                "in process (bench.message_cost)",
            ),
            FanoutMetric(
                "fanout.message.encode",
                round(encode, 2),
                "µs",
                None,
                None,
                "lower",
                "in process (bench.message_cost)",
            ),
        ]
    return out


def _server_us_per_msg(r: SizeResult) -> float | None:
    return sum(r.cpu.servers) / (r.clients * len(r.rounds)) * 1e6 if r.rounds else None


def measure_message_cost(env: dict[str, str]) -> dict[str, Any] | None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.message_cost", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        print(f"message cost measurement failed:\n{done.stderr[-2000:]}", flush=True)
        return None
    cost: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return cost


def print_metrics(entries: list[FanoutMetric]) -> None:
    """The entries in ``bench.run``'s table format."""
    rows = []
    for m in entries:
        flags = [f"{m.errors} failed rounds"] if m.errors else []
        flags += [f"{m.dropped} clients dropped"] if m.dropped else []
        rows.append(Row(m.name, m.value, m.unit, m.baseline, m.ratio, m.better, ", ".join(flags)))
    print_rows(rows)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def write_results(entries: list[FanoutMetric]) -> None:
    """Replace the ``fanout.*`` entries of bench-results.json, keep the others."""
    _write_results((asdict(e) for e in entries), ("fanout.",), RESULTS)


def run(data: Dataset, workdir: Path) -> list[FanoutMetric]:
    """The whole fan-out benchmark on ``data``'s database; prints and returns its metrics."""
    raise_fd_limit(max(SIZES) * 2 + 1024)
    print(
        f"\nFan-out benchmark: rooms of {', '.join(map(str, sorted(SIZES)))} clients, "
        f"{WARMUP} warm-up + {ROUNDS} rounds each, layers {', '.join(LAYERS)}, "
        f"client deflate {'on' if DEFLATE else 'off'}:",
        flush=True,
    )
    print("  " + "\n  ".join(HEADER.strip().splitlines()), flush=True)
    unknown = [key for key in LAYERS if key not in LAYER_SPECS]
    if unknown:
        raise ValueError(f"BENCH_FANOUT_LAYERS: unknown {unknown}; known: {list(LAYER_SPECS)}")
    results: list[SizeResult] = []
    failures: dict[str, str] = {}
    for key in LAYERS:
        layer = LAYER_SPECS[key]
        problem = redis_problem() if layer.redis else None
        if problem:
            print(f"\n {layer.label}: skipped, {problem}", flush=True)
            failures[key] = problem
            continue
        results += measure_layer(layer, data, workdir)
    cost = measure_message_cost(data.env)
    print_tables(results)
    if cost:
        print()
        print("\n".join(message_cost.describe(cost)))
    print()
    for line in verdicts(results, failures):
        print(line)
    entries = metrics(results, cost)
    print(
        "\nResults as written (baseline = the in-memory layer at the same N in this run; for "
        "validate_outgoing:\nthe JSON encoding of the same message; ratio = improvement "
        "factor, > 1 is better):\n"
    )
    print_metrics(entries)
    write_results(entries)
    return entries


def main() -> int:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-fanout-"))
    try:
        run(prepare(workdir), workdir)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped, temp dir removed", file=sys.stderr)
        sys.exit(130)
