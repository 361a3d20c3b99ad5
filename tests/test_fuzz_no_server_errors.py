"""Property-based: no generated input, valid or not, makes any operation answer 500.

Schemathesis generates requests from the served OpenAPI document (positive and
negative data) and sends them to the WSGI app with a real token. Only the
not-a-server-error check runs here; the full conformance suite runs against a live
provider in the contract tests.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def token(world: Any) -> str:
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
