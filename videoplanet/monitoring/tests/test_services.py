"""Storing reports (also the server's own), concurrent totals, pruning, reporter tokens."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta
from datetime import timezone as timezone_offset
from typing import Any
from unittest.mock import patch

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from videoplanet.api.errors import ValidationFailed
from videoplanet.monitoring import services
from videoplanet.monitoring.models import (
    DroppedTotal,
    Reporter,
    Violation,
    ViolationHour,
    ViolationTotal,
)
from videoplanet.monitoring.selectors import reporter_for_token
from videoplanet.monitoring.services import reporter_issue, violations_prune, violations_store

from .conftest import entry, report, violation

pytestmark = pytest.mark.django_db


def test_the_server_stores_its_own_violations_in_the_same_format() -> None:
    body = report(
        entry(endpoint="/api/v1/feedbacks", direction="incoming", count=2),
        entry(endpoint="user.left", method="WS", type="message", direction="outgoing"),
    )
    assert violations_store(source="server", report=body) == 2
    assert set(Violation.objects.values_list("source", "direction")) == {
        ("server", "incoming"),
        ("server", "outgoing"),
    }
    assert ViolationTotal.objects.get(method="POST").source == "server"


def test_an_invalid_report_raises_with_field_details_and_writes_nothing() -> None:
    with pytest.raises(ValidationFailed) as raised:
        violations_store(source="server", report=report(entry(), entry(count=0)))
    assert list(raised.value.details) == ["violations.1.count"]
    assert not Violation.objects.exists()


def test_a_failure_after_the_rows_are_written_rolls_the_whole_report_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_add_counts", broken)
    with pytest.raises(RuntimeError):
        violations_store(source="server", report=report(entry(), entry(count=3)))
    assert not Violation.objects.exists()


def test_many_keys_are_upserted_in_batches() -> None:
    at = timezone.now()

    def row(i: int) -> Violation:
        return Violation(
            source="server", method="GET", endpoint=f"/api/v1/x{i}", type="request",
            direction="incoming", count=i + 1, first_seen=at, last_seen=at,
            unique_errors=0, errors=[], received_at=at,
        )  # fmt: skip

    for _ in range(2):
        services.violations_add(rows=[row(i) for i in range(450)])  # 3 upsert statements
    assert ViolationHour.objects.count() == 450
    assert ViolationHour.objects.get(endpoint="/api/v1/x449").count == 900


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_lose_no_increment() -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is tested on PostgreSQL (make test)")
    writers = 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []
    a = entry(endpoint="/api/v1/feedbacks", count=3)
    b = entry(endpoint="/api/v1/comments", count=5)

    def send(index: int) -> None:
        try:
            # Half the writers list the keys the other way round: no deadlock either.
            body = report(a, b, dropped=1) if index % 2 else report(b, a, dropped=1)
            barrier.wait()
            violations_store(source="VideoPlanet-Frontend", report=body)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    totals = dict(ViolationTotal.objects.values_list("endpoint", "count"))
    assert totals == {"/api/v1/feedbacks": 3 * writers, "/api/v1/comments": 5 * writers}
    assert DroppedTotal.objects.get().count == writers
    assert Violation.objects.count() == 2 * writers


# -- pruning -------------------------------------------------------------------------------


def test_prune_deletes_only_what_is_older_and_keeps_the_totals(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "PRUNE_BATCH", 2)  # several batches
    now = timezone.now()
    old = [violation(last_seen=now - timedelta(days=31 + i)) for i in range(5)]
    kept = violation(last_seen=now - timedelta(days=29))
    violations_store(source="server", report=report(entry()))
    assert violations_prune(older_than=now - timedelta(days=30)) == len(old)
    assert set(Violation.objects.values_list("pk", flat=True)) == {
        kept.pk,
        *Violation.objects.filter(source="server").values_list("pk", flat=True),
    }
    assert ViolationTotal.objects.get().count == 12


def test_prune_drops_the_totals_of_keys_and_sources_not_reported_since() -> None:
    now = timezone.now()
    with patch.object(services.timezone, "now", return_value=now - timedelta(days=40)):
        violations_store(source="Gone", report=report(entry(), dropped=2))
        violations_store(source="server", report=report(entry(endpoint="/api/v1/me",
                         method="GET", type="response")))  # fmt: skip
    violations_store(source="server", report=report(entry(), dropped=1))
    assert ViolationTotal.objects.count() == 3
    violations_prune(older_than=now - timedelta(days=30))
    totals = {(t.source, t.endpoint, t.count) for t in ViolationTotal.objects.all()}
    assert totals == {("server", "/api/v1/feedbacks", 12)}
    assert list(DroppedTotal.objects.values_list("source", "count")) == [("server", 1)]


def test_a_total_reported_again_stays_and_keeps_its_count() -> None:
    now = timezone.now()
    with patch.object(services.timezone, "now", return_value=now - timedelta(days=40)):
        violations_store(source="server", report=report(entry(count=5)))
    violations_store(source="server", report=report(entry(count=2)))
    violations_prune(older_than=now - timedelta(days=30))
    assert ViolationTotal.objects.get().count == 7


def test_the_prune_command_uses_the_retention_setting(settings: Any) -> None:
    settings.MONITORING_RETENTION_DAYS = 7
    now = timezone.now()
    violation(last_seen=now - timedelta(days=8))
    recent = violation(last_seen=now - timedelta(days=6))
    out = io.StringIO()
    call_command("monitoring_prune", stdout=out)
    assert "Deleted 1 violations" in out.getvalue()
    assert list(Violation.objects.values_list("pk", flat=True)) == [recent.pk]
    call_command("monitoring_prune", "--days", "5", stdout=out)
    assert not Violation.objects.exists()
    with pytest.raises(CommandError):
        call_command("monitoring_prune", "--days", "0")


# -- reporters -----------------------------------------------------------------------------


def test_the_reporter_command_prints_a_token_that_authenticates_it() -> None:
    out = io.StringIO()
    call_command("monitoring_reporter", "VideoPlanet-Frontend", stdout=out, stderr=io.StringIO())
    token = out.getvalue().strip()
    assert token.startswith("vpr_")
    reporter = Reporter.objects.get(name="VideoPlanet-Frontend")
    assert reporter_for_token(token) == reporter
    assert token not in reporter.digest  # only the digest is stored
    assert len(reporter.digest) == 64


def test_rotating_a_token_revokes_the_old_one_and_reactivates_the_reporter() -> None:
    reporter, old, created = reporter_issue(name="VideoPlanet-Frontend")
    assert created
    reporter.is_active = False
    reporter.save()
    assert reporter_for_token(old) is None
    again, new, created = reporter_issue(name="VideoPlanet-Frontend")
    assert (again.pk, created) == (reporter.pk, False)
    assert reporter_for_token(old) is None
    assert reporter_for_token(new) == reporter
    assert Reporter.objects.count() == 1


@pytest.mark.parametrize("name", ["server", "", "x" * 101])
def test_a_reporter_cannot_take_the_servers_name_or_a_bad_one(name: str) -> None:
    with pytest.raises(CommandError):
        call_command("monitoring_reporter", name, stdout=io.StringIO(), stderr=io.StringIO())
    assert not Reporter.objects.exists()


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def test_reports_add_up_per_clock_hour_in_utc() -> None:
    hour = _hour(timezone.now()) - timedelta(hours=3)
    india = timezone_offset(timedelta(hours=5, minutes=30))
    late = (hour + timedelta(minutes=50)).astimezone(india).isoformat()
    violations_store(
        source="server",
        report=report(
            entry(count=2, last_seen=hour + timedelta(minutes=5)),
            entry(count=3, firstSeen=late, lastSeen=late),  # the same UTC hour, other offset
            entry(count=4, last_seen=hour + timedelta(hours=1)),
            entry(endpoint="user.left", method="WS", type="message", last_seen=hour),
        ),
    )
    violations_store(source="VideoPlanet-Frontend", report=report(entry(count=10, last_seen=hour)))
    sums = {(h.hour, h.method, h.endpoint): h.count for h in ViolationHour.objects.all()}
    assert sums == {
        (hour, "POST", "/api/v1/feedbacks"): 15,
        (hour + timedelta(hours=1), "POST", "/api/v1/feedbacks"): 4,
        (hour, "WS", "user.left"): 12,
    }


def test_prune_drops_the_hourly_sums_of_the_hours_that_ended() -> None:
    cutoff = _hour(timezone.now() - timedelta(days=30)) + timedelta(minutes=30)
    violation(last_seen=cutoff - timedelta(hours=2), count=1)
    violation(last_seen=cutoff - timedelta(minutes=10), count=2)  # its hour straddles the cut
    kept = violation(last_seen=cutoff + timedelta(minutes=10), count=4)
    assert violations_prune(older_than=cutoff) == 2
    assert list(Violation.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(ViolationHour.objects.values_list("hour", "count")) == [(_hour(cutoff), 6)]
