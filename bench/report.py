"""The results table every part of `make bench` prints."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple


class Row(NamedTuple):
    name: str
    value: float | None
    unit: str
    baseline: float | None
    ratio: float | None
    better: str
    note: str = ""


def number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.1f}"


def print_rows(rows: Iterable[Row]) -> None:
    header = f"{'metric':48} {'value':>9} {'unit':6} {'baseline':>9} {'ratio':>7}  better"
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
        note = f"  ({row.note})" if row.note else ""
        print(
            f"{row.name:48} {number(row.value):>9} {row.unit:6} {number(row.baseline):>9} "
            f"{ratio:>7}  {row.better}{note}"
        )
