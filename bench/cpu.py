"""CPU per request of the REST endpoints and their baselines, in process, side by side.

Each request goes through the full Django stack (``django.test.Client``: middleware,
DRF, ``bench.settings`` with ``CONTRACT_VALIDATION=enforce``) with no server or network
in between, and is timed with ``time.process_time``: the CPU this process spent, which
load from other processes changes far less than wall-clock time. The cases run in
interleaved rounds, so drift on the machine hits them alike; each figure is the median
of the rounds. Creates go to another video than the one listed, so the list stays
cached. The FastAPI peer is not part of it (a different stack): see bench/README.md.

    python -m bench.cpu              # on a fresh throwaway dataset
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROUNDS = 5


def measure(listed: str, posted: str) -> dict[str, float]:
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from .dataset import five_shapes
    from .seed import TOKEN

    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="127.0.0.1")
    page = f"/api/v1/feedbacks?video_id={listed}&limit=50"
    etag = client.get(page)["ETag"]
    create = {
        "video_id": posted,
        "timestamp": 42.5,
        "content": "The logo in the top-left corner is cut off; move it 20 px right.",
        "priority": "high",
        "drawing_data": five_shapes(),
    }
    naive = {**create, "video": posted}
    del naive["video_id"]
    created, naive_created = json.dumps(create), json.dumps(naive)

    def miss() -> Any:
        cache.clear()
        return client.get(page)

    cases: dict[str, tuple[Callable[[], Any], int]] = {
        "GET list (cached page)": (lambda: client.get(page), 40),
        "GET list, If-None-Match (304)": (lambda: client.get(page, HTTP_IF_NONE_MATCH=etag), 40),
        "GET list (rendered: cache cleared)": (miss, 20),
        "GET naive list": (lambda: client.get(f"/api/bench/naive-feedbacks?video_id={listed}"), 10),
        "GET ceiling (trivial JSON view)": (lambda: client.get("/api/bench/ceiling"), 40),
        "GET /api/v1/me (authentication only)": (lambda: client.get("/api/v1/me"), 40),
        "POST create (5 shapes)": (
            lambda: client.post("/api/v1/feedbacks", created, content_type="application/json"),
            20,
        ),
        "POST naive create": (
            lambda: client.post(
                "/api/bench/naive-feedbacks", naive_created, content_type="application/json"
            ),
            20,
        ),
    }
    for call, _ in cases.values():
        for _ in range(5):
            call()
    spent: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(ROUNDS):
        for name, (call, count) in cases.items():
            started = time.process_time()
            for _ in range(count):
                call()
            spent[name].append((time.process_time() - started) / count * 1000)
    return {name: statistics.median(values) for name, values in spent.items()}


def main(argv: list[str]) -> int:
    if argv:
        for name, ms in measure(argv[0], argv[1]).items():
            print(f"  {ms:7.2f} ms CPU/request  {name}")
        return 0
    from .dataset import ROOT, prepare

    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-bench-cpu-"))
    try:
        data = prepare(workdir)
        command = [sys.executable, "-m", "bench.cpu", data.video_ids[0], data.video_ids[-1]]
        return subprocess.run(command, cwd=ROOT, env=data.env, check=False).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
