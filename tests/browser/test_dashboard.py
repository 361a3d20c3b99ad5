"""The contract dashboard in a real headless Chromium, against a real server process.

A throwaway SQLite database gets a staff user and ``manage.py monitoring_demo``'s week of
violations, sightings and verification report; Chromium signs in through the login form
and reads the three panels, filters the recent list, pages it and switches the window.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from videoplanet.monitoring.management.commands.monitoring_demo import (
    DEMO_KEYS,
    NEWEST,
    NOT_SEEN,
)

from .dashboard import DASHBOARD, BrowserMissing, chromium, demo_server, require_chromium, sign_in

pytestmark = pytest.mark.server


def system_chromium_or_fail() -> None:
    """A missing browser fails the test (it is never skipped), saying how to install it."""
    try:
        require_chromium()
    except BrowserMissing as exc:
        missing = str(exc)
    else:
        return
    pytest.fail(missing, pytrace=False)


def series(page: Page) -> list[str]:
    return page.locator("svg g.series").evaluate_all("gs => gs.map(g => g.dataset.series)")


def points_per_series(page: Page) -> set[int]:
    return set(
        page.locator("svg g.series polyline").evaluate_all(
            "ps => ps.map(p => p.getAttribute('points').trim().split(/\\s+/).length)"
        )
    )


def column(page: Page, index: int) -> list[str]:
    """The text of one column of the recent list (1-based, as in :nth-child)."""
    return page.locator(f"table.recent tbody tr td:nth-child({index})").all_inner_texts()


def matrix_row(page: Page, operation: str) -> Locator:
    return page.locator(f'table.matrix tr[data-operation="{operation}"]')


def test_staff_read_filter_and_switch_the_dashboard_in_chromium(tmp_path: Path) -> None:
    system_chromium_or_fail()
    with chromium() as browser, demo_server(tmp_path) as server:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})

        # Signed out, the page sends the browser to the login form, and back after it.
        page.goto(f"{server.url}{DASHBOARD}")
        expect(page).to_have_url(f"{server.url}/admin/login/?next={DASHBOARD}")
        sign_in(page, server)
        expect(page.get_by_role("heading", level=1)).to_have_text("Contract dashboard")
        for name in ("Violation trends", "Coverage matrix", "Recent violations"):
            expect(page.get_by_role("heading", level=2, name=name)).to_be_visible()

        # Trends, last 24 hours: one hourly line per endpoint with violations in it.
        last_day = {k.label for k in DEMO_KEYS if k.until_hours < 24} | {NEWEST.label}
        assert set(series(page)) == last_day
        assert points_per_series(page) == {24}
        legend = page.get_by_role("list", name="Legend")
        for label in last_day:
            expect(legend).to_contain_text(label)

        # Coverage: red where violations are, green where pact, verification,
        # sightings all hold, amber where the server never saw it; words, not colours.
        red = matrix_row(page, "POST /api/v1/feedbacks")
        expect(red).to_have_attribute("data-status", "red")
        expect(red.locator(".badge")).to_have_text("Red")
        expect(red).to_contain_text("violations in the window")
        green = matrix_row(page, "GET /api/v1/me")
        expect(green).to_have_attribute("data-status", "green")
        expect(green.locator(".badge")).to_have_text("Green")
        failed = matrix_row(page, "DELETE /api/v1/comments/{comment_id}/reactions/{emoji}")
        expect(failed).to_contain_text("provider verification failed")
        for method, endpoint in NOT_SEEN:
            expect(matrix_row(page, f"{method} {endpoint}")).to_have_attribute(
                "data-status", "amber"
            )

        # Recent: the newest seeded violation first, with its errors; a full page.
        rows = page.locator("table.recent tbody tr")
        expect(rows).to_have_count(50)
        first = rows.first
        for text in (NEWEST.source, NEWEST.method, NEWEST.endpoint, NEWEST.type,
                     NEWEST.direction, *NEWEST.errors):  # fmt: skip
            expect(first).to_contain_text(text)
        unfiltered_types = set(column(page, 8))
        assert {"request", "response", "message"} <= unfiltered_types

        # Filter by type: only responses are left, the newest still first.
        page.get_by_label("Type").select_option("response")
        page.get_by_role("button", name="Apply").click()
        page.wait_for_url("**type=response**")
        assert set(column(page, 8)) == {"response"}
        response_endpoints = {k.endpoint for k in DEMO_KEYS if k.type == "response"}
        assert set(column(page, 7)) <= response_endpoints
        expect(rows.first).to_contain_text(NEWEST.errors[0])
        newest_page_last = column(page, 1)[-1]

        # Older: the next page continues after the last row, still only responses.
        page.get_by_role("link", name="Older").click()
        page.wait_for_url("**before=**")
        assert set(column(page, 8)) == {"response"}
        assert column(page, 1)[0] <= newest_page_last

        # The 7-day window: 6-hour buckets, and the endpoint seen only days ago.
        page.get_by_role("link", name="Last 7 days").click()
        page.wait_for_url("**window=7d**")
        expect(page.get_by_role("link", name="Last 7 days")).to_have_attribute(
            "aria-current", "page"
        )
        assert set(series(page)) == {k.label for k in DEMO_KEYS} | {NEWEST.label}
        assert points_per_series(page) == {28}
        expect(page.locator("#trends h2")).to_contain_text("per 6 hours")
        assert set(column(page, 8)) == {"response"}  # the filter stays

        shot = tmp_path / "dashboard-7d.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
