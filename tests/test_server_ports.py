"""tests.server's ports under pytest-xdist: each worker hands out only its own share of
PORT_RANGE, so two workers never pick the same port for servers they start at once."""

from __future__ import annotations

import pytest

from tests.server import free_port, port_range


def workers(monkeypatch: pytest.MonkeyPatch, worker: str | None, count: int | None) -> None:
    monkeypatch.setenv("PORT_RANGE", "19000-19199")
    for name, value in (("PYTEST_XDIST_WORKER", worker), ("PYTEST_XDIST_WORKER_COUNT", count)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, str(value))


def test_one_process_uses_the_whole_range(monkeypatch: pytest.MonkeyPatch) -> None:
    workers(monkeypatch, None, None)
    assert port_range() == range(19000, 19200)


def test_workers_share_the_range_out_without_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    shares = []
    for index in range(3):
        workers(monkeypatch, f"gw{index}", 3)
        shares.append(set(port_range() or ()))
    assert [len(share) for share in shares] == [66, 66, 66]
    assert not (shares[0] & shares[1]) and not (shares[1] & shares[2])
    assert not (shares[0] & shares[2])
    assert all(19000 <= port <= 19199 for share in shares for port in share)


def test_a_worker_picks_its_ports_from_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    workers(monkeypatch, "gw1", 4)
    assert 19050 <= free_port() < 19100


def test_more_workers_than_ports_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT_RANGE", "19000-19002")
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    monkeypatch.setenv("PYTEST_XDIST_WORKER_COUNT", "4")
    with pytest.raises(OSError, match="fewer ports than the 4 workers"):
        port_range()


def test_without_port_range_the_os_picks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT_RANGE", raising=False)
    assert port_range() is None
    assert free_port() > 0
