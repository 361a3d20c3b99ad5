"""Where a list request spends its time: both list implementations, in process.

Each request goes through the full Django stack (``django.test.Client``, middleware,
DRF, the bench settings) with no network or server in between. Times are CPU time of
this process (``time.process_time``), so other load on the machine inflates them less
than wall-clock time. Prints, for the real list, the limit=1 list and ``/api/v1/me``
(the floor: authentication and nothing else), and create:

- CPU ms and SQL queries per request,
- the CPU ms per request spent inside the main steps of the view (those that exist),
- then the top of a cProfile (CPU time) of the real and the naive list and of create
  (``POST /api/v1/feedbacks`` with five drawn shapes, what ``bench.run`` posts).

    python -m bench.profile              # on a fresh throwaway dataset
    BENCH_PROFILE=1 python -m bench.run  # after the load test, on its dataset
"""

from __future__ import annotations

import cProfile
import functools
import io
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

REQUESTS = 300
CREATE = "POST /api/v1/feedbacks (5 shapes)"
TOP = 25

# (module, attribute path, label): the steps of the real list view, timed when present.
STEPS = [
    ("videoplanet.accounts.authentication", "token_authenticate", "authentication query"),
    ("videoplanet.feedback.apis", "list_key", "membership + version query, cache key"),
    ("videoplanet.feedback.apis", "page_get", "cache lookup"),
    ("videoplanet.feedback.apis", "page_render", "page rendering (a miss)"),
    ("videoplanet.feedback.apis", "page_response", "response (200 or 304)"),
    ("videoplanet.feedback.apis", "feedback_list", "feedback_list (query + models)"),
    (
        "videoplanet.feedback.apis",
        "FeedbackCollectionApi.FeedbackListQuerySerializer.is_valid",
        "query-string serializer",
    ),
    (
        "videoplanet.feedback.serializers",
        "FeedbackOutputSerializer.to_representation",
        "output serializer",
    ),
    ("rest_framework.renderers", "JSONRenderer.render", "JSON rendering"),
    (
        "videoplanet.feedback.apis",
        "FeedbackCollectionApi.FeedbackCreateInputSerializer.is_valid",
        "create: body serializer",
    ),
    ("videoplanet.feedback.apis", "feedback_create", "create: service (access, insert, version)"),
    ("videoplanet.realtime.notify", "broadcast", "create: room broadcast after commit"),
    ("videoplanet.contracts.middleware", "_count_usage", "usage recording"),
    ("rest_framework.views", "APIView.dispatch", "whole DRF view (includes the above)"),
]


def _instrument(spent: dict[str, float]) -> None:
    import importlib

    def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        return wrapper

    for module_name, path, label in STEPS:
        owner: Any = importlib.import_module(module_name)
        *parents, name = path.split(".")
        try:
            for parent in parents:
                owner = getattr(owner, parent)
            setattr(owner, name, timed(label, getattr(owner, name)))
        except AttributeError:
            print(f"(not timed: {module_name}.{path} does not exist)")


def profile(video_id: str) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from .dataset import five_shapes
    from .seed import TOKEN

    client = Client(HTTP_AUTHORIZATION=f"Bearer {TOKEN}", HTTP_HOST="127.0.0.1")
    real = f"/api/v1/feedbacks?video_id={video_id}&limit=50"
    naive = f"/api/bench/naive-feedbacks?video_id={video_id}"
    create = json.dumps(
        {
            "video_id": video_id,
            "timestamp": 42.5,
            "content": "The logo in the top-left corner is cut off; move it 20 px right.",
            "priority": "high",
            "drawing_data": five_shapes(),
        }
    )
    queries = 0

    def request(path: str) -> Any:
        if path == CREATE:
            return client.post("/api/v1/feedbacks", create, content_type="application/json")
        return client.get(path)

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # cProfile first (on CPU time), before the steps are wrapped in timers.
    profiles = []
    for label, path in (("real list", real), ("naive list", naive), ("create", CREATE)):
        request(path)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for _ in range(REQUESTS // 3):
            request(path)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats("cumulative").print_stats(TOP)
        stats.sort_stats("tottime").print_stats(TOP // 2)
        profiles.append((label, out.getvalue()))

    spent: dict[str, float] = defaultdict(float)
    _instrument(spent)
    paths = [real, f"/api/v1/feedbacks?video_id={video_id}&limit=1", "/api/v1/me", naive, CREATE]
    for path in paths:
        assert request(path).status_code in (200, 201), path
        rounds = REQUESTS // 3 if path == naive else REQUESTS
        with connection.execute_wrapper(count):
            for _ in range(10):
                request(path)
            queries = 0
            spent.clear()
            started = time.process_time()
            for _ in range(rounds):
                request(path)
            cpu_ms = (time.process_time() - started) / rounds * 1000
        print(f"\n{path}\n  {cpu_ms:6.2f} ms CPU/request, {queries / rounds:.0f} SQL queries")
        for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
            print(f"    {seconds / rounds * 1000:6.2f} ms  {label}")
    for label, text in profiles:
        print(f"\n==== cProfile (CPU time): {label}, {REQUESTS // 3} requests ====\n{text}")


def main(argv: list[str]) -> int:
    if argv:
        profile(argv[0])
        return 0
    from .dataset import ROOT, prepare

    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-bench-profile-"))
    try:
        data = prepare(workdir)
        command = [sys.executable, "-m", "bench.profile", data.video_ids[0]]
        return subprocess.run(command, cwd=ROOT, env=data.env, check=False).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
