"""The backoff schedule: exponential, capped, jittered within [ceiling/2, ceiling]."""

from __future__ import annotations

import pytest
from videoplanet_client import Backoff


def test_ceilings_double_until_the_cap() -> None:
    backoff = Backoff(base=0.5, factor=2.0, cap=5.0)
    assert [backoff.ceiling(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_stays_between_half_and_all_of_the_ceiling() -> None:
    backoff = Backoff(base=1.0, factor=2.0, cap=30.0)
    assert backoff.delay(3, rand=lambda: 0.0) == 4.0
    assert backoff.delay(3, rand=lambda: 0.999) == pytest.approx(7.996)
    assert all(2.0 <= backoff.delay(2) <= 4.0 for _ in range(200))


def test_a_very_late_attempt_waits_the_cap() -> None:
    assert Backoff(base=0.5, factor=2.0, cap=30.0).ceiling(5000) == 30.0


@pytest.mark.parametrize("kwargs", [{"base": -1.0}, {"cap": -1.0}, {"factor": 0.5}])
def test_nonsense_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)
