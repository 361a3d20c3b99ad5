"""Signing in cannot be guessed at scale: limits per client address (which a client
cannot choose), per account whatever the address, on sign-up, the link and the admin's
login page, shared by every server process through the cache."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from rest_framework.throttling import ScopedRateThrottle

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "correct-horse-battery"  # UserFactory's


@pytest.fixture
def three_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})


def sign_in(client: Any, email: str, password: str = "wrong", **extra: str) -> Any:
    return client.post(
        "/api/v1/auth/token", {"email": email, "password": password}, format="json", **extra
    )


def test_sign_in_is_rate_limited_per_address(anon: Any, three_per_address: None) -> None:
    statuses = [sign_in(anon, f"nobody{i}@example.com").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = sign_in(anon, "nobody@example.com")
    assert limited.json()["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0


def test_a_forged_x_forwarded_for_does_not_reset_the_limit(
    anon: Any, three_per_address: None
) -> None:
    statuses = [
        sign_in(anon, "nobody@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]


def test_behind_a_proxy_the_client_is_the_address_the_proxy_saw(
    anon: Any, three_per_address: None, settings: Any
) -> None:
    """NUM_PROXIES=1: the last X-Forwarded-For entry (added by our proxy) is the client;
    whatever the client put before it is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    forged = [
        sign_in(anon, "a@example.com", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}, 198.51.100.7")
        for i in range(4)
    ]
    assert [r.status_code for r in forged] == [401, 401, 401, 429]
    other_client = sign_in(anon, "a@example.com", HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other_client.status_code == 401


def test_failed_sign_ins_on_one_account_are_limited_whatever_the_address(
    anon: Any, settings: Any
) -> None:
    settings.SIGN_IN_FAILURE_RATE = "3/hour"
    user = UserFactory(email="target@example.com")
    failures = [
        sign_in(anon, "Target@Example.com ", REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(3)
    ]
    assert failures == [401, 401, 401]

    right_password = sign_in(anon, user.email, PASSWORD, REMOTE_ADDR="192.0.2.99")
    assert right_password.status_code == 429
    assert right_password.json()["code"] == "rate_limited"
    assert int(right_password["Retry-After"]) > 0
    assert sign_in(anon, "someone-else@example.com", REMOTE_ADDR="192.0.2.98").status_code == 401


def test_a_successful_sign_in_does_not_reset_the_failures(anon: Any, settings: Any) -> None:
    settings.SIGN_IN_FAILURE_RATE = "3/hour"
    user = UserFactory(email="target@example.com")
    assert sign_in(anon, user.email).status_code == 401
    assert sign_in(anon, user.email).status_code == 401
    assert sign_in(anon, user.email, PASSWORD).status_code == 200
    assert sign_in(anon, user.email).status_code == 401
    assert sign_in(anon, user.email, PASSWORD).status_code == 429


def test_sign_up_is_limited_per_address_and_per_email(
    anon: Any, settings: Any, three_per_address: None
) -> None:
    settings.SIGN_UP_EMAIL_RATE = "2/hour"
    body = {"name": "Ada", "email": "ada@example.com", "password": "a-long-passphrase-1"}
    statuses = [
        anon.post(
            "/api/v1/auth/register", body, format="json", REMOTE_ADDR=f"192.0.2.{i}"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]
    assert len(mail.outbox) == 2

    other = {**body, "email": "grace@example.com"}
    per_address = [
        anon.post("/api/v1/auth/register", other, format="json").status_code for _ in range(4)
    ]
    assert per_address == [202, 202, 429, 429]  # the 2/hour on this email comes first


def test_the_verification_link_is_rate_limited(anon: Any, three_per_address: None) -> None:
    statuses = [
        anon.post(
            "/api/v1/auth/verify", {"key": f"guess-{i}", "password": "x"}, format="json"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [400, 400, 400, 429]


def admin_sign_in(client: Client, email: str, password: str = "wrong", **extra: str) -> Any:
    return client.post(
        "/admin/login/?next=/admin/", {"username": email, "password": password}, **extra
    )


def test_the_admin_login_is_rate_limited_per_address(three_per_address: None) -> None:
    client = Client()
    statuses = [
        admin_sign_in(
            client, "staff@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}"
        ).status_code
        for i in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert int(admin_sign_in(client, "staff@example.com")["Retry-After"]) > 0
    assert client.get("/admin/login/").status_code == 200  # the page itself still shows


def test_the_admin_login_counts_failures_per_account(settings: Any) -> None:
    settings.SIGN_IN_FAILURE_RATE = "2/hour"
    staff = UserFactory(email="staff@example.com", is_staff=True)
    client = Client()
    assert admin_sign_in(client, staff.email, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert admin_sign_in(client, staff.email, REMOTE_ADDR="192.0.2.2").status_code == 200
    assert admin_sign_in(client, staff.email, PASSWORD, REMOTE_ADDR="192.0.2.3").status_code == 429
    # ... and the API's sign-in counts the same failures.
    api = Client()
    response = api.post(
        "/api/v1/auth/token",
        {"email": staff.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 429


def test_a_staff_member_signs_in_to_the_admin() -> None:
    staff = UserFactory(email="staff@example.com", is_staff=True)
    response = admin_sign_in(Client(), staff.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


REDIS_URL = os.environ.get("REDIS_URL_FOR_TESTS", "redis://127.0.0.1:6379/0")

OTHER_PROCESS = """
import os, sys
import django
django.setup()
from django.test.utils import override_settings
with override_settings(CACHES={"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": sys.argv[1], "KEY_PREFIX": sys.argv[2]}},
        SIGN_IN_FAILURE_RATE="3/hour"):
    from videoplanet.accounts.throttling import sign_in_failures
    sign_in_failures.hit(sys.argv[3])
"""


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield prefix
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_server_processes_share_the_limit_through_redis(
    anon: Any, settings: Any, redis_cache: str
) -> None:
    settings.SIGN_IN_FAILURE_RATE = "3/hour"
    user = UserFactory(email="target@example.com")
    assert sign_in(anon, user.email).status_code == 401
    assert sign_in(anon, user.email).status_code == 401

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, REDIS_URL, redis_cache, str(user.email)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )

    assert sign_in(anon, user.email, PASSWORD).status_code == 429
