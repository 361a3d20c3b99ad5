"""manage.py monitoring_demo: a week of demo data for the dashboard, only into an empty database."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from videoplanet.monitoring.management.commands.monitoring_demo import (
    DEMO_KEYS,
    FAILED_INTERACTION,
    NEWEST,
    NOT_SEEN,
)
from videoplanet.monitoring.models import Reporter, Violation, ViolationTotal
from videoplanet.monitoring.selectors import coverage_matrix

from .conftest import violation

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_file(tmp_path: Path, settings: Any) -> Path:
    path = tmp_path / "pact-verification.json"
    settings.PACT_VERIFICATION_REPORT = path
    return path


def test_a_week_of_violations_sightings_and_a_verification(report_file: Path) -> None:
    out = io.StringIO()
    call_command("monitoring_demo", stdout=out)

    assert "Stored" in out.getvalue()
    assert set(Reporter.objects.values_list("name", flat=True)) == {
        "VideoPlanet-Frontend",
        "VideoPlanet-Mobile",
    }
    newest = Violation.objects.order_by("-last_seen", "-id").first()
    assert newest is not None
    assert (newest.source, newest.method, newest.endpoint, newest.type, newest.errors) == (
        NEWEST.source, NEWEST.method, NEWEST.endpoint, NEWEST.type, list(NEWEST.errors),
    )  # fmt: skip
    stored = set(Violation.objects.values_list("method", "endpoint").distinct())
    assert stored == {(k.method, k.endpoint) for k in DEMO_KEYS}
    assert ViolationTotal.objects.exists()  # through the intake's service, totals included

    rows = {(r.method, r.endpoint): r for r in coverage_matrix(window=timedelta(hours=24))}
    assert rows[("POST", "/api/v1/feedbacks")].status == "red"
    assert rows[("GET", "/api/v1/me")].status == "green"
    assert rows[("GET", "/api/v1/projects")].status == "green"  # its violations are older
    assert rows[("DELETE", "/api/v1/comments/{comment_id}/reactions/{emoji}")].verification == (
        "failed"
    )
    assert FAILED_INTERACTION in report_file.read_text()
    for key in NOT_SEEN:
        assert not rows[key].seen


def test_a_database_with_violations_is_left_alone(report_file: Path) -> None:
    violation()
    with pytest.raises(CommandError, match="already holds violations"):
        call_command("monitoring_demo", stdout=io.StringIO())
    assert Violation.objects.count() == 1
    assert not report_file.exists()
