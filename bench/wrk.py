"""wrk, the load generator: install it, run it against 127.0.0.1, parse its report.

Every run is bounded by ``-d`` seconds and only ever targets loopback. Numbers come
from wrk's ``--latency`` text report: ``Requests/sec``, the 50% and 99% lines of the
latency distribution (us, ms, s, m units converted to milliseconds), and the counts of
non-2xx/3xx responses and socket errors, which make a measurement suspect.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_DURATION = r"([0-9.]+)(us|ms|s|m|h)"
_RPS = re.compile(r"^Requests/sec:\s+([0-9.]+)", re.MULTILINE)
_PERCENTILE = re.compile(r"^\s+(50|75|90|99)(?:\.0+)?%\s+" + _DURATION + r"\s*$", re.MULTILINE)
_TOTAL = re.compile(r"^\s+(\d+) requests in " + _DURATION, re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int

    @property
    def errors(self) -> int:
        return self.non_2xx + self.socket_errors


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package first if it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    apt = shutil.which("apt-get")
    if apt is None:
        raise WrkError("wrk is not installed and there is no apt-get: install wrk and retry.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print("wrk is missing: installing it with apt-get ...", flush=True)
    install = [apt, "install", "-y", "-q", "wrk"]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        # A fresh container has no package lists yet.
        subprocess.run([apt, "update", "-q"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    found = shutil.which("wrk")
    if found is None:
        raise WrkError(
            "Could not install wrk with apt-get (it needs root and the Debian mirrors). "
            "Install it yourself (apt-get install wrk) and retry."
        )
    return found


def _ms(number: str, unit: str) -> float:
    return float(number) * _TO_MS[unit]


def parse_report(text: str) -> WrkResult:
    rps = _RPS.search(text)
    percentiles = {m.group(1): _ms(m.group(2), m.group(3)) for m in _PERCENTILE.finditer(text)}
    total = _TOTAL.search(text)
    if rps is None or "50" not in percentiles or "99" not in percentiles or total is None:
        raise WrkError(f"Cannot parse wrk's report:\n{text}")
    non_2xx = _NON_2XX.search(text)
    sockets = _SOCKET.search(text)
    return WrkResult(
        requests_per_s=float(rps.group(1)),
        p50_ms=percentiles["50"],
        p99_ms=percentiles["99"],
        requests=int(total.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )


def post_script(path: Path, body: str) -> Path:
    """A wrk Lua script that POSTs ``body`` as JSON on every request."""
    if "]==]" in body:
        raise ValueError("The body cannot be embedded in a Lua long string.")
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = [==[{body}]==]\n"
    )
    return path


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    headers: dict[str, str] | None = None,
    script: Path | None = None,
) -> WrkResult:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise WrkError(f"Refusing to load anything but loopback: {url}")
    command = [
        ensure_wrk(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    command.append(url)
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    if done.returncode != 0:
        raise WrkError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse_report(done.stdout)
