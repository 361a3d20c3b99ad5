"""The validator agrees with openapi-core, an independent OpenAPI 3.0 reader, where the
specification leaves no room: nullable without a type, ``1.0`` for an integer, empty
query values, a ``null`` body, nullable enums. Every value below is tried in every
property of a small document, and both must give the same verdict.

(Where they differ on purpose, this validator is the stricter reader of the formats: see
docs/contract-testing.md; the small document here has no formats.)
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from test_contract import small_document
from videoplanet_client.contract import NO_BODY, SchemaValidator

openapi_core = pytest.importorskip("openapi_core")  # a dev dependency of the repository
from openapi_core.testing import MockRequest  # noqa: E402
from werkzeug.datastructures import ImmutableMultiDict  # noqa: E402

DOCUMENT = small_document()
DOCUMENT["paths"]["/things"]["post"]["requestBody"]["required"] = True
OURS = SchemaValidator(DOCUMENT)
CORE = openapi_core.OpenAPI.from_dict(DOCUMENT)
VALUES: list[Any] = [
    None,
    0,
    1,
    1.0,
    1.5,
    -2.0,
    "",
    "1",
    "low",
    "mid",
    True,
    [],
    {},
    {"x": 1},
    {"x": 1.0},
]
PROPERTIES = ("count", "size", "part", "level")


def core_accepts(
    method: str, query: list[tuple[str, str]] | None = None, raw: str | None = None
) -> bool:
    request = MockRequest(
        "http://videoplanet.test",
        method,
        "/things",
        args=ImmutableMultiDict(query or []),
        data=raw,
        content_type="application/json",
    )
    try:
        CORE.validate_request(request)
    except Exception:  # openapi-core raises one of many error classes: any is a "no"
        return False
    return True


@pytest.mark.parametrize(("name", "value"), list(itertools.product(PROPERTIES, VALUES)))
def test_every_value_in_every_property_gets_the_same_verdict(name: str, value: Any) -> None:
    body = {name: value}
    ours = OURS.validate_request("/things", "POST", body).valid
    assert ours == core_accepts("post", raw=json.dumps(body)), (body, ours)


@pytest.mark.parametrize(
    ("raw", "body"), [("null", None), ("{}", {}), ("[]", []), ("1.0", 1.0), ('""', "")]
)
def test_bodies_that_are_not_objects_get_the_same_verdict(raw: str, body: Any) -> None:
    assert OURS.validate_request("/things", "POST", body).valid == core_accepts("post", raw=raw)
    assert not OURS.validate_request("/things", "POST", NO_BODY).valid  # required here


@pytest.mark.parametrize("value", ["", "a", " "])
@pytest.mark.parametrize("name", ["name", "tag"])
def test_query_values_get_the_same_verdict(name: str, value: str) -> None:
    ours = OURS.validate_request("/things", "GET", query={name: [value]}).valid
    assert ours == core_accepts("get", query=[(name, value)]), (name, value, ours)
