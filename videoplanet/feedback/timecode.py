"""Frame-accurate time: seconds, frame indexes and SMPTE timecode, in exact arithmetic.

A frame rate is an exact ``Fraction`` (``24000/1001``, never 23.976). Frame ``n`` starts
at ``n / rate`` seconds; the frame shown at ``t`` seconds is the last one that started at
or before ``t``. Times arrive as floats (JSON numbers), and ``float(n / rate)`` may land
a hair before the exact start of frame ``n``, so the frame is chosen with a tolerance of
``EPSILON`` (one microsecond, far below any frame's length): seconds → frame → seconds →
frame never drifts.

Timecode counts frames at the nominal integer rate (24 for 23.976, 30 for 29.97).
29.97 and 59.94 use drop-frame timecode by default (``HH:MM:SS;FF``): frame labels 0–1
(0–3 at 59.94) are skipped at the start of every minute except every tenth, so the label
keeps up with the wall clock. Every other rate uses non-drop timecode (``HH:MM:SS:FF``).
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

_PER_SECOND = 1_000_000
EPSILON = Fraction(1, _PER_SECOND)
"""Seconds of tolerance when mapping a time to the frame shown at it."""

# Rates with a drop-frame timecode → how many labels each minute drops.
_DROPPED_PER_MINUTE = {Fraction(30000, 1001): 2, Fraction(60000, 1001): 4}

_TIMECODE = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)([:;])(\d{2,3})$")


class InvalidTimecode(ValueError):
    """A timecode label that is malformed or does not exist at the given rate."""


@lru_cache(maxsize=64)
def parse_rate(value: str) -> Fraction | None:
    """``"24000/1001"`` or ``"25"`` → the exact rate; ``""`` (unknown) → None.

    Raises ValueError for anything else, including a rate that is not positive.
    """
    if not value:
        return None
    rate = Fraction(value)
    if rate <= 0:
        raise ValueError(f"A frame rate must be positive, not {value!r}.")
    return rate


def rate_or_none(value: str) -> Fraction | None:
    """Like ``parse_rate``, but a value that is not a valid rate counts as unknown."""
    try:
        return parse_rate(value)
    except (ValueError, ZeroDivisionError):
        return None


def seconds_to_frame(seconds: float | Fraction, rate: Fraction) -> int:
    """The index of the frame shown at ``seconds`` (≥ 0) at ``rate`` frames per second."""
    # floor((seconds + EPSILON) × rate) in integers: this runs for every row of a list.
    if isinstance(seconds, float):
        num, den = seconds.as_integer_ratio()
    else:
        exact = Fraction(seconds)
        num, den = exact.numerator, exact.denominator
    if num < 0:
        raise ValueError("Seconds must be 0 or more.")
    return ((num * _PER_SECOND + den) * rate.numerator) // (den * _PER_SECOND * rate.denominator)


def frame_to_seconds(frame: int, rate: Fraction) -> Fraction:
    """When frame ``frame`` starts, in exact seconds."""
    if frame < 0:
        raise ValueError("A frame index must be 0 or more.")
    return frame / rate


def nominal_rate(rate: Fraction) -> int:
    """Frames per timecode second: the rate rounded half up (24 for 24000/1001)."""
    return max(1, int(rate + Fraction(1, 2)))


def is_drop_frame_rate(rate: Fraction) -> bool:
    return rate in _DROPPED_PER_MINUTE


@lru_cache(maxsize=64)
def _drop_frame_layout(rate: Fraction) -> tuple[int, int, int, int]:
    """(nominal fps, labels dropped per minute, frames per minute, frames per 10 minutes)."""
    base = nominal_rate(rate)
    dropped = _DROPPED_PER_MINUTE[rate]
    per_minute = base * 60 - dropped
    per_ten_minutes = base * 600 - dropped * 9
    return base, dropped, per_minute, per_ten_minutes


@lru_cache(maxsize=64)
def _label_layout(rate: Fraction) -> tuple[int, bool]:
    """(nominal fps, whether the rate has a drop-frame timecode), looked up once per rate."""
    return nominal_rate(rate), is_drop_frame_rate(rate)


def frame_to_timecode(frame: int, rate: Fraction, *, drop_frame: bool | None = None) -> str:
    """The SMPTE label of frame ``frame``: ``HH:MM:SS:FF``, or ``HH:MM:SS;FF`` drop-frame.

    ``drop_frame`` defaults to True at 29.97 and 59.94 and must be False elsewhere.
    Hours are not wrapped at 24.
    """
    if frame < 0:
        raise ValueError("A frame index must be 0 or more.")
    base, drop_capable = _label_layout(rate)
    drop = drop_capable if drop_frame is None else drop_frame
    if drop and not drop_capable:
        raise ValueError(f"There is no drop-frame timecode at {rate} fps.")
    label = frame
    if drop:
        _, dropped, per_minute, per_ten_minutes = _drop_frame_layout(rate)
        tens, rest = divmod(frame, per_ten_minutes)
        label += dropped * 9 * tens
        if rest >= dropped:
            label += dropped * ((rest - dropped) // per_minute)
    seconds_total, ff = divmod(label, base)
    minutes_total, ss = divmod(seconds_total, 60)
    hh, mm = divmod(minutes_total, 60)
    return f"{hh:02d}:{mm:02d}:{ss:02d}{';' if drop else ':'}{ff:02d}"


def timecode_to_frame(timecode: str, rate: Fraction) -> int:
    """The frame a SMPTE label stands for; ``;`` before the frames means drop-frame.

    Raises InvalidTimecode for a malformed label, a frame number the rate does not
    have, drop-frame at a rate without it, or a drop-frame label that is skipped
    (e.g. 00:01:00;00 at 29.97).
    """
    match = _TIMECODE.match(timecode)
    if match is None:
        raise InvalidTimecode(f"{timecode!r} is not a timecode like 01:02:03:04.")
    hh, mm, ss = int(match[1]), int(match[2]), int(match[3])
    drop = match[4] == ";"
    ff = int(match[5])
    base = nominal_rate(rate)
    if ff >= base:
        raise InvalidTimecode(f"{timecode!r}: frames run from 0 to {base - 1} at {rate} fps.")
    minutes_total = hh * 60 + mm
    frame = (minutes_total * 60 + ss) * base + ff
    if not drop:
        return frame
    if not is_drop_frame_rate(rate):
        raise InvalidTimecode(f"{timecode!r}: there is no drop-frame timecode at {rate} fps.")
    _, dropped, _, _ = _drop_frame_layout(rate)
    if ss == 0 and ff < dropped and mm % 10 != 0:
        raise InvalidTimecode(f"{timecode!r} is skipped by drop-frame timecode.")
    return frame - dropped * (minutes_total - minutes_total // 10)


def frame_at(
    seconds: float | None, fps: str, frame_count: int | None
) -> tuple[int | None, str | None]:
    """The frame shown at ``seconds`` of a video and its timecode; (None, None) when the
    time or the video's rate (``fps`` as stored, e.g. "24000/1001") is unknown.

    A time at the very end of the video shows its last frame.
    """
    rate = rate_or_none(fps)
    if seconds is None or rate is None or seconds < 0:
        return None, None
    frame = seconds_to_frame(seconds, rate)
    if frame_count:
        frame = min(frame, frame_count - 1)
    return frame, frame_to_timecode(frame, rate)
