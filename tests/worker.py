"""Run a task worker as a real process for a test, beside a server on the same database:
the one `make run` starts (``manage.py db_worker``), or production's (``RQ_WORKER``, with
``TASKS_BACKEND=rq`` in the environment):

    with ProviderServer(...) as server, task_worker(env, log, relay_to=server.url):
        ...  # uploads completed on the server are processed by the worker

The worker runs in its own session; leaving the block stops its whole process group
(SIGTERM, then SIGKILL after a bounded wait).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from tests.server import REPO_ROOT

DB_WORKER = ("db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2")
# django-tasks-rq's jobs run only in its own Job class (RQ's would call the Task object).
RQ_WORKER = ("rqworker", "default", "--job-class", "django_tasks_rq.Job")


@contextlib.contextmanager
def task_worker(
    env: Mapping[str, str],
    log: Path,
    *,
    relay_to: str | None = None,
    command: Sequence[str] = DB_WORKER,
) -> Iterator[subprocess.Popen[bytes]]:
    """``manage.py <command>`` on ``env``'s database, its output in ``log``. With ``relay_to`` (a
    server's root URL) it tells rooms through that server's relay endpoint, as in
    `make run`; without, through the channel layer in ``env`` (Redis in production)."""
    worker_env = dict(env)
    if relay_to is not None:
        worker_env["ROOM_RELAY_URL"] = f"{relay_to}/internal/rooms/relay"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", *command],
            cwd=REPO_ROOT, env=worker_env, stdout=output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            yield worker
        finally:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
