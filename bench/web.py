"""The reviewer web app in headless Chromium (Debian's, driven by Playwright), on loopback.

    python -m bench.web            # a section of `make bench`; BENCH_WEB=0 skips it

1. ``web.review.js_gzip``: the JavaScript the review page loads (every script response
   while it opens, from the built app in web/dist), each gzipped at level 9, summed.
   Target ≤ 200 KB.
2. ``web.review.first_marker``: time from navigation (the page's ``performance``
   time origin) to the first timeline marker in the DOM, on the demo video with
   ``BENCH_WEB_FEEDBACKS`` (500) feedbacks, signed in, with a warm HTTP cache as a
   returning reviewer has it; the median and the slowest of ``BENCH_WEB_RUNS`` (7)
   navigations, each in a fresh page. Target ≤ 1 s.
3. ``web.dashboard.first_row``: the reference beside it, the server-rendered contract
   dashboard (``/monitoring/contracts``, ``monitoring_demo``'s week of violations, signed
   in as staff): time from navigation to the first row of its recent-violations table,
   the median and the slowest of ``BENCH_WEB_RUNS`` navigations. No target: it shows
   what the same browser, machine and load give a page with no client-side rendering.

One uvicorn process serves the demo data (``seed_demo``, the small 640×360 clip) from a
throwaway SQLite database; the browser signs in through the app's form once. Entries
``web.*`` are merged into bench-results.json. The dashboard gets its own uvicorn process
and throwaway database.
"""

from __future__ import annotations

import gzip
import json
import os
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .report import Row, print_rows

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results.json"
ENABLED = os.environ.get("BENCH_WEB", "1") != "0"
FEEDBACKS = int(os.environ.get("BENCH_WEB_FEEDBACKS", "500"))
RUNS = int(os.environ.get("BENCH_WEB_RUNS", "7"))
TARGET_JS_KB = 200.0
TARGET_MARKER_MS = 1000.0

FILL = """
import random
from videoplanet.accounts.models import User
from videoplanet.feedback.models import Feedback, Priority, Status
from videoplanet.projects.models import Video
rng = random.Random(7)
video = Video.objects.get(id={video_id!r})
author = User.objects.get(email={email!r})
Feedback.objects.bulk_create(
    Feedback(
        video=video,
        author=author,
        timestamp=round(rng.uniform(0, video.duration * 0.99), 3),
        content=f"Note {{i}}: the cut lands late; hold two more frames.",
        priority=rng.choice(Priority.values),
        status=rng.choice(Status.values),
    )
    for i in range({count})
)
"""

# When the first marker enters the DOM, in ms since the navigation started.
FIRST_MARKER = """
window.__firstMarker = null;
new MutationObserver((_, observer) => {
  if (document.querySelector("ol.markers button.marker")) {
    window.__firstMarker = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""

# When the dashboard's first recent-violation row is in the DOM (ms since navigation).
FIRST_ROW = """
window.__firstRow = null;
new MutationObserver((_, observer) => {
  if (document.querySelector("table.recent tbody tr")) {
    window.__firstRow = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true });
"""

# Where the time went, from the page's own timing entries (ms since navigation).
BREAKDOWN = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const list = performance.getEntriesByType("resource")
    .find((r) => r.name.includes("/api/v1/feedbacks?"));
  return {
    scripts_ready: nav ? nav.domContentLoadedEventEnd : null,
    list_sent: list ? list.startTime : null,
    list_received: list ? list.responseEnd : null,
  };
}"""


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    note: str = ""


def measure(workdir: Path) -> list[Metric]:
    # Django first: the demo's constants live beside its models.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from tests.browser.dashboard import chromium
    from tests.browser.review import review_server, review_url, sign_in, wait_until_live
    from videoplanet.projects.management.commands.seed_demo import (
        DEMO_EMAIL,
        DEMO_PASSWORD,
        DEMO_VIDEO_ID,
    )

    fill = FILL.format(video_id=str(DEMO_VIDEO_ID), email=DEMO_EMAIL, count=FEEDBACKS)
    with review_server(workdir, setup=[fill]) as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        scripts: dict[str, bytes] = {}

        def keep_script(response: Any) -> None:
            if response.request.resource_type == "script" and response.ok:
                scripts[response.url] = response.body()

        page.on("response", keep_script)
        sign_in(page, server, DEMO_EMAIL, DEMO_PASSWORD)
        wait_until_live(page)
        page.wait_for_selector("ol.markers button.marker")
        marker_count = page.locator("ol.markers button.marker").count()
        page.close()
        js_gzip = sum(len(gzip.compress(body, compresslevel=9)) for body in scripts.values())
        js_raw = sum(len(body) for body in scripts.values())

        context.add_init_script(FIRST_MARKER)
        times: list[float] = []
        phases: dict[str, list[float]] = {}
        for _ in range(RUNS):
            page = context.new_page()
            page.goto(review_url(server))
            page.wait_for_function("window.__firstMarker !== null", timeout=30_000)
            times.append(float(page.evaluate("window.__firstMarker")))
            for name, at in page.evaluate(BREAKDOWN).items():
                if at is not None:
                    phases.setdefault(name, []).append(float(at))
            page.close()
        context.close()
    median, slowest = statistics.median(times), max(times)
    where = ", ".join(f"{name} {statistics.median(at):.0f}" for name, at in phases.items())
    load = os.getloadavg()[0]
    print(f"median ms since navigation: {where}, first marker {median:.0f}")
    print(f"load average (1 min) at the end: {load:.1f} on {os.cpu_count()} CPUs")
    return [
        Metric(
            "web.review.js_gzip",
            js_gzip / 1024,
            "KB",
            TARGET_JS_KB,
            TARGET_JS_KB / (js_gzip / 1024),
            "lower",
            f"{len(scripts)} scripts, {js_raw / 1024:.0f} KB before gzip; baseline = target",
        ),
        Metric(
            "web.review.first_marker_p50",
            median,
            "ms",
            TARGET_MARKER_MS,
            TARGET_MARKER_MS / median,
            "lower",
            f"{FEEDBACKS} feedbacks ({marker_count} markers), median of {RUNS}; "
            f"baseline = target; load {load:.1f}",
        ),
        Metric(
            "web.review.first_marker_max",
            slowest,
            "ms",
            TARGET_MARKER_MS,
            TARGET_MARKER_MS / slowest,
            "lower",
            f"slowest of {RUNS}; baseline = target",
        ),
    ]


def measure_dashboard(workdir: Path) -> list[Metric]:
    from tests.browser.dashboard import DASHBOARD, chromium, demo_server, sign_in

    with demo_server(workdir) as server, chromium() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        sign_in(page, server)
        page.wait_for_selector("table.recent tbody tr")
        page.close()
        context.add_init_script(FIRST_ROW)
        times: list[float] = []
        for _ in range(RUNS):
            page = context.new_page()
            page.goto(f"{server.url}{DASHBOARD}")
            page.wait_for_function("window.__firstRow !== null", timeout=30_000)
            times.append(float(page.evaluate("window.__firstRow")))
            page.close()
        context.close()
    median, slowest = statistics.median(times), max(times)
    print(f"dashboard: first recent-violation row {median:.0f} ms since navigation (median)")
    return [
        Metric(
            "web.dashboard.first_row_p50",
            median,
            "ms",
            None,
            None,
            "lower",
            f"{DASHBOARD}, monitoring_demo data, median of {RUNS}; the review page's reference",
        ),
        Metric(
            "web.dashboard.first_row_max",
            slowest,
            "ms",
            None,
            None,
            "lower",
            f"slowest of {RUNS}",
        ),
    ]


def write_results(entries: list[Metric]) -> None:
    existing: list[dict[str, Any]] = []
    if RESULTS.exists():
        try:
            existing = [e for e in json.loads(RESULTS.read_text()) if isinstance(e, dict)]
        except ValueError:
            existing = []
    kept = [e for e in existing if not str(e.get("name", "")).startswith("web.")]
    RESULTS.write_text(json.dumps([*kept, *(asdict(e) for e in entries)], indent=2) + "\n")
    print(f"\nWrote {len(entries)} web.* entries to {RESULTS.name}")


def verdicts(entries: list[Metric]) -> list[str]:
    by_name = {e.name: e for e in entries}
    size, marker = by_name["web.review.js_gzip"], by_name["web.review.first_marker_p50"]
    row = by_name.get("web.dashboard.first_row_p50")
    reference = (
        [f"dashboard's first row after {row.value:.0f} ms (median): the reference"] if row else []
    )
    return [
        f"review page JS {size.value:.1f} KB gzip: "
        f"{'meets' if size.value <= TARGET_JS_KB else 'MISSES'} the ≤ {TARGET_JS_KB:g} KB target",
        f"first marker after {marker.value:.0f} ms (median): "
        f"{'meets' if marker.value <= TARGET_MARKER_MS else 'MISSES'} the "
        f"≤ {TARGET_MARKER_MS:g} ms target",
        *reference,
    ]


def main() -> int:
    print(f"\nThe review page in headless Chromium ({FEEDBACKS} feedbacks):", flush=True)
    with tempfile.TemporaryDirectory(prefix="videoplanet-bench-web-") as tmp:
        review, dashboard = Path(tmp) / "review", Path(tmp) / "dashboard"
        review.mkdir()
        dashboard.mkdir()
        entries = measure(review)
        entries += measure_dashboard(dashboard)
    print()
    print_rows(Row(e.name, e.value, e.unit, e.baseline, e.ratio, e.better, e.note) for e in entries)
    print()
    for line in verdicts(entries):
        print(line)
    write_results(entries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
