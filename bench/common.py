"""What every part of `make bench` shares: the metric record, percentiles, CPU
accounting and the results file (``bench-results.json``). See bench/README.md."""

from __future__ import annotations

import contextlib
import json
import math
import os
import resource
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results.json"
MET, NOT_MET = "MET", "NOT MET"


@dataclass(frozen=True)
class Metric:
    """One entry of bench-results.json.

    ``ratio`` is the improvement factor over ``baseline`` (> 1 is better): value/baseline
    when higher is better, baseline/value when lower is. ``target`` is the bound the
    value must reach (``better`` says which side) and ``verdict`` MET or NOT MET; both
    None for a figure without a target. A target on the ratio instead of the value says
    so with ``target_on: "ratio"``. ``others`` holds the same figure's ratio to further
    baselines (e.g. ``{"peer": 1.4, "ceiling": 0.3}``).
    """

    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    ratio: float | None = None
    better: str = "higher"
    target: float | None = None
    target_on: str = "value"
    verdict: str | None = None
    baseline_name: str = ""
    server: str = ""
    errors: int = 0
    other_cpu: float | None = None
    others: dict[str, float | None] = field(default_factory=dict)
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def ratio(value: float | None, baseline: float | None, better: str) -> float | None:
    """The improvement factor of ``value`` over ``baseline`` (> 1 is better)."""
    if not value or not baseline:
        return None
    return round(value / baseline if better == "higher" else baseline / value, 2)


def verdict(value: float | None, target: float | None, better: str) -> str | None:
    """MET when ``value`` reaches ``target`` on the ``better`` side, else NOT MET."""
    if target is None:
        return None
    if value is None:
        return NOT_MET
    return MET if (value >= target if better == "higher" else value <= target) else NOT_MET


def metric(
    name: str,
    value: float | None,
    unit: str,
    *,
    better: str,
    baseline: float | None = None,
    target: float | None = None,
    target_on: str = "value",
    **extra: Any,
) -> Metric:
    """A Metric with its ratio and verdict worked out (``target_on="ratio"``: the target
    bounds the ratio to the baseline from below)."""
    r = ratio(value, baseline, better)
    if target_on == "ratio":
        judged = verdict(r, target, "higher")
    else:
        judged = verdict(value, target, better)
    return Metric(
        name=name,
        value=round(value, 3) if value is not None else None,
        unit=unit,
        baseline=round(baseline, 3) if baseline is not None else None,
        ratio=r,
        better=better,
        target=target,
        target_on=target_on,
        verdict=judged,
        **extra,
    )


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0–100), linear between closest ranks; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# ---- CPU accounting ----


def process_cpu() -> dict[int, tuple[int, str, float]]:
    """``pid → (process group, name, CPU seconds)`` of every process /proc shows."""
    ticks = os.sysconf("SC_CLK_TCK")
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        # Fields after "(comm)": state ppid pgrp ... utime is 14th and stime 15th overall.
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(entry.name)] = (int(fields[2]), name, (int(fields[11]) + int(fields[12])) / ticks)
    return out


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds of the live processes of one process group."""
    return sum(cpu for group, _, cpu in process_cpu().values() if group == pgid)


def machine_busy_seconds() -> float:
    """CPU seconds all CPUs have spent busy since boot (/proc/stat, steal time excluded)."""
    # user nice system idle iowait irq softirq [steal guest guest_nice]
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n")[0].split()[1:8]]
    busy = sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0)
    return busy / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (e.g. wrk runs)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


# ---- the results file ----


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def write_results(
    entries: Iterable[dict[str, Any]], prefixes: tuple[str, ...], path: Path = RESULTS
) -> int:
    """Replace the entries whose names start with ``prefixes`` in the results file and
    keep every other part's; returns how many were written."""
    existing: list[dict[str, Any]] = []
    if path.exists():
        with contextlib.suppress(ValueError):
            existing = [e for e in json.loads(path.read_text()) if isinstance(e, dict)]
    kept = [e for e in existing if not str(e.get("name", "")).startswith(prefixes)]
    new = list(entries)
    path.write_text(json.dumps([*kept, *new], indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {len(new)} {', '.join(p + '*' for p in prefixes)} entries to {shown(path)}")
    return len(new)
