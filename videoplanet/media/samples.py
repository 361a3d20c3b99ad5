"""Tiny sample videos made with PyAV (a few frames of 64×48, fast to write and to process):
the tests, the Pact provider states and the benchmark make their videos with these."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
from PIL import Image

NTSC = Fraction(24000, 1001)


def make_video(
    path: Path,
    *,
    codec: str = "libx264",
    frames: int = 12,
    rate: Fraction = NTSC,
    size: tuple[int, int] = (64, 48),
    pix_fmt: str = "yuv420p",
    audio: bool = False,
    container_format: str | None = None,
) -> Path:
    """Write a video whose frames fade from black to red; returns ``path``."""
    width, height = size
    with av.open(str(path), "w", format=container_format) as container:
        video = container.add_stream(codec, rate=rate)
        assert isinstance(video, av.VideoStream)
        video.width, video.height, video.pix_fmt = width, height, pix_fmt
        sound = container.add_stream("aac", rate=48000, layout="mono") if audio else None
        assert sound is None or isinstance(sound, av.AudioStream)
        for n in range(frames):
            picture = Image.new("RGB", size, (n * 255 // max(1, frames - 1), 0, 0))
            container.mux(video.encode(av.VideoFrame.from_image(picture)))
        container.mux(video.encode(None))
        if sound is not None:
            samples = int(48000 * frames / rate)
            for start in range(0, samples, 1024):
                chunk = av.AudioFrame(format="fltp", layout="mono", samples=1024)
                for plane in chunk.planes:
                    plane.update(bytes(plane.buffer_size))
                chunk.sample_rate, chunk.pts = 48000, start
                container.mux(sound.encode(chunk))
            container.mux(sound.encode(None))
    return path


def count_frames(path: Path | str) -> int:
    """Frames a decoder gets out of the file's first video stream."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))
