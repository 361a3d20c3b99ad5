"""Tokens have a lifecycle: listed, revoked one by one or by signing out, and expired
after API_TOKEN_IDLE_DAYS without use, for the REST API and the live rooms alike."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from videoplanet.accounts.authentication import user_for_token
from videoplanet.accounts.models import ApiToken
from videoplanet.accounts.services import token_issue

pytestmark = pytest.mark.django_db


def bearer(client: Any, key: str) -> Any:
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_signing_out_revokes_the_token_used(client_factory: Any) -> None:
    user = UserFactory()
    used, other = token_issue(user=user), token_issue(user=user)
    client = bearer(client_factory(None), used)

    assert client.delete("/api/v1/auth/token").status_code == 204

    refused = client.get("/api/v1/me")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert bearer(client_factory(None), other).get("/api/v1/me").status_code == 200


def test_signing_out_needs_a_token(anon: Any) -> None:
    response = anon.delete("/api/v1/auth/token")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_token_list_shows_the_callers_tokens_without_secrets(client_factory: Any) -> None:
    user = UserFactory()
    token_issue(user=user, name="laptop")
    current = token_issue(user=user, name="phone")
    token_issue(user=UserFactory(), name="someone else's")

    response = bearer(client_factory(None), current).get("/api/v1/auth/tokens")

    assert response.status_code == 200
    listed = response.json()
    assert [(t["name"], t["current"]) for t in listed] == [("phone", True), ("laptop", False)]
    assert set(listed[0]) == {"id", "name", "created_at", "last_used_at", "expires_at", "current"}
    assert listed[0]["last_used_at"] is not None  # this very request
    assert listed[1]["last_used_at"] is None
    assert current not in response.content.decode()
    stored = ApiToken.objects.get(name="phone")
    assert stored.digest not in response.content.decode()


def test_revoking_one_token(client_factory: Any) -> None:
    user = UserFactory()
    laptop = token_issue(user=user, name="laptop")
    client = bearer(client_factory(None), token_issue(user=user, name="phone"))
    laptop_id = ApiToken.objects.get(name="laptop").pk

    assert client.delete(f"/api/v1/auth/tokens/{laptop_id}").status_code == 204

    assert bearer(client_factory(None), laptop).get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 200


def test_another_users_token_is_not_found(client_factory: Any) -> None:
    theirs = token_issue(user=UserFactory())
    their_id = ApiToken.objects.get().pk
    client = client_factory(UserFactory())

    response = client.delete(f"/api/v1/auth/tokens/{their_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert bearer(client_factory(None), theirs).get("/api/v1/me").status_code == 200


def _last_used(ago: timedelta) -> None:
    ApiToken.objects.update(
        created_at=timezone.now() - ago - timedelta(days=1), last_used_at=timezone.now() - ago
    )


def test_a_token_idle_for_too_long_stops_working(client_factory: Any, settings: Any) -> None:
    settings.API_TOKEN_IDLE_DAYS = 30
    key = token_issue(user=UserFactory())
    _last_used(timedelta(days=30, minutes=1))

    response = bearer(client_factory(None), key).get("/api/v1/me")

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.exists()


def test_a_token_used_within_the_idle_time_keeps_working(client_factory: Any) -> None:
    key = token_issue(user=UserFactory())
    _last_used(timedelta(days=29))
    client = bearer(client_factory(None), key)
    assert client.get("/api/v1/me").status_code == 200
    listed = client.get("/api/v1/auth/tokens").json()[0]
    assert timezone.now() + timedelta(days=29) < datetime.fromisoformat(listed["expires_at"])


def test_a_never_used_token_expires_from_when_it_was_issued(settings: Any) -> None:
    settings.API_TOKEN_IDLE_DAYS = 1
    key = token_issue(user=UserFactory())
    ApiToken.objects.update(created_at=timezone.now() - timedelta(days=2))
    assert user_for_token(key) is None


def test_last_use_is_written_at_most_once_a_minute(
    client_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = token_issue(user=UserFactory())
    client = bearer(client_factory(None), key)
    start = timezone.now()
    clock = {"now": start}
    monkeypatch.setattr("videoplanet.accounts.authentication.timezone.now", lambda: clock["now"])

    client.get("/api/v1/me")
    clock["now"] = start + timedelta(seconds=50)
    client.get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at == start

    clock["now"] = start + timedelta(seconds=61)
    client.get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


def test_live_rooms_see_the_same_expiry(settings: Any) -> None:
    """The live rooms authenticate a token the way the REST API does (user_for_key)."""
    from videoplanet.realtime.auth import user_for_key as rooms_user_for_token

    settings.API_TOKEN_IDLE_DAYS = 30
    key = token_issue(user=UserFactory())
    assert rooms_user_for_token(key) is not None
    _last_used(timedelta(days=31))
    assert rooms_user_for_token(key) is None


def test_a_request_within_the_minute_costs_one_query_to_authenticate(
    client_factory: Any, django_assert_num_queries: Any
) -> None:
    """The token lookup runs on every request: no write unless a minute has passed."""
    client = client_factory(UserFactory())
    client.get("/api/v1/me")  # records the first use
    with django_assert_num_queries(1):
        assert client.get("/api/v1/me").status_code == 200
