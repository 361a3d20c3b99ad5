"""The contract dashboard page, ``GET /monitoring/contracts`` (docs/contract-testing.md §6.2):
staff only.

Server-rendered, no JavaScript: violation trends (an SVG drawn from
``selectors.violation_trends``), the coverage matrix (``selectors.coverage_matrix``)
and the recent violations (``selectors.violation_list``, filtered, keyset-paged). Every
query aggregates in SQL or is bounded, so the page costs the same few queries however
many violations are stored; ``dashboard`` shapes the results for the template.
"""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .dashboard import (
    RECENT_ROWS,
    UNUSED_WINDOW,
    WINDOWS,
    DashboardQuery,
    coverage_panel,
    recent_panel,
    trend_chart,
    unused_panel,
)
from .selectors import coverage_matrix, violation_list, violation_sources, violation_trends
from .usage_document import usage_document, usage_rows


@require_safe
@never_cache
@staff_member_required
def contract_dashboard(request: HttpRequest) -> HttpResponse:
    """The three panels; an invalid filter answers 400 with the page and its errors."""
    query = DashboardQuery(request.GET)
    valid = query.is_valid()
    window = query.window_or_default()
    now = timezone.now()
    trends = violation_trends(window=window.span, bucket=window.bucket, now=now)
    # One query for both: the usage of 30 days, with the window's part (``recent``).
    usage = usage_rows(window=max(UNUSED_WINDOW, window.span), now=now, recent=now - window.span)
    coverage = coverage_matrix(window=window.span, now=now, usage=usage)
    recent = None
    if valid:
        filters = query.cleaned_data
        recent = recent_panel(
            violation_list(
                endpoint=filters["endpoint"] or None,
                type=filters["type"] or None,
                source=filters["source"] or None,
                since=filters["since"],
                before=filters["before"],
                limit=RECENT_ROWS + 1,
            )
        )
    context = {
        "now": now,
        "query": query,
        "window": window,
        "windows": WINDOWS.values(),
        "chart": trend_chart(trends, window),
        "coverage": coverage_panel(coverage),
        "recent": recent,
        "unused": unused_panel(usage_document(window=UNUSED_WINDOW, now=now, rows=usage)),
        "sources": violation_sources(),
    }
    return render(request, "monitoring/contracts.html", context, status=200 if valid else 400)
