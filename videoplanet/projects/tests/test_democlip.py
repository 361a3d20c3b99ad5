"""The demo clip, decoded with PyAV: exact rate, every frame present and where it belongs."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image, ImageChops, ImageStat

from videoplanet.projects.democlip import (
    ClipSpec,
    demo_clip_path,
    ensure_demo_clip,
    frame_caption,
    render_frame,
    write_clip,
)

# 23.976 fps, so the rate has to survive as 24000/1001 and not as a rounded float.
SPEC = ClipSpec(width=160, height=90, fps="24000/1001", seconds=2)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("democlip") / SPEC.filename
    write_clip(path, SPEC)
    return path


def luma(frame: av.VideoFrame) -> Image.Image:
    """The decoded Y plane as a greyscale picture (rows may be padded in the plane)."""
    plane = frame.planes[0]
    data = bytes(plane)
    rows = [
        data[r * plane.line_size : r * plane.line_size + frame.width] for r in range(frame.height)
    ]
    return Image.frombytes("L", (frame.width, frame.height), b"".join(rows))


def difference(a: Image.Image, b: Image.Image) -> float:
    return float(ImageStat.Stat(ImageChops.difference(a, b)).mean[0])


def test_rate_frame_count_and_duration_are_exact(clip: Path) -> None:
    assert SPEC.frame_count == 47  # 2 s at 24000/1001, whole frames
    with av.open(str(clip)) as container:
        video, audio = container.streams.video[0], container.streams.audio[0]
        assert (video.codec_context.name, audio.codec_context.name) == ("h264", "aac")
        assert video.average_rate == Fraction(24000, 1001)
        assert (video.width, video.height) == (160, 90)
        frames = list(container.decode(video))
    assert len(frames) == 47
    times = []
    for f in frames:
        assert f.pts is not None and f.time_base is not None
        times.append(f.pts * f.time_base)
    assert times == [Fraction(n * 1001, 24000) for n in range(47)]  # exactly n / rate
    assert SPEC.duration == float(Fraction(47 * 1001, 24000))


def test_the_index_is_at_the_front_for_progressive_playback(clip: Path) -> None:
    data = clip.read_bytes()
    assert 0 <= data.find(b"moov") < data.find(b"mdat")


def test_each_decoded_frame_is_the_one_rendered_for_its_index(clip: Path) -> None:
    with av.open(str(clip)) as container:
        decoded = [luma(f) for f in container.decode(video=0)]
    rendered = [render_frame(n, SPEC).y for n in range(SPEC.frame_count)]
    for n, picture in enumerate(decoded):
        own = difference(picture, rendered[n])
        neighbours = [rendered[m] for m in (n - 1, n + 1) if 0 <= m < len(rendered)]
        # Compression blurs the picture a little; the next or previous frame (another
        # timecode, the block elsewhere) is much further away.
        assert all(own < difference(picture, other) / 2 for other in neighbours), n


def test_every_frame_shows_its_own_timecode_and_number() -> None:
    assert frame_caption(0, SPEC) == ("00:00:00:00", "frame 0 / 46   24000/1001 fps")
    assert frame_caption(25, SPEC)[0] == "00:00:01:01"
    assert render_frame(25, SPEC) == render_frame(25, SPEC)  # deterministic
    pictures = [render_frame(n, SPEC).y.tobytes() for n in range(SPEC.frame_count)]
    assert len(set(pictures)) == SPEC.frame_count  # no two frames look alike


def test_an_odd_size_is_refused() -> None:
    with pytest.raises(ValueError, match="even"):
        ClipSpec(width=161, height=90)


def test_generated_once_and_cached(settings: Any, tmp_path: Path) -> None:
    settings.DEMO_MEDIA_DIR = str(tmp_path)
    spec = ClipSpec(width=32, height=18, fps="25", seconds=1)
    assert not demo_clip_path(spec).exists()
    path = ensure_demo_clip(spec)
    assert path == demo_clip_path(spec) and path.parent == tmp_path
    made = path.stat().st_mtime_ns
    assert ensure_demo_clip(spec).stat().st_mtime_ns == made
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no partial file left


def test_a_failed_generation_leaves_no_file(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DEMO_MEDIA_DIR = str(tmp_path)

    def broken(path: Path, spec: ClipSpec) -> None:
        path.write_bytes(b"half a clip")
        raise RuntimeError("encoder crashed")

    monkeypatch.setattr("videoplanet.projects.democlip.write_clip", broken)
    with pytest.raises(RuntimeError):
        ensure_demo_clip(SPEC)
    assert list(tmp_path.iterdir()) == []
