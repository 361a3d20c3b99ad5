"""Start a real server process for a test, wait until it answers HTTP, stop it cleanly.

    with ProviderServer() as server:          # `make provider` on a free port
        httpx.get(f"{server.url}/api/v1/openapi.json")

The process runs in its own session (process group), so stopping it reaches the
children it starts too (``videoplanet.pact.provider`` runs ``migrate`` and then
uvicorn as child processes). Stopping sends SIGINT (Ctrl-C), then SIGTERM, then
SIGKILL, each after a bounded wait, until no process of the group is left; the provider
wrapper stops uvicorn and removes its throwaway database folder on either of the first
two.

The server's stdout and stderr go to a temporary file (never a pipe nobody reads, which
would block a chatty server); :meth:`ProviderServer.output` returns them and every
start-up failure quotes them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


_handed_out: set[int] = set()


def port_range() -> range | None:
    """This process's share of ``PORT_RANGE`` ("18500-18549"), None when it is not set.

    Under pytest-xdist each worker (``PYTEST_XDIST_WORKER`` gw0, gw1, ...) takes its own
    slice, so two workers never hand out the same port between its check and its use."""
    low, _, high = os.environ.get("PORT_RANGE", "").partition("-")
    if not (low and high):
        return None
    ports = range(int(low), int(high) + 1)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if worker.startswith("gw") and count > 1:
        size = len(ports) // count
        if size == 0:
            raise OSError(f"PORT_RANGE {low}-{high} has fewer ports than the {count} workers")
        index = int(worker[2:])
        ports = ports[index * size : (index + 1) * size]
    return ports


def free_port(host: str = HOST) -> int:
    """A TCP port nothing listens on right now: the OS picks it, or the first free one
    of ``PORT_RANGE`` ("18500-18549") when set, for a machine whose ports are shared out
    (under pytest-xdist, of this worker's slice of it: :func:`port_range`)."""
    ports = port_range()
    candidates = ports if ports is not None else [0]
    for port in candidates:
        if port in _handed_out:  # may not be listening yet
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            if port:
                _handed_out.add(port)
            return int(sock.getsockname()[1])
    if _handed_out:  # every port was handed out once: those servers are long gone
        _handed_out.clear()
        return free_port(host)
    raise OSError(f"no free port in PORT_RANGE's {ports}")


def provider_command(port: int) -> list[str]:
    """What `make provider PORT=N` runs."""
    return [sys.executable, "-m", "videoplanet.pact.provider", "--port", str(port)]


class ServerFailed(RuntimeError):
    """The server died or did not answer in time; the message includes its output."""


class ProviderServer:
    """A server process on ``127.0.0.1:<free port>`` for the duration of a ``with`` block.

    command: builds the argv from the port; defaults to `make provider`'s command.
    env: the environment (defaults to this process's); cwd: the repository root.
    ready_path: polled with GET until it answers with a status below 500.
    stop_signals: sent to the process group in turn, each followed by up to stop_timeout
    seconds of waiting; the default suits the provider wrapper (see the module docstring).
    """

    def __init__(
        self,
        command: Callable[[int], Sequence[str]] = provider_command,
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO_ROOT,
        ready_path: str = "/api/v1/openapi.json",
        start_timeout: float = 60.0,
        stop_timeout: float = 10.0,
        stop_signals: Sequence[signal.Signals] = (signal.SIGINT, signal.SIGTERM, signal.SIGKILL),
        host: str = HOST,
        port: int | None = None,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.args = list(command(self.port))
        self.env = dict(os.environ if env is None else env)
        self.cwd = cwd
        self.ready_path = ready_path
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self.stop_signals = tuple(stop_signals)
        if signal.SIGKILL not in self.stop_signals:
            self.stop_signals += (signal.SIGKILL,)  # the last resort is never optional
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._final_output = ""

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> Self:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        try:
            self.process = subprocess.Popen(
                self.args,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except BaseException:
            self._log.close()
            self._log = None
            raise
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        url = f"{self.url}{self.ready_path}"
        last_error = "no attempt yet"
        with httpx.Client(timeout=2.0) as client:
            while True:
                code = self.process.poll()
                if code is not None:
                    raise ServerFailed(
                        f"{self.args} exited with {code} before answering {url}.\n"
                        f"--- server output ---\n{self.output()}"
                    )
                try:
                    response = client.get(url)
                except httpx.TransportError as exc:
                    last_error = repr(exc)
                else:
                    if response.status_code < 500:
                        return
                    last_error = f"HTTP {response.status_code}"
                if time.monotonic() >= deadline:
                    raise ServerFailed(
                        f"{self.args} did not answer {url} within {self.start_timeout} s "
                        f"(last: {last_error}).\n--- server output ---\n{self.output()}"
                    )
                time.sleep(0.1)  # bounded readiness polling, not synchronisation

    def stop(self) -> int | None:
        """Stop the whole process group: SIGINT, then SIGTERM, then SIGKILL (by default).

        Returns the exit code of the started process (None if it never started).
        """
        process = self.process
        if process is None:
            return None
        try:
            for sig in self.stop_signals:
                if not self._group_alive(process.pid) and process.poll() is not None:
                    break
                self._signal_group(process.pid, sig)
                if self._wait_group(process, self.stop_timeout):
                    break
            return process.wait(timeout=self.stop_timeout)
        finally:
            self.process = None
            if self._log is not None:
                self._final_output = self.output()
                self._log.close()
                self._log = None

    @staticmethod
    def _signal_group(pgid: int, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, sig)

    @staticmethod
    def _group_alive(pgid: int) -> bool:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _wait_group(self, process: subprocess.Popen[bytes], timeout: float) -> bool:
        """Wait until the started process has exited and no process is left in its group."""
        deadline = time.monotonic() + timeout
        while True:
            process.poll()  # reap the leader so it does not linger as a zombie
            if process.returncode is not None and not self._group_alive(process.pid):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    # -- output ------------------------------------------------------------------------

    def output(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        if self._log is None:
            return self._final_output
        # pread: the server shares this file's offset, so seeking would corrupt its writes.
        fd = self._log.fileno()
        return os.pread(fd, os.fstat(fd).st_size, 0).decode(errors="replace")

    # -- context manager ---------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
