"""Property-based: no generated input, valid or not, makes any operation answer 500.

Schemathesis generates requests from the served OpenAPI document (positive and
negative data) and sends them to the WSGI app with a real token. Only the
not-a-server-error check runs here; the full conformance suite runs against a live
provider in the contract tests.

Hypothesis generates hostile JSON text besides (deep nesting, lone surrogates, numbers
no double holds, NaN and Infinity, control characters, bodies over the limit) for
every operation that takes JSON, in every contract-validation mode.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.hostile import MODES, Caller, assert_envelope, json_operations

if TYPE_CHECKING:
    from conftest import World

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
def token(world: World, _keep_test_connection: None) -> str:
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


# -- hostile JSON, generated -----------------------------------------------------------------
#
# Text Python's json module would take, or choke on, but that is no JSON a field can use:
# each is 400 malformed_json on every JSON operation, in every contract-validation mode.

_deep = st.integers(min_value=1025, max_value=100_000).flatmap(
    lambda depth: st.sampled_from(["[" * depth + "]" * depth, '{"a":' * depth + "0" + "}" * depth])
)
_surrogate = st.builds(
    lambda prefix, code, suffix: (
        json.dumps(prefix)[:-1] + f"\\u{code:04x}" + json.dumps(suffix)[1:]
    ),
    st.text(max_size=5),
    st.integers(min_value=0xD800, max_value=0xDFFF),
    st.text(alphabet=st.characters(max_codepoint=0x7F, exclude_characters="\\"), max_size=5),
)
_huge_number = st.builds(
    lambda sign, digits, fraction: sign + digits + fraction,
    st.sampled_from(["", "-"]),
    st.integers(min_value=309, max_value=6000).map(lambda n: "9" * n),
    st.sampled_from(["", ".5", "e10"]),
)
_not_a_number = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
_raw_control = st.builds(
    lambda char, text: json.dumps(text)[:-1] + char + '"',
    st.sampled_from(["\x00", "\x01", "\n", "\x1f"]),
    st.text(max_size=5),
)


def _in_a_field(value: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The raw value alone, as a field's value, or as an item of a list field."""
    names = st.sampled_from(["content", "timestamp", "coordinates", "limit", "email", "x"])
    return st.one_of(
        value,
        st.builds(lambda name, raw: f'{{"{name}": {raw}}}', names, value),
        st.builds(lambda name, raw: f'{{"{name}": [1, {raw}]}}', names, value),
    )


MALFORMED = st.one_of(
    _deep,
    _in_a_field(_surrogate),
    _in_a_field(_huge_number),
    _in_a_field(_not_a_number),
    _in_a_field(_raw_control),
)
# JSON, but hostile to what reads it: each is a 4xx in the envelope, never a 500.
_long_integer = st.integers(min_value=19, max_value=308).map(lambda n: "7" * n)
_nul = st.text(max_size=5).map(lambda text: json.dumps(text + "\x00" + text))
HOSTILE_BUT_JSON = _in_a_field(st.one_of(_long_integer, _nul))


@pytest.fixture
def caller(world: World, _keep_test_connection: None) -> Caller:
    return Caller(world)


def _send(caller: Caller, operation: tuple[str, str], mode: str, body: str) -> Any:
    method, template = operation
    client = Client()
    with override_settings(CONTRACT_VALIDATION=mode):
        return client.generic(
            method,
            caller.path(template),
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {caller.credentials(template)}",
        )


_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@_FUZZ
@given(
    operation=st.sampled_from(json_operations()),
    mode=st.sampled_from(MODES),
    body=MALFORMED,
)
@pytest.mark.django_db
def test_json_no_field_can_use_is_malformed_json(
    caller: Caller, operation: tuple[str, str], mode: str, body: str
) -> None:
    assert_envelope(_send(caller, operation, mode, body), 400, {"malformed_json"})


@_FUZZ
@given(
    operation=st.sampled_from(json_operations()),
    mode=st.sampled_from(MODES),
    body=HOSTILE_BUT_JSON,
)
@pytest.mark.django_db
def test_long_integers_and_nul_characters_are_never_a_server_error(
    caller: Caller, operation: tuple[str, str], mode: str, body: str
) -> None:
    response = _send(caller, operation, mode, body)
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "details"}


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    operation=st.sampled_from(json_operations()),
    mode=st.sampled_from(MODES),
    extra=st.integers(min_value=1, max_value=2 * 1024 * 1024),
)
@pytest.mark.django_db
def test_a_body_over_the_limit_is_a_413(
    caller: Caller, operation: tuple[str, str], mode: str, extra: int
) -> None:
    size = django_settings.MAX_REQUEST_BODY_BYTES + extra
    body = '{"content": "' + "x" * (size - 15) + '"}'
    assert_envelope(_send(caller, operation, mode, body), 413, {"request_too_large"})
