"""Make an uploaded video reviewable: a browser-playable proxy when the original is not
one, a poster and timeline stills, all in one decoding pass, with PyAV.

The proxy is H.264 (libx264) + AAC in MP4 with the index up front (faststart), at most
1080 lines (aspect kept, even sides), at the original's exact frame rate with every
frame of the original, no more, no fewer: each decoded frame is encoded once, stamped
with its own position, so frame *n* of the proxy is frame *n* of the original.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import av
from av.video.reformatter import VideoReformatter
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .probe import Probe

MAX_PROXY_LINES = 1080
MAX_PROXY_SIDE = 1920
POSTER_WIDTH = 1280
THUMBNAIL_WIDTH = 160
THUMBNAIL_COUNT = 10


@dataclass
class Outputs:
    """Storage names written for a video (removed again if processing fails)."""

    proxy: str = ""
    poster: str = ""
    thumbnails: list[dict[str, float | str]] = field(default_factory=list)

    def names(self) -> list[str]:
        found = [self.proxy, self.poster, *(str(t["name"]) for t in self.thumbnails)]
        return [name for name in found if name]


@contextlib.contextmanager
def local_copy(name: str) -> Iterator[Path]:
    """A local path of a stored file: the file itself on disk storage, else a temporary
    copy (S3-compatible storage)."""
    try:
        yield Path(default_storage.path(name))
        return
    except NotImplementedError:
        pass
    with tempfile.NamedTemporaryFile(suffix=Path(name).suffix) as copy:
        with default_storage.open(name, "rb") as source:
            shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield Path(copy.name)


def proxy_size(width: int, height: int) -> tuple[int, int]:
    """Within 1920×1080 (1080×1920 upright), the aspect ratio kept, both sides even
    (4:2:0 needs it)."""
    scale = min(1.0, MAX_PROXY_SIDE / max(width, height), MAX_PROXY_LINES / min(width, height))
    if scale < 1:
        width, height = round(width * scale), round(height * scale)
    return max(2, width - width % 2), max(2, height - height % 2)


def _still(frame: av.VideoFrame, width: int, quality: int) -> bytes:
    """A WebP of the frame at most ``width`` wide; scaled while converting to RGB (one
    pass in FFmpeg's scaler, not a full-size RGB picture resized afterwards)."""
    if frame.width > width:
        size = {"width": width, "height": max(1, round(frame.height * width / frame.width))}
        image = frame.to_image(**size, interpolation="AREA")
    else:
        image = frame.to_image()
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality)
    return buffer.getvalue()


@dataclass(frozen=True)
class Picks:
    """Which frames become stills: the poster a tenth in, thumbnails spread evenly."""

    poster: int
    thumbnails: frozenset[int]

    @classmethod
    def for_frames(cls, frame_count: int) -> Picks:
        count = min(THUMBNAIL_COUNT, frame_count)
        return cls(
            poster=frame_count // 10,
            thumbnails=frozenset(n * frame_count // count for n in range(count)),
        )


def process(source: Path, probed: Probe, directory: str, proxy: bool) -> Outputs:
    """Decode ``source`` once; write the proxy (when asked), poster and stills to storage
    under ``directory``. Raises on any decoding or encoding error."""
    outputs = Outputs()
    rate = probed.fps or Fraction(25)
    picks = Picks.for_frames(probed.frame_count)
    try:
        with contextlib.ExitStack() as stack:
            container = stack.enter_context(av.open(str(source), metadata_errors="ignore"))
            video = container.streams.video[0]
            video.thread_type = "AUTO"
            audio = container.streams.audio[0] if container.streams.audio else None
            streams = [video, audio] if (proxy and audio is not None) else [video]
            out = out_video = out_audio = None
            proxy_path: Path | None = None
            if proxy:
                proxy_path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "p.mp4"
                out = stack.enter_context(
                    av.open(str(proxy_path), "w", options={"movflags": "faststart"})
                )
                out_video = out.add_stream("libx264", rate=rate)
                out_video.width, out_video.height = proxy_size(probed.width, probed.height)
                out_video.pix_fmt = "yuv420p"
                out_video.codec_context.time_base = 1 / rate
                # As the ffmpeg CLI: x264's frame threads, so encoding overlaps decoding
                # (PyAV's default, slice threads, makes each encode call wait for its frame).
                out_video.codec_context.thread_type = "AUTO"
                out_video.codec_context.thread_count = 0
                out_video.options = {
                    "preset": settings.VIDEO_PROXY_PRESET,
                    "crf": str(settings.VIDEO_PROXY_CRF),
                }
                if audio is not None:
                    out_audio = out.add_stream("aac", rate=audio.codec_context.sample_rate)
            # One scaler for the whole pass (a frame's own ``reformat`` sets one up per frame).
            scaler = VideoReformatter()
            index = 0
            for packet in container.demux(*streams):
                if packet.stream is video:
                    for frame in packet.decode():
                        assert isinstance(frame, av.VideoFrame)
                        _stills(frame, index, picks, outputs, directory, rate)
                        if out is not None and out_video is not None:
                            picture = scaler.reformat(
                                frame,
                                width=out_video.width,
                                height=out_video.height,
                                format="yuv420p",
                            )
                            picture.pts = index
                            picture.time_base = 1 / rate
                            out.mux(out_video.encode(picture))
                        index += 1
                elif out is not None and out_audio is not None:
                    for sound in packet.decode():
                        assert isinstance(sound, av.AudioFrame)
                        out.mux(out_audio.encode(sound))
            if out is not None and out_video is not None:
                out.mux(out_video.encode(None))
                if out_audio is not None:
                    out.mux(out_audio.encode(None))
                out.close()
                assert proxy_path is not None
                name = f"{directory}/proxy.mp4"
                with proxy_path.open("rb") as handle:
                    outputs.proxy = default_storage.save(name, File(handle, name=name))
    except BaseException:
        for name in outputs.names():
            default_storage.delete(name)
        raise
    outputs.thumbnails.sort(key=lambda t: float(t["time"]))
    return outputs


def _stills(
    frame: av.VideoFrame,
    index: int,
    picks: Picks,
    outputs: Outputs,
    directory: str,
    rate: Fraction,
) -> None:
    if index == picks.poster:
        outputs.poster = default_storage.save(
            f"{directory}/poster.webp", ContentFile(_still(frame, POSTER_WIDTH, 85))
        )
    if index in picks.thumbnails:
        number = len(outputs.thumbnails)
        name = default_storage.save(
            f"{directory}/thumb-{number:02d}.webp",
            ContentFile(_still(frame, THUMBNAIL_WIDTH, 70)),
        )
        outputs.thumbnails.append({"time": round(float(index / rate), 6), "name": name})
