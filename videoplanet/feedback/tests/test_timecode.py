"""Seconds, frames and SMPTE timecode at the rates editors use, against reference values."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from videoplanet.feedback.timecode import (
    EPSILON,
    InvalidTimecode,
    frame_to_seconds,
    frame_to_timecode,
    parse_rate,
    seconds_to_frame,
    timecode_to_frame,
)

R23976 = Fraction(24000, 1001)
R2997 = Fraction(30000, 1001)
R5994 = Fraction(60000, 1001)
RATES = [R23976, Fraction(24), Fraction(25), R2997, Fraction(30), Fraction(50), R5994, Fraction(60)]
RATE_IDS = ["23.976", "24", "25", "29.97DF", "30", "50", "59.94DF", "60"]


def test_rates_parse_exactly() -> None:
    assert parse_rate("24000/1001") == R23976
    assert parse_rate("25") == 25
    assert parse_rate("") is None
    for bad in ("0", "-24", "fast", "24/0"):
        with pytest.raises((ValueError, ZeroDivisionError)):
            parse_rate(bad)


@pytest.mark.parametrize(
    ("rate", "frame", "timecode"),
    [
        # 23.976 counts 24 labels a second and never drops.
        (R23976, 0, "00:00:00:00"),
        (R23976, 23, "00:00:00:23"),
        (R23976, 24, "00:00:01:00"),
        (R23976, 86400, "01:00:00:00"),
        (Fraction(24), 1439, "00:00:59:23"),
        (Fraction(24), 1440, "00:01:00:00"),
        (Fraction(25), 24, "00:00:00:24"),
        (Fraction(25), 90000, "01:00:00:00"),
        (Fraction(30), 1800, "00:01:00:00"),
        (Fraction(30), 107999, "00:59:59:29"),
        (Fraction(50), 49, "00:00:00:49"),
        (Fraction(50), 180000, "01:00:00:00"),
        (Fraction(60), 216000, "01:00:00:00"),
        # 29.97 drop-frame: ;00 and ;01 are skipped each minute except every tenth.
        (R2997, 0, "00:00:00;00"),
        (R2997, 1799, "00:00:59;29"),
        (R2997, 1800, "00:01:00;02"),
        (R2997, 3597, "00:01:59;29"),
        (R2997, 3598, "00:02:00;02"),
        (R2997, 17981, "00:09:59;29"),
        (R2997, 17982, "00:10:00;00"),
        (R2997, 17983, "00:10:00;01"),
        (R2997, 19782, "00:11:00;02"),
        (R2997, 107892, "01:00:00;00"),
        (R2997, 2589407, "23:59:59;29"),
        # 59.94 drop-frame: four labels a minute.
        (R5994, 3599, "00:00:59;59"),
        (R5994, 3600, "00:01:00;04"),
        (R5994, 35963, "00:09:59;59"),
        (R5994, 35964, "00:10:00;00"),
        (R5994, 215784, "01:00:00;00"),
    ],
)
def test_reference_timecodes(rate: Fraction, frame: int, timecode: str) -> None:
    assert frame_to_timecode(frame, rate) == timecode
    assert timecode_to_frame(timecode, rate) == frame


def test_drop_frame_is_a_default_not_a_must() -> None:
    assert frame_to_timecode(1800, R2997, drop_frame=False) == "00:01:00:00"
    assert timecode_to_frame("00:01:00:00", R2997) == 1800
    with pytest.raises(ValueError, match="no drop-frame"):
        frame_to_timecode(1800, Fraction(25), drop_frame=True)


@pytest.mark.parametrize(
    ("label", "rate", "problem"),
    [
        ("00:01:00;00", R2997, "skipped"),
        ("00:01:00;01", R2997, "skipped"),
        ("00:09:00;01", R2997, "skipped"),
        ("00:01:00;03", R5994, "skipped"),
        ("00:00:00;30", R2997, "0 to 29"),
        ("00:00:00:25", Fraction(25), "0 to 24"),
        ("00:00:10;00", Fraction(25), "no drop-frame"),
        ("00:60:00:00", Fraction(25), "not a timecode"),
        ("1:00:00:00", Fraction(25), "not a timecode"),
        ("00:00:00", Fraction(25), "not a timecode"),
    ],
)
def test_labels_that_do_not_exist_are_refused(label: str, rate: Fraction, problem: str) -> None:
    with pytest.raises(InvalidTimecode, match=problem):
        timecode_to_frame(label, rate)


def test_ten_minute_labels_are_not_dropped() -> None:
    assert timecode_to_frame("00:10:00;00", R2997) == 17982
    assert timecode_to_frame("00:20:00;01", R2997) == 2 * 17982 + 1


@pytest.mark.parametrize(("rate", "seconds", "frame"), [
    (Fraction(24), 30.5, 732),
    (Fraction(25), 0.04, 1),
    (Fraction(25), 0.0399, 0),
    (R23976, 1.0, 23),  # frame 24 starts at 1.001 s
    (R23976, 1.001, 24),  # the float 1.001 is a hair under 1001/1000
    (R2997, 60.06, 1800),
    (Fraction(60), 0.016, 0),
])  # fmt: skip
def test_seconds_to_frame(rate: Fraction, seconds: float, frame: int) -> None:
    assert seconds_to_frame(seconds, rate) == frame


def test_negative_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        seconds_to_frame(-0.5, Fraction(24))
    with pytest.raises(ValueError):
        frame_to_seconds(-1, Fraction(24))
    with pytest.raises(ValueError):
        frame_to_timecode(-1, Fraction(24))


rates = st.sampled_from(RATES)


@given(rate=rates, seconds=st.floats(min_value=0, max_value=48 * 3600, allow_nan=False))
def test_seconds_frame_seconds_does_not_drift(rate: Fraction, seconds: float) -> None:
    frame = seconds_to_frame(seconds, rate)
    start = frame_to_seconds(frame, rate)
    # The frame is the one on screen at `seconds`: it started at or before, and the
    # next one had not started yet (both within the tolerance).
    assert start <= Fraction(seconds) + EPSILON < start + 1 / rate
    # Its start time, as the float the API stores, maps back to the same frame.
    assert seconds_to_frame(float(start), rate) == frame


@given(rate=rates, frame=st.integers(min_value=0, max_value=10_000_000))
def test_frame_seconds_frame_is_the_identity(rate: Fraction, frame: int) -> None:
    assert seconds_to_frame(float(frame_to_seconds(frame, rate)), rate) == frame


@given(rate=rates, frame=st.integers(min_value=0, max_value=10_000_000))
def test_every_frame_has_one_label_and_back(rate: Fraction, frame: int) -> None:
    assert timecode_to_frame(frame_to_timecode(frame, rate), rate) == frame


@given(rate=rates, frame=st.integers(min_value=0, max_value=10_000_000))
def test_labels_increase_with_the_frame(rate: Fraction, frame: int) -> None:
    """Dropped labels skip ahead but never back: sorting labels sorts frames."""
    assert frame_to_timecode(frame, rate) < frame_to_timecode(frame + 1, rate)
