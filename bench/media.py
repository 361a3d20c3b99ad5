"""Video processing and media serving (part of `make bench`; alone: ``python -m bench.media``).

1. Proxy transcode speed. A ProRes 422 HQ-style source (``BENCH_MEDIA_SECONDS``, 4 s of
   1920×1080 at 24000/1001 with AAC audio: a moving gradient with grain, so the encoder
   has work) is made with PyAV, then turned into the browser proxy twice: by the app's
   pipeline (``videoplanet.media.processing.process``: one decoding pass, libx264 +
   AAC MP4 with faststart, plus the poster and ten stills) and by Debian's ``ffmpeg``
   CLI doing the same libx264 encode with the same preset and CRF (no stills; installed
   with apt-get when missing), in turns ``BENCH_MEDIA_ROUNDS`` (3) times. Reported
   (medians): speed as a multiple of real time (video seconds per wall second) and CPU
   seconds per video second; baseline = ffmpeg. The note says whether both encodes ran
   with identical x264 settings (read back from the streams: threads, slices, preset).
2. Serving a 256 MiB file from storage under uvicorn: the app's signed media view vs
   Django's ``FileResponse`` (``bench.urls``), each ``BENCH_MEDIA_FETCHES`` (5) times:
   time to the first body byte and throughput of a whole download, time to get 1 MiB
   from the middle (a ``Range`` request; FileResponse ignores ``Range``, so it has to
   send everything up to those bytes) and the server's peak memory (VmHWM). Under ASGI
   Django reads a synchronous iterator whole before sending it, which is what the
   baseline shows.

Entries ``media.*`` are merged into bench-results.json. ``BENCH_MEDIA=0`` skips it.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from . import common
from .report import Row, print_rows
from .servers import Server, ServerSpec, process_cpu

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results.json"
ENABLED = os.environ.get("BENCH_MEDIA", "1") != "0"
SECONDS = float(os.environ.get("BENCH_MEDIA_SECONDS", "4"))
FETCHES = int(os.environ.get("BENCH_MEDIA_FETCHES", "5"))
ROUNDS = int(os.environ.get("BENCH_MEDIA_ROUNDS", "3"))
RATE = Fraction(24000, 1001)
FILE_BYTES = 256 * 1024 * 1024
RANGE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    note: str = ""


def make_source(path: Path) -> int:
    """A 1080p ProRes MOV with AAC audio; returns its frame count."""
    import av
    from PIL import Image, ImageChops

    frames = round(SECONDS * RATE)
    gradient = Image.linear_gradient("L").resize((1920, 1080))
    grain = Image.effect_noise((1920, 1080), 24)
    with av.open(str(path), "w") as container:
        video = container.add_stream("prores_ks", rate=RATE)
        assert isinstance(video, av.VideoStream)
        video.width, video.height, video.pix_fmt = 1920, 1080, "yuv422p10le"
        sound = container.add_stream("aac", rate=48000, layout="stereo")
        assert isinstance(sound, av.AudioStream)
        for n in range(frames):
            moving = ImageChops.offset(gradient, n * 8, n * 3)
            picture = Image.merge("RGB", (moving, ImageChops.add(moving, grain, 2), grain))
            container.mux(video.encode(av.VideoFrame.from_image(picture)))
        container.mux(video.encode(None))
        samples = int(48000 * frames / RATE)
        for start in range(0, samples, 1024):
            chunk = av.AudioFrame(format="fltp", layout="stereo", samples=1024)
            for plane in chunk.planes:
                plane.update(bytes(plane.buffer_size))
            chunk.sample_rate, chunk.pts = 48000, start
            container.mux(sound.encode(chunk))
        container.mux(sound.encode(None))
    return frames


def x264_settings(path: Path) -> str:
    """The settings libx264 wrote into the stream (its SEI text), less the version."""
    found = re.search(rb"options: ([^\x00]*)", path.read_bytes())
    return found.group(1).decode("ascii", "replace") if found else "?"


def transcode(workdir: Path) -> list[Metric]:
    from django.conf import settings

    from videoplanet.media.probe import probe
    from videoplanet.media.processing import process
    from videoplanet.media.samples import count_frames

    source = workdir / "master.mov"
    print(f"Making a {SECONDS:g} s 1080p ProRes source ...", flush=True)
    frames = make_source(source)
    duration = frames / RATE
    probed = probe(source)

    if shutil.which("ffmpeg") is None:
        subprocess.run(
            ["apt-get", "install", "-y", "--no-install-recommends", "ffmpeg"],
            check=False,
            capture_output=True,
        )
    out = workdir / "ffmpeg.mp4"
    command = [
        "ffmpeg",
        "-v",
        "error",
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",
        "-c:v",
        "libx264",
        "-preset",
        settings.VIDEO_PROXY_PRESET,
        "-crf",
        str(settings.VIDEO_PROXY_CRF),
        "-pix_fmt",
        "yuv420p",
        "-c:a",
        "aac",
        "-movflags",
        "+faststart",
        str(out),
    ]
    # Taken in turns, so a busy machine slows both alike; medians of the rounds.
    ours_wall, ours_cpu, ff_wall, ff_cpu = [], [], [], []
    for round_ in range(ROUNDS):
        started, cpu = time.perf_counter(), time.process_time()
        outputs = process(source, probed, f"bench/{round_}", proxy=True)
        ours_wall.append(time.perf_counter() - started)
        ours_cpu.append(time.process_time() - cpu)
        before = os.times()
        started = time.perf_counter()
        subprocess.run(command, check=True)
        ff_wall.append(time.perf_counter() - started)
        after = os.times()
        ff_cpu.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
        print(
            f"  round {round_ + 1}/{ROUNDS}: ours {ours_wall[-1]:.2f} s, "
            f"ffmpeg {ff_wall[-1]:.2f} s",
            flush=True,
        )
    ours_proxy = Path(settings.MEDIA_ROOT) / outputs.proxy
    ours_frames, ff_frames = count_frames(ours_proxy), count_frames(out)
    same = x264_settings(ours_proxy) == x264_settings(out)
    seconds = float(duration)
    wall, cpu_ours = statistics.median(ours_wall), statistics.median(ours_cpu)
    wall_ff, cpu_ff = statistics.median(ff_wall), statistics.median(ff_cpu)
    note = (
        f"{frames} frames 1920×1080 ProRes, median of {ROUNDS}; proxy frames: ours "
        f"{ours_frames}, ffmpeg {ff_frames}; preset {settings.VIDEO_PROXY_PRESET}; x264 "
        f"settings {'identical' if same else 'DIFFERENT'}"
    )
    return [
        Metric(
            "media.proxy.speed",
            seconds / wall,
            "×rt",
            seconds / wall_ff,
            wall_ff / wall,
            "higher",
            note + "; ours also writes poster + 10 stills",
        ),
        Metric(
            "media.proxy.cpu_per_video_second",
            cpu_ours / seconds,
            "s",
            cpu_ff / seconds,
            cpu_ff / cpu_ours,
            "lower",
            "CPU seconds per second of video",
        ),
    ]


def _peak_rss_mb(server: Server) -> float:
    peak = 0
    for pid, (pgid, _, _) in process_cpu().items():
        if pgid != server.process.pid:
            continue
        status = Path(f"/proc/{pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak / 1024


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(seconds to the first body byte, seconds in all, bytes)."""
    import httpx

    started = time.perf_counter()
    first = None
    size = 0
    with httpx.stream("GET", url, headers=headers or {}, timeout=120) as response:
        assert response.status_code in (200, 206), response.status_code
        for chunk in response.iter_raw(256 * 1024):
            if first is None:
                first = time.perf_counter() - started
            size += len(chunk)
    return first or 0.0, time.perf_counter() - started, size


def _middle_bytes_seconds(url: str, ranged: bool) -> float:
    """Seconds until the 1 MiB from the middle of the file has arrived."""
    import httpx

    start = FILE_BYTES // 2
    started = time.perf_counter()
    if ranged:
        headers = {"Range": f"bytes={start}-{start + RANGE_BYTES - 1}"}
        response = httpx.get(url, headers=headers, timeout=120)
        assert response.status_code == 206 and len(response.content) == RANGE_BYTES
        return time.perf_counter() - started
    got = 0
    with httpx.stream("GET", url, timeout=120) as response:
        for chunk in response.iter_raw(256 * 1024):
            got += len(chunk)
            if got >= start + RANGE_BYTES:
                break
    return time.perf_counter() - started


def serving(workdir: Path, env: dict[str, str]) -> list[Metric]:
    from videoplanet.media.signing import media_path

    name = "bench/big.mp4"
    path = workdir / "media" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        block = os.urandom(1024 * 1024)
        for _ in range(FILE_BYTES // len(block)):
            handle.write(block)
    measured: dict[str, dict[str, float]] = {}
    for label, url_path in (("ours", media_path(name)), ("FileResponse", f"/bench/file/{name}")):
        log = workdir / f"serve-{label}.log"
        with Server(ServerSpec("uvicorn", 1), cwd=ROOT, env=env, log=log) as server:
            server.wait_ready("/api/v1/openapi.json", {})
            url = server.base_url + url_path
            whole = [_fetch(url) for _ in range(FETCHES)]
            middle = [_middle_bytes_seconds(url, ranged=label == "ours") for _ in range(FETCHES)]
            measured[label] = {
                "ttfb_ms": statistics.median(w[0] for w in whole) * 1000,
                "mb_s": statistics.median(w[2] / w[1] for w in whole) / 1e6,
                "middle_ms": statistics.median(middle) * 1000,
                "rss_mb": _peak_rss_mb(server),
            }
    ours, base = measured["ours"], measured["FileResponse"]
    note = f"256 MiB file, uvicorn, median of {FETCHES}"
    return [
        Metric(
            "media.serve.ttfb",
            ours["ttfb_ms"],
            "ms",
            base["ttfb_ms"],
            base["ttfb_ms"] / ours["ttfb_ms"],
            "lower",
            note,
        ),
        Metric(
            "media.serve.throughput",
            ours["mb_s"],
            "MB/s",
            base["mb_s"],
            ours["mb_s"] / base["mb_s"],
            "higher",
            note,
        ),
        Metric(
            "media.serve.range_1mib_middle",
            ours["middle_ms"],
            "ms",
            base["middle_ms"],
            base["middle_ms"] / ours["middle_ms"],
            "lower",
            "Range request; FileResponse sends everything before it",
        ),
        Metric(
            "media.serve.server_peak_rss",
            ours["rss_mb"],
            "MB",
            base["rss_mb"],
            base["rss_mb"] / ours["rss_mb"],
            "lower",
            "VmHWM of the server process",
        ),
    ]


def write_results(entries: list[Metric]) -> None:
    common.write_results((asdict(e) for e in entries), ("media.",), RESULTS)


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-bench-media-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        SECRET_KEY="bench-only-key-0123456789abcdefghijklmnopqrstuvwxyz",
    )
    os.environ.update(env)
    try:
        import django

        django.setup()
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        entries = transcode(workdir) + serving(workdir, env)
        print()
        print_rows(
            Row(e.name, e.value, e.unit, e.baseline, e.ratio, e.better, e.note) for e in entries
        )
        write_results(entries)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
