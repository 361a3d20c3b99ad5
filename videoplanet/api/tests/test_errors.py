"""Errors outside DRF views still use the envelope."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.mark.django_db
@pytest.mark.contract_unchecked("a request the server refuses before routing has no operation")
def test_disallowed_host_gets_the_envelope(anon: Any) -> None:
    response = anon.get("/api/v1/me", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.contract_unchecked("no operation lives at an unknown path")
def test_unknown_api_path_gets_the_envelope(anon: Any) -> None:
    response = anon.get("/api/v2/anything")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "No API endpoint at /api/v2/anything.",
        "details": {},
    }
