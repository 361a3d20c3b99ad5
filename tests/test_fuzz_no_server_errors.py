"""Property-based: no generated input, valid or not, makes any operation answer 500.

Schemathesis generates requests from the served OpenAPI document (positive and
negative data) and sends them to the WSGI app with a real token. Only the
not-a-server-error check runs here; the full conformance suite runs against a live
provider in the contract tests.
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

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """The raw WSGI handler closes DB connections after each request, which would end the
    test's transaction; Django's own test client disconnects these signals the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world: Any, _keep_test_connection: None) -> str:
    from videoplanet.accounts.services import token_issue

    return token_issue(user=world.owner)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.django_db
def test_no_input_causes_a_server_error(case: Any, token: str) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error]
    )
