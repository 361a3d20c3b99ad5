"""What a file is, read with PyAV (FFmpeg's libraries): container, codecs, size, the
exact frame rate, the frame count, audio. Anything that is not a whole, decodable video
in a known container raises :class:`NotAVideo` with a reason a person can act on."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error

# Demuxers we accept (FFmpeg's names). Images, archives and anything exotic are refused
# before a decoder sees them.
CONTAINERS = frozenset({"mov", "mp4", "matroska", "webm", "avi", "mxf", "mpegts"})


class NotAVideo(ValueError):
    """The file is not a video we can review; the message says why."""


@dataclass(frozen=True)
class Probe:
    container: str
    video_codec: str
    pix_fmt: str
    width: int
    height: int
    duration: float | None
    fps: Fraction | None
    frame_count: int
    audio_codec: str | None
    brand: str

    @property
    def fps_text(self) -> str:
        """The frame rate as an exact rational, ``24000/1001`` or ``25``; "" if unknown."""
        return str(self.fps) if self.fps else ""

    @property
    def browser_playable(self) -> bool:
        """H.264 (4:2:0, 8 bit) with AAC or no audio in MP4, or VP8/VP9/AV1 with Opus,
        Vorbis or no audio in WebM/Matroska: what browsers play without a proxy."""
        if self.container == "mp4":
            return (
                self.video_codec == "h264"
                and self.pix_fmt == "yuv420p"
                and self.audio_codec in (None, "aac")
            )
        if self.container in ("matroska", "webm"):
            return self.video_codec in ("vp8", "vp9", "av1") and self.audio_codec in (
                None,
                "opus",
                "vorbis",
            )
        return False

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["fps"] = self.fps_text
        return data


def _container(names: str) -> str | None:
    for name in names.split(","):
        if name in CONTAINERS:
            return name
    return None


def probe(path: Path | str) -> Probe:
    """Open the file, read every video packet once (no decoding but the first frame)."""
    try:
        with av.open(str(path), metadata_errors="ignore") as container:
            name = _container(container.format.name)
            if name is None:
                raise NotAVideo(f"Not a video container ({container.format.long_name}).")
            if not container.streams.video:
                raise NotAVideo("The file has no video stream.")
            stream = container.streams.video[0]
            codec = stream.codec_context
            if not codec.width or not codec.height:
                raise NotAVideo("The video stream has no picture size.")
            audio = container.streams.audio[0] if container.streams.audio else None
            declared = stream.frames
            frames = 0
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                if packet.is_corrupt:
                    raise NotAVideo("The video is damaged or cut short.")
                frames += 1
            if frames == 0:
                raise NotAVideo("The video stream has no frames.")
            if declared and frames != declared:
                raise NotAVideo(f"The video is cut short: {frames} of {declared} frames are there.")
            container.seek(0)
            next(container.decode(stream))  # the first picture decodes
            rate = stream.average_rate or stream.guessed_rate or stream.base_rate
            if stream.duration is not None and stream.time_base is not None:
                duration: float | None = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / av.time_base
            else:
                duration = None
            brand = str(container.metadata.get("major_brand", "")).strip()
            if name == "mov" and brand not in ("", "qt"):
                name = "mp4"  # one demuxer reads both; the brand tells an MP4 file
            return Probe(
                container=name,
                video_codec=codec.name,
                pix_fmt=codec.pix_fmt or "",
                width=codec.width,
                height=codec.height,
                duration=duration if duration and duration > 0 else None,
                fps=Fraction(rate) if rate else None,
                frame_count=frames,
                audio_codec=audio.codec_context.name if audio is not None else None,
                brand=brand,
            )
    except NotAVideo:
        raise
    except StopIteration as exc:
        raise NotAVideo("No picture in the video stream could be decoded.") from exc
    except (av.error.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise NotAVideo("The file is not a video, or it is damaged or cut short.") from exc
