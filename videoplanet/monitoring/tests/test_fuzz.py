"""Property-based: no generated report or query makes the monitoring API answer 500.

Like tests/test_fuzz_no_server_errors.py, but with credentials that get past
authentication (a reporter token for the intake, a staff token for the reads), so the
generated bodies and parameters reach validation and storage.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.factories import UserFactory
from videoplanet.accounts.services import token_issue
from videoplanet.monitoring.services import reporter_issue

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex="^/api/monitoring/"
)


@pytest.fixture
def tokens(db: None) -> Iterator[dict[str, str]]:
    """The raw WSGI handler closes DB connections after each request, which would end the
    test's transaction; Django's own test client disconnects these signals the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {
        "POST": reporter_issue(name="fuzzer")[1],
        "GET": token_issue(user=UserFactory(is_staff=True)),
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_input_causes_a_server_error(case: Any, tokens: dict[str, str]) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens[case.operation.method.upper()]}"},
        checks=[not_a_server_error],
    )
