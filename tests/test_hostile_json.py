"""Hostile JSON gets a 400 in the error envelope on every operation, never a 500.

Every operation of the committed OpenAPI document that takes a JSON body is sent JSON
nested 100 000 levels deep, lone UTF-16 surrogates, integers of hundreds of digits,
NaN and Infinity, raw NUL bytes; every numeric query parameter is sent numbers no
float holds. Each in every contract-validation mode, with the caller's credentials and
without them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import override_settings

from tests.hostile import MODES, Caller, assert_envelope, json_operations, needs_credentials
from videoplanet.contracts.validator import committed_validator

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

DIGITS = "9" * 400

HOSTILE_BODIES = {
    "nested arrays": "[" * 100_000 + "]" * 100_000,
    "nested objects": '{"a":' * 100_000 + "1" + "}" * 100_000,
    "a lone high surrogate": '{"content": "a\\ud800b"}',
    "a lone low surrogate": '{"content": "a\\udc00b"}',
    "a lone surrogate as a key": '{"a\\ud800": 1}',
    "a lone surrogate alone": '"\\udfff"',
    "an integer of 400 digits": '{"timestamp": ' + DIGITS + "}",
    "an integer of 5000 digits": '{"timestamp": ' + "1" * 5000 + "}",
    "a negative integer of 400 digits": '{"timestamp": -' + DIGITS + "}",
    "an exponent past any float": '{"timestamp": 1e400}',
    "NaN": '{"timestamp": NaN}',
    "Infinity": '{"timestamp": Infinity}',
    "-Infinity": '{"timestamp": -Infinity}',
    "a raw NUL byte": '{"content": "a\x00b"}',
    "bytes that are not UTF-8": b'{"content": "\xff\xfe"}',
}


@pytest.fixture
def caller(world: World) -> Caller:
    return Caller(world)


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> Iterator[str]:
    with override_settings(CONTRACT_VALIDATION=request.param):
        yield request.param


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_hostile_bodies_are_a_400_on_every_json_operation(
    name: str, mode: str, caller: Caller, client_factory: Callable[[Any], Any]
) -> None:
    body = HOSTILE_BODIES[name]
    for method, template in json_operations():
        for authenticated in (True, False):
            client = client_factory(None)
            if authenticated:
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.credentials(template)}")
            response = client.generic(
                method, caller.path(template), body, content_type="application/json"
            )
            if not authenticated and needs_credentials(method, template):
                assert_envelope(response, 401, {"not_authenticated"})
            else:
                assert_envelope(response, 400, {"malformed_json"})


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _with_raw(body: dict[str, Any], path: tuple[Any, ...], raw: str) -> str:
    """``body`` as JSON text with the value at ``path`` replaced by the raw text ``raw``."""
    marker = "\x01marker\x01"
    copy = json.loads(json.dumps(body))
    target = copy
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = marker
    return json.dumps(copy).replace(json.dumps(marker), raw)


def _valid_bodies(world: World, caller: Caller) -> dict[tuple[str, str], dict[str, Any]]:
    now = "2026-01-01T00:00:00Z"
    shape = {
        "type": "rectangle",
        "coordinates": [1, 2.5, 3, 4],
        "style": {"color": "#FF0000", "width": 2},
    }
    return {
        ("POST", "/api/v1/feedbacks"): {
            "video_id": str(world.video.id),
            "timestamp": 1.5,
            "timestamp_end": 2,
            "content": "Look here",
            "priority": "high",
            "drawing_data": {"shapes": [shape]},
        },
        ("PATCH", "/api/v1/feedbacks/{feedback_id}"): {"content": "c", "priority": "low"},
        ("POST", "/api/v1/videos"): {
            "project_id": str(world.project.id),
            "title": "Cut",
            "url": "https://example.com/v.mp4",
            "duration": 10,
        },
        ("POST", "/api/monitoring/contract-violations"): {
            "timestamp": now,
            "dropped": 1,
            "violations": [
                {
                    "key": "POST:/api/v1/feedbacks:request",
                    "endpoint": "/api/v1/feedbacks",
                    "method": "POST",
                    "type": "request",
                    "direction": "outgoing",
                    "count": 3,
                    "firstSeen": now,
                    "lastSeen": now,
                    "uniqueErrors": 1,
                    "errors": ["$.priority: expected string"],
                }
            ],
        },
    }


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        ('"a\\ud800b"', {"malformed_json"}),
        (DIGITS, {"malformed_json"}),
        ("-" + DIGITS, {"malformed_json"}),
        (DIGITS + ".5", {"malformed_json"}),
        ("NaN", {"malformed_json"}),
        ("Infinity", {"malformed_json"}),
        ('"a\\u0000b"', {"validation_error", "contract_violation"}),
    ],
    ids=["surrogate", "huge-int", "huge-negative-int", "huge-float", "nan", "inf", "nul"],
)
def test_a_hostile_value_in_any_field_is_a_400(
    raw: str, codes: set[str], mode: str, world: World, caller: Caller, anon: Any
) -> None:
    for (method, template), body in _valid_bodies(world, caller).items():
        anon.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.credentials(template)}")
        for path, _ in _leaves(body):
            response = anon.generic(
                method,
                caller.path(template),
                _with_raw(body, path, raw),
                content_type="application/json",
            )
            assert_envelope(response, 400, codes)
            if response.json()["code"] != "malformed_json":
                assert response.json()["details"], (template, path)


@pytest.mark.parametrize("digits", [30, 100, 300], ids=["30-digit", "100-digit", "300-digit"])
def test_a_long_integer_where_a_number_is_expected_is_refused_or_taken_never_a_500(
    digits: int, mode: str, world: World, caller: Caller, anon: Any
) -> None:
    """Integers too long for 64 bits but within a double's range are numbers like any
    other: a field with bounds refuses them with its details, one without takes them."""
    for (method, template), body in _valid_bodies(world, caller).items():
        anon.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.credentials(template)}")
        for path, value in _leaves(body):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                continue
            for sign in ("", "-"):
                response = anon.generic(
                    method,
                    caller.path(template),
                    _with_raw(body, path, sign + "7" * digits),
                    content_type="application/json",
                )
                assert response.status_code < 500, (template, path, response.content[:300])
                if response.status_code == 400:
                    assert response.json()["details"], (template, path)


def _numeric_query_parameters() -> list[tuple[str, str]]:
    document = committed_validator().document
    out = []
    for template, item in document["paths"].items():
        get = item.get("get")
        for parameter in (get or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] == "query" and schema.get("type") in ("integer", "number"):
                out.append((template, parameter["name"]))
    return out


@pytest.mark.parametrize(
    "value", [DIGITS, "-" + DIGITS, "1" * 5000, "1e400", "NaN", "inf", "-Infinity", "1%00"]
)
def test_a_number_no_float_holds_in_a_query_parameter_is_a_400(
    value: str, mode: str, world: World, caller: Caller, anon: Any
) -> None:
    required = {"/api/v1/feedbacks": f"video_id={world.video.id}&"}
    for template, name in _numeric_query_parameters():
        token = caller.staff_token if template.startswith("/api/monitoring/") else None
        anon.credentials(HTTP_AUTHORIZATION=f"Bearer {token or caller.user_token}")
        url = f"{caller.path(template)}?{required.get(template, '')}{name}={value}"
        response = anon.get(url)
        assert_envelope(response, 400, {"validation_error", "contract_violation"})
        assert name in response.json()["details"], response.json()


def test_a_long_string_under_the_body_limit_is_a_400_and_over_it_a_413(
    mode: str, world: World, caller: Caller, anon: Any
) -> None:
    anon.credentials(HTTP_AUTHORIZATION=f"Bearer {caller.user_token}")
    limit = settings.MAX_REQUEST_BODY_BYTES
    body = {"video_id": str(world.video.id), "timestamp": 1, "priority": "high"}
    for size, status, codes in (
        (limit - 1000, 400, {"validation_error", "contract_violation"}),
        (10 * 1024 * 1024, 413, {"request_too_large"}),
    ):
        text = json.dumps({**body, "content": "x" * size})
        response = anon.post("/api/v1/feedbacks", text, content_type="application/json")
        assert_envelope(response, status, codes)
        if status == 400:
            assert "content" in response.json()["details"]
