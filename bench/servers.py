"""Real server processes on 127.0.0.1: gunicorn (sync or gthread workers, WSGI) or uvicorn.

Each server is started in its own session so that stopping it (SIGTERM to the
master, then SIGKILL to its process group after a grace period) takes its workers
with it and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .common import group_cpu_seconds, machine_busy_seconds, process_cpu

__all__ = [
    "Server",
    "ServerSpec",
    "free_port",
    "machine_busy_seconds",
    "parse_specs",
    "process_cpu",
]

THREADS = 4


@dataclass(frozen=True)
class ServerSpec:
    # "gunicorn": sync workers on config.wsgi; "gthread": gunicorn threaded workers
    # (4 threads each, HTTP keep-alive) on config.wsgi; "uvicorn": config.asgi;
    # "peer": the FastAPI peer (bench.peer_fastapi) on uvicorn.
    kind: str
    workers: int
    # Appended to the command line as they are (e.g. ``("--ws", "websockets")``).
    extra: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.kind == "gunicorn":
            return f"gunicorn sync -w {self.workers} (WSGI)"
        if self.kind == "gthread":
            return f"gunicorn gthread -w {self.workers} --threads {THREADS} (WSGI)"
        if self.kind == "peer":
            return f"FastAPI peer, uvicorn --workers {self.workers}"
        return f"uvicorn --workers {self.workers} (ASGI)"

    @property
    def key(self) -> str:
        return f"{self.kind}-w{self.workers}"

    def command(self, port: int) -> list[str]:
        return [*self._base_command(port), *self.extra]

    def _base_command(self, port: int) -> list[str]:
        if self.kind == "gunicorn":
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ]
        if self.kind == "gthread":
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(THREADS),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ]
        if self.kind == "uvicorn":
            return [
                sys.executable,
                "-m",
                "uvicorn",
                "config.asgi:application",
                "--workers",
                str(self.workers),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        if self.kind == "peer":  # bench.peer_fastapi, the FastAPI + SQLAlchemy peer
            return [
                sys.executable,
                "-m",
                "uvicorn",
                "bench.peer_fastapi.app:app",
                "--workers",
                str(self.workers),
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        raise ValueError(f"Unknown server kind {self.kind!r}")


def parse_specs(text: str) -> list[ServerSpec]:
    """``"gunicorn:2,uvicorn:2"`` → specs."""
    specs = []
    for item in text.split(","):
        kind, _, workers = item.strip().partition(":")
        specs.append(ServerSpec(kind=kind, workers=int(workers or 2)))
    return specs


_handed_out: set[int] = set()


def free_port() -> int:
    """A free port: the OS picks it, or the first free one of ``PORT_RANGE``
    ("18500-18549") when set, for a machine whose ports are shared out."""
    low, _, high = os.environ.get("PORT_RANGE", "").partition("-")
    candidates = range(int(low), int(high) + 1) if low and high else [0]
    for port in candidates:
        if port in _handed_out:  # may not be listening yet
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            if port:
                _handed_out.add(port)
            return int(sock.getsockname()[1])
    if _handed_out:  # every port was handed out once: those servers are long gone
        _handed_out.clear()
        return free_port()
    raise OSError(f"no free port in PORT_RANGE {low}-{high}")


class Server:
    """One running server; use as a context manager so it is always stopped."""

    def __init__(self, spec: ServerSpec, *, cwd: Path, env: dict[str, str], log: Path) -> None:
        self.spec = spec
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log: IO[bytes] = log.open("wb")
        self.process = subprocess.Popen(
            spec.command(self.port),
            cwd=cwd,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_ready(self, path: str, headers: dict[str, str], timeout: float = 30.0) -> None:
        """Poll ``path`` until it answers 200 (every worker has imported the app by then)."""
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.spec.label} exited early:\n{self.log_tail()}")
            try:
                request = urllib.request.Request(self.base_url + path, headers=headers)
                with urllib.request.urlopen(request, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last = exc
            time.sleep(0.2)
        raise RuntimeError(
            f"{self.spec.label} not ready after {timeout} s ({last}):\n{self.log_tail()}"
        )

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the server's live processes (Linux)."""
        return group_cpu_seconds(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        text = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=grace)
        # The master is gone (or stuck): make sure none of its workers outlive it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=grace)
        self._log.close()
