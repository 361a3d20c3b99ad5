"""Reporters, staff, and reports in the format the SDK's ContractMonitor sends."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from videoplanet.monitoring.models import Reporter, Violation
from videoplanet.monitoring.services import reporter_issue, violations_add
from videoplanet.monitoring.sightings import sightings
from videoplanet.monitoring.usage import usage

URL = "/api/monitoring/contract-violations"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry(
    *,
    endpoint: str = "/api/v1/feedbacks",
    method: str = "POST",
    type: str = "request",
    direction: str = "outgoing",
    count: int = 12,
    first_seen: datetime | None = None,
    last_seen: datetime | None = None,
    errors: list[str] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """One report entry; the defaults are docs/contract-testing.md §6.1's example."""
    last_seen = last_seen or timezone.now() - timedelta(minutes=1)
    first_seen = first_seen or last_seen - timedelta(seconds=57)
    errors = (
        ["$.priority: must be one of low, medium, high, critical"] if errors is None else errors
    )
    return {
        "key": f"{method}:{endpoint}:{type}",
        "endpoint": endpoint,
        "method": method,
        "type": type,
        "direction": direction,
        "count": count,
        "firstSeen": iso(first_seen),
        "lastSeen": iso(last_seen),
        "uniqueErrors": len(set(errors)),
        "errors": errors,
        **overrides,
    }


def report(*entries: dict[str, Any], dropped: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"timestamp": iso(timezone.now()), "violations": list(entries)}
    if dropped is not None:
        body["dropped"] = dropped
    return body


def violation(**fields: Any) -> Violation:
    """A stored violation row with its hourly sum (bypassing the intake's parsing and
    totals), for selector tests."""
    last_seen = fields.pop("last_seen", timezone.now())
    defaults: dict[str, Any] = {
        "source": "VideoPlanet-Frontend",
        "method": "POST",
        "endpoint": "/api/v1/feedbacks",
        "type": "request",
        "direction": "outgoing",
        "count": 1,
        "first_seen": last_seen,
        "last_seen": last_seen,
        "unique_errors": 1,
        "errors": ["$.priority: must be one of low, medium, high, critical"],
        "received_at": last_seen,
    }
    [row] = violations_add(rows=[Violation(**{**defaults, **fields})])
    return row


@pytest.fixture(autouse=True)
def _no_pending_sightings() -> Iterator[None]:
    sightings.clear()
    usage.clear()
    yield
    sightings.clear()
    usage.clear()


@pytest.fixture
def reporter_token(db: None) -> str:
    return reporter_issue(name="VideoPlanet-Frontend")[1]


@pytest.fixture
def reporter(reporter_token: str) -> Reporter:
    return Reporter.objects.get(name="VideoPlanet-Frontend")


@pytest.fixture
def as_reporter(reporter_token: str, client_factory: Callable[[Any], Any]) -> Any:
    client = client_factory(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {reporter_token}")
    return client


@pytest.fixture
def staff(db: None) -> Any:
    return UserFactory(is_staff=True)


@pytest.fixture
def as_staff(staff: Any, as_user: Callable[[Any], Any]) -> Any:
    return as_user(staff)


SCRAPER_TOKEN = "test-scraper-token"


@pytest.fixture
def scraper(settings: Any, client_factory: Callable[[Any], Any]) -> Any:
    """A Prometheus scraper: ``METRICS_TOKEN`` is set and this client sends it."""
    settings.METRICS_TOKEN = SCRAPER_TOKEN
    client = client_factory(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {SCRAPER_TOKEN}")
    return client
