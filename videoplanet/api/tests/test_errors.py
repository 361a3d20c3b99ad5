"""Errors outside DRF views still use the envelope."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient


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


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "patch", "delete"])
def test_unknown_api_path_gets_the_envelope_for_writes_too(method: str) -> None:
    """A path parameter that is not a UUID matches no route; a write there is a 404 in
    the envelope, not Django's HTML CSRF page."""
    client = APIClient(enforce_csrf_checks=True)
    response = getattr(client, method)("/api/v1/feedbacks/not-a-uuid", {}, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
