"""What the contract dashboard page (``/monitoring/contracts``) shows, shaped for its template.

The view (``views.contract_dashboard``) parses the query string with ``DashboardQuery``,
calls the selectors and passes their results here. Nothing here queries the database;
it only bounds and lays out what the selectors returned:

- ``trend_chart``: the trend series as SVG coordinates, the ``TOP_SERIES`` endpoints
  with the most violations drawn one by one and the rest summed as "other";
- ``coverage_panel``: the coverage rows red first, then amber, then green, with a count
  per status (at most ``MAX_UNDOCUMENTED`` endpoints known only from violations);
- ``recent_panel``: at most ``RECENT_ROWS`` violations, each with its first
  ``ERRORS_SHOWN`` errors cut to ``ERROR_CHARS``, and the cursor of the older page;
- ``unused_panel``: what no consumer used in 30 days (``apidiff.impact.unused``), from
  the committed documents and pacts (files) and the usage document the view built.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings

from videoplanet.apidiff.document import DiffError
from videoplanet.apidiff.impact import unused
from videoplanet.apidiff.pacts import Interaction
from videoplanet.apidiff.pacts import load as pacts_load
from videoplanet.apidiff.usage import Usage, UsageDocument

from .cursors import cursor_decode, cursor_encode
from .models import Violation, ViolationType
from .selectors import STATUSES, CoverageRow, Trends

TOP_SERIES = 8
RECENT_ROWS = 50
ERRORS_SHOWN = 10
ERROR_CHARS = 500
MAX_UNDOCUMENTED = 50


# -- the query string ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Window:
    """A time window of the trends and the coverage matrix, and how its chart is drawn."""

    key: str
    label: str
    span: timedelta
    bucket: timedelta
    bucket_label: str
    tick_every: timedelta
    """An x-axis label at each bucket that starts on a multiple of this since the epoch."""
    tick_format: str


WINDOWS = {
    window.key: window
    for window in (
                # fmt: skip below: a table, one window a row, its columns lined up.
        Window("24h", "last 24 hours", timedelta(hours=24), timedelta(hours=1), "hour",
               timedelta(hours=3), "%H:%M"),
        Window("7d", "last 7 days", timedelta(days=7), timedelta(hours=6), "6 hours",
               timedelta(days=1), "%a %d %b"),
    )
}  # fmt: skip
DEFAULT_WINDOW = WINDOWS["24h"]


class DashboardQuery(forms.Form):
    """``?window=24h|7d`` and the recent list's filters; ``before`` is an older page's cursor."""

    window = forms.ChoiceField(choices=[(w.key, w.label) for w in WINDOWS.values()], required=False)
    endpoint = forms.CharField(required=False, max_length=255)
    type = forms.ChoiceField(choices=[("", "any"), *ViolationType.choices], required=False)
    source = forms.CharField(required=False, max_length=100)
    since = forms.DateTimeField(required=False)
    before = forms.CharField(required=False, max_length=200)

    def clean_window(self) -> Window:
        return WINDOWS.get(self.cleaned_data["window"], DEFAULT_WINDOW)

    def clean_before(self) -> tuple[datetime, int] | None:
        value = self.cleaned_data["before"]
        if not value:
            return None
        try:
            return cursor_decode(value)
        except ValueError as exc:
            raise forms.ValidationError("Not a page of this list; start from the newest.") from exc

    def window_or_default(self) -> Window:
        """The chosen window, also when another field is invalid."""
        window = getattr(self, "cleaned_data", {}).get("window")
        return window if isinstance(window, Window) else DEFAULT_WINDOW


# -- violation trends ----------------------------------------------------------------------

# Okabe–Ito colours (told apart with the common colour-vision deficiencies), darkened where
# they are faint on white, each paired with its own dash pattern; "other" is grey, dotted.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#b07800", "#3a9bd9", "#7a5c1e", "#332288")
DASHES = ("", "7 3", "2 3", "9 3 2 3")
OTHER_COLOUR, OTHER_DASH = "#6b6b6b", "1 3"


# The SVG's viewBox and the plot area inside it (axis labels go around it).
WIDTH, HEIGHT = 960, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 944, 14, 248


@dataclass(frozen=True, slots=True)
class Tick:
    position: float
    label: str
    anchor: str = "middle"
    """SVG text-anchor: labels at the ends of the x axis stay inside the picture."""


@dataclass(frozen=True, slots=True)
class ChartSeries:
    label: str
    """``METHOD endpoint``, or ``other (N endpoints)``."""
    counts: list[int]
    total: int
    colour: str
    dash: str
    points: str
    """SVG polyline points, ``x,y x,y ...``, one per bucket."""
    other: bool = False


@dataclass(frozen=True, slots=True)
class ChartRow:
    start: datetime
    counts: list[int]


@dataclass(frozen=True, slots=True)
class Chart:
    window: Window
    series: list[ChartSeries]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    rows: list[ChartRow]
    """Per bucket, each series' count: the chart as a table."""
    total: int
    endpoints: int
    """How many endpoints had violations in the window (drawn or summed into other)."""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def axis_label_y(self) -> int:
        return self.bottom + 20

    @property
    def y_title_x(self) -> int:
        return 14

    @property
    def y_title_y(self) -> float:
        return (self.top + self.bottom) / 2


def nice_step(peak: int, ticks: int = 4) -> int:
    """The smallest of 1, 2, 5, 10, 20, 25, 50, ... that spans ``peak`` in ``ticks`` steps."""
    if peak <= ticks:
        return 1
    rough = peak / ticks
    power = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step >= rough and step == int(step):
            return int(step)
    raise AssertionError("unreachable")  # pragma: no cover


def _anchor(x: float, room: float = 40) -> str:
    if x - LEFT < room:
        return "start"
    return "end" if RIGHT - x < room else "middle"


def trend_chart(trends: Trends, window: Window, *, top: int = TOP_SERIES) -> Chart:
    """``trends`` as lines: the ``top`` series with the most violations, then "other"."""
    shown = trends.series[:top]
    rest = trends.series[top:]
    columns: list[tuple[str, list[int], bool]] = [
        (f"{s.method} {s.endpoint}", s.counts, False) for s in shown
    ]
    if rest:
        summed = [sum(values) for values in zip(*(s.counts for s in rest), strict=True)]
        noun = "endpoint" if len(rest) == 1 else "endpoints"
        columns.append((f"other ({len(rest)} {noun})", summed, True))

    count = len(trends.buckets)
    peak = max((max(values) for _, values, _ in columns), default=0)
    step = nice_step(peak)
    ceiling = max(step * math.ceil(peak / step), step)
    width, height = RIGHT - LEFT, BOTTOM - TOP

    def x(index: int) -> float:
        return LEFT + (width * index / (count - 1) if count > 1 else width / 2)

    def y(value: float) -> float:
        return BOTTOM - height * value / ceiling

    series = []
    for i, (label, values, other) in enumerate(columns):
        colour, dash = (
            (OTHER_COLOUR, OTHER_DASH) if other else (PALETTE[i % len(PALETTE)], DASHES[i % 4])
        )
        points = " ".join(f"{x(j):.1f},{y(v):.1f}" for j, v in enumerate(values))
        series.append(ChartSeries(label, values, sum(values), colour, dash, points, other))
    every = int(window.tick_every.total_seconds())
    x_ticks = [
        Tick(round(x(i), 1), start.strftime(window.tick_format), _anchor(x(i)))
        for i, start in enumerate(trends.buckets)
        if int(start.timestamp()) % every == 0
    ]
    y_ticks = [Tick(round(y(v), 1), f"{v:,}") for v in range(0, ceiling + 1, step)]
    rows = [
        ChartRow(start, [values[i] for _, values, _ in columns])
        for i, start in enumerate(trends.buckets)
    ]
    return Chart(
        window=window,
        series=series,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        rows=rows,
        total=sum(s.total for s in series),
        endpoints=len(trends.series),
    )


# -- coverage matrix -----------------------------------------------------------------------

VERIFICATION_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "never_verified": "never verified",
    "no_pact": "no pact to verify",
}


@dataclass(frozen=True, slots=True)
class MatrixRow:
    row: CoverageRow
    verification: str
    """``row.verification`` in words."""
    calls: list[int]
    """Calls in the window per consumer, in the order of ``CoveragePanel.consumers``."""


@dataclass(frozen=True, slots=True)
class CoveragePanel:
    rows: list[MatrixRow]
    """Red, then amber, then green; within a status, in the selector's order."""
    counts: dict[str, int]
    """Rows per status, over every row (also those not shown)."""
    not_shown: int
    """Undocumented endpoints left out beyond ``MAX_UNDOCUMENTED``."""
    consumers: list[str]
    """Every consumer with calls in the window: one column each."""

    @property
    def endpoints(self) -> list[str]:
        """Every endpoint of the matrix, for the filter's suggestions."""
        return sorted({shown.row.endpoint for shown in self.rows})


def coverage_panel(rows: Sequence[CoverageRow]) -> CoveragePanel:
    documented = [row for row in rows if row.documented]
    undocumented = sorted(
        (row for row in rows if not row.documented), key=lambda row: -row.violations
    )
    shown = [*documented, *undocumented[:MAX_UNDOCUMENTED]]
    shown.sort(key=lambda row: STATUSES.index(row.status))
    consumers = sorted({name for row in rows for name, _ in row.consumer_calls})

    def calls(row: CoverageRow) -> list[int]:
        counts = dict(row.consumer_calls)
        return [counts.get(name, 0) for name in consumers]

    return CoveragePanel(
        rows=[MatrixRow(row, VERIFICATION_LABELS[row.verification], calls(row)) for row in shown],
        counts={status: sum(1 for row in rows if row.status == status) for status in STATUSES},
        not_shown=max(0, len(undocumented) - MAX_UNDOCUMENTED),
        consumers=consumers,
    )


# -- what no consumer used -----------------------------------------------------------------

UNUSED_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class UnusedPanel:
    lines: list[str]
    """``videoplanet.apidiff.impact.unused``: operations, parameters and fields."""
    days: float
    """How many days of usage data there are (at most 30): fewer is weaker evidence."""


def unused_panel(usage: Mapping[str, Any]) -> UnusedPanel:
    """What no pact exercises and no consumer sent in 30 days, from the committed
    documents and pacts and ``usage`` (a ``videoplanet-usage/1`` document)."""
    document = UsageDocument.model_validate(usage)
    span = document.window.end - document.window.start
    lines = unused(_committed_documents(), _committed_pacts(), Usage(document))
    return UnusedPanel(lines=lines, days=span.total_seconds() / 86400)


def _committed_documents() -> dict[str, dict[str, Any]]:
    from videoplanet.contracts.validator import committed_validator

    documents = {"openapi": committed_validator().document}
    asyncapi = Path(settings.BASE_DIR) / "contracts" / "asyncapi.json"
    if asyncapi.exists():
        documents["asyncapi"] = json.loads(asyncapi.read_text(encoding="utf-8"))
    return documents


def _committed_pacts() -> list[Interaction]:
    try:
        return pacts_load(Path(settings.PACT_DIR))
    except DiffError:
        return []


# -- recent violations ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecentRow:
    violation: Violation
    errors: list[str]
    """The first ``ERRORS_SHOWN`` errors, each cut to ``ERROR_CHARS`` characters."""
    more_errors: int


@dataclass(frozen=True, slots=True)
class RecentPanel:
    rows: list[RecentRow]
    older: str | None
    """The cursor (``?before=``) of the next older page, if there is one."""


def recent_panel(violations: Iterable[Violation], *, limit: int = RECENT_ROWS) -> RecentPanel:
    """``violations``: up to ``limit + 1`` rows, newest first; the extra one tells that
    there is an older page."""
    fetched = list(violations)  # one query, even for a QuerySet
    page = fetched[:limit]
    older = None
    if len(fetched) > limit:
        older = cursor_encode(page[-1].last_seen, page[-1].id)
    rows = []
    for violation in page:
        errors = [str(e) for e in violation.errors] if isinstance(violation.errors, list) else []
        rows.append(
            RecentRow(
                violation=violation,
                errors=[
                    e if len(e) <= ERROR_CHARS else e[: ERROR_CHARS - 1] + "…"
                    for e in errors[:ERRORS_SHOWN]
                ],
                more_errors=max(0, len(errors) - ERRORS_SHOWN),
            )
        )
    return RecentPanel(rows=rows, older=older)
