"""The demo clip: a short H.264/AAC MP4 with every frame's timecode and number burned in.

Generated once with PyAV and Pillow, no network and no ffmpeg binary, and cached in
``settings.DEMO_MEDIA_DIR``; ``settings.DEMO_CLIP`` sets its size, rate and length. Each
frame shows its SMPTE timecode and frame index in large type over a moving bar and a
progress line, so a player that lands on the wrong frame is visibly wrong.

``ensure_demo_clip()`` returns the cached file's path (generating it first when
missing); ``demo_clip_path()`` is where it lives. ``render_frame(n, spec)`` draws frame
``n`` exactly as the encoder is given it, so tests can compare decoded frames to it.
"""

from __future__ import annotations

import math
import os
import struct
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

from videoplanet.feedback.timecode import frame_to_timecode

FORMAT_VERSION = 1  # bump when the picture changes, so cached clips are regenerated
AUDIO_RATE = 48_000
TONE_HZ = 440.0
TONE_LEVEL = 0.1  # quiet: a reference tone, not a sound to listen to

BACKGROUND = (24, 28, 38)
BAR = (74, 144, 226)
TEXT = (255, 255, 255)
DIM = (150, 160, 175)


@dataclass(frozen=True)
class ClipSpec:
    width: int = 1280
    height: int = 720
    fps: str = "24"
    """An exact rate as Video.fps stores it, e.g. "24" or "24000/1001"."""
    seconds: int = 30

    @property
    def rate(self) -> Fraction:
        return Fraction(self.fps)

    @property
    def frame_count(self) -> int:
        return int(self.seconds * self.rate)

    @property
    def duration(self) -> float:
        return float(self.frame_count / self.rate)

    @property
    def filename(self) -> str:
        rate = self.fps.replace("/", "-")
        return f"demo-v{FORMAT_VERSION}-{self.width}x{self.height}-{rate}fps-{self.seconds}s.mp4"

    def __post_init__(self) -> None:
        if self.width % 2 or self.height % 2 or self.width < 16 or self.height < 16:
            raise ValueError("The demo clip needs an even width and height of 16 or more.")


def clip_spec() -> ClipSpec:
    """The demo clip the settings ask for (``DEMO_CLIP``: width, height, fps, seconds)."""
    return ClipSpec(**getattr(settings, "DEMO_CLIP", {}))


def demo_clip_path(spec: ClipSpec | None = None) -> Path:
    """Where the demo clip is cached; it may not exist yet (see ``ensure_demo_clip``)."""
    return Path(settings.DEMO_MEDIA_DIR) / (spec or clip_spec()).filename


def ensure_demo_clip(spec: ClipSpec | None = None) -> Path:
    """The cached demo clip, generated first if it is missing. Safe to call concurrently:
    the file appears complete, by rename, or not at all."""
    spec = spec or clip_spec()
    path = demo_clip_path(spec)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=".partial-", suffix=".mp4")
    os.close(fd)
    try:
        write_clip(Path(partial), spec)
        os.chmod(partial, 0o644)  # mkstemp makes it private; it is a public demo file
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path


def frame_caption(frame: int, spec: ClipSpec) -> tuple[str, str]:
    """The two lines burned into ``frame``: its timecode, and its index out of the count."""
    return (
        frame_to_timecode(frame, spec.rate),
        f"frame {frame} / {spec.frame_count - 1}   {spec.fps} fps",
    )


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _ycbcr(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """BT.709 limited-range Y, Cb, Cr of an sRGB colour (what HD players assume)."""
    r, g, b = (c / 255 for c in rgb)
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return (
        round(16 + 219 * y),
        round(128 + 224 * (b - y) / 1.8556),
        round(128 + 224 * (r - y) / 1.5748),
    )


@dataclass(frozen=True)
class Planes:
    """One frame as yuv420p: full-size luma, half-size chroma, one byte per sample."""

    y: Image.Image
    cb: Image.Image
    cr: Image.Image


def render_frame(frame: int, spec: ClipSpec) -> Planes:
    """Frame ``frame`` of the clip, drawn straight into the planes the encoder takes
    (drawing in RGB and converting cost more than encoding)."""
    w, h = spec.width, spec.height
    background, bar, text, dim = (_ycbcr(c) for c in (BACKGROUND, BAR, TEXT, DIM))
    y = Image.new("L", (w, h), background[0])
    cb = Image.new("L", (w // 2, h // 2), background[1])
    cr = Image.new("L", (w // 2, h // 2), background[2])
    # A block that sweeps across once a second, and a progress line along the bottom.
    per_second = max(1, round(spec.rate))
    bar_w = max(2, w // 12) // 2 * 2
    x = (frame % per_second) * (w - bar_w) // per_second // 2 * 2
    top, bottom = h // 12 // 2 * 2, (h // 12 + h // 10) // 2 * 2
    progress = (frame + 1) * w // spec.frame_count // 2 * 2
    line = max(2, h // 40) // 2 * 2
    for box in ((x, top, x + bar_w, bottom), (0, h - line, progress, h)):
        if box[2] > box[0]:
            for plane, value, scale in ((y, bar[0], 1), (cb, bar[1], 2), (cr, bar[2], 2)):
                left, upper, right, lower = (v // scale for v in box)
                ImageDraw.Draw(plane).rectangle((left, upper, right - 1, lower - 1), fill=value)
    timecode, detail = frame_caption(frame, spec)
    draw = ImageDraw.Draw(y)  # white and grey text: luma only, chroma stays neutral-ish
    draw.text((w // 2, h // 2), timecode, font=_font(max(8, h // 6)), fill=text[0], anchor="mm")
    draw.text(
        (w // 2, h // 2 + h // 6), detail, font=_font(max(6, h // 18)), fill=dim[0], anchor="mm"
    )
    return Planes(y, cb, cr)


def _video_frame(planes: Planes) -> Any:
    import av

    frame = av.VideoFrame(planes.y.width, planes.y.height, "yuv420p")
    for plane, image in zip(frame.planes, (planes.y, planes.cb, planes.cr), strict=True):
        data = image.tobytes()
        if plane.line_size != image.width:  # rows padded for alignment
            pad = bytes(plane.line_size - image.width)
            data = b"".join(
                data[row * image.width : (row + 1) * image.width] + pad
                for row in range(image.height)
            )
        plane.update(data)
    return frame


def _tone(start_sample: int, samples: int) -> bytes:
    """``samples`` of a sine tone as 32-bit floats, starting at ``start_sample``."""
    step = 2 * math.pi * TONE_HZ / AUDIO_RATE
    values = [TONE_LEVEL * math.sin(step * (start_sample + i)) for i in range(samples)]
    return struct.pack(f"={samples}f", *values)


def write_clip(path: Path, spec: ClipSpec) -> None:
    """Encode the clip to ``path``: H.264 (yuv420p, a keyframe each second) and a quiet
    AAC tone in an MP4 with its index up front (faststart), so playback can start
    and seek before the whole file has arrived."""
    import av  # imported here: only generating the clip needs it

    container: Any = av.open(str(path), mode="w", format="mp4", options={"movflags": "faststart"})
    with container:
        video = container.add_stream("libx264", rate=spec.rate)
        video.width, video.height, video.pix_fmt = spec.width, spec.height, "yuv420p"
        video.codec_context.gop_size = max(1, round(float(spec.rate)))
        video.options = {"preset": "veryfast", "crf": "23"}
        audio = container.add_stream("aac", rate=AUDIO_RATE, layout="mono")
        for n in range(spec.frame_count):
            picture = _video_frame(render_frame(n, spec))
            picture.pts = n
            picture.time_base = 1 / spec.rate
            container.mux(video.encode(picture))
        container.mux(video.encode())
        samples_total = round(spec.frame_count / spec.rate * AUDIO_RATE)
        chunk = audio.codec_context.frame_size or 1024
        for start in range(0, samples_total, chunk):
            count = min(chunk, samples_total - start)
            sound = av.AudioFrame(format="flt", layout="mono", samples=count)
            sound.planes[0].update(_tone(start, count))
            sound.sample_rate, sound.pts = AUDIO_RATE, start
            sound.time_base = Fraction(1, AUDIO_RATE)
            container.mux(audio.encode(sound))
        container.mux(audio.encode())
