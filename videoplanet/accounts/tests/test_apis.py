"""Sign-in, sign-up's input, bearer tokens."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import UserFactory
from videoplanet.accounts.models import ApiToken, token_digest

pytestmark = pytest.mark.django_db


def test_tokens_are_stored_hashed(anon: Any) -> None:
    UserFactory(email="bo@example.com")
    token = anon.post(
        "/api/v1/auth/token",
        {"email": "bo@example.com", "password": "correct-horse-battery"},
        format="json",
    ).json()["token"]
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(token)
    assert token not in stored.digest


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "A", "email": "new@example.com", "password": "123"}, "password"),
        ({"name": "A", "email": "not-an-email", "password": "a-long-passphrase-1"}, "email"),
        ({"name": 5, "email": "x@example.com", "password": "a-long-passphrase-1"}, "name"),
        ({"email": "x@example.com", "password": "a-long-passphrase-1"}, "name"),
    ],
)
def test_register_rejects(anon: Any, payload: Any, field: str) -> None:
    UserFactory(email="taken@example.com")
    response = anon.post("/api/v1/auth/register", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]


def test_wrong_password_is_401(anon: Any) -> None:
    UserFactory(email="cy@example.com")
    response = anon.post(
        "/api/v1/auth/token", {"email": "cy@example.com", "password": "nope"}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer not-a-real-token", "authentication_failed"),
        ("Bearer two words", "authentication_failed"),
        ("Token something", "not_authenticated"),
    ],
)
def test_me_needs_a_valid_bearer_token(client_factory: Any, header: str | None, code: str) -> None:
    client = client_factory(None)
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["code"] == code
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_inactive_users_tokens_stop_working(client_factory: Any) -> None:
    user = UserFactory()
    client = client_factory(user)
    assert client.get("/api/v1/me").status_code == 200
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me").status_code == 401
