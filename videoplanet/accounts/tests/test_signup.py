"""Sign-up verifies that the address is the caller's: the account exists only once the
emailed link is followed, and the answer never tells whether an address has one."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import UserFactory
from videoplanet.accounts.models import ApiToken, SignupRequest, User

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-passphrase-1"


def sign_up(client: Any, email: str, name: str = "Ada", password: str = PASSWORD) -> Any:
    return client.post(
        "/api/v1/auth/register",
        {"name": name, "email": email, "password": password},
        format="json",
    )


def link_key(message: mail.EmailMessage) -> str:
    match = re.search(r"http://testserver/verify-email\?key=([\w-]+)", message.body)
    assert match, message.body
    return match.group(1)


def verify(client: Any, key: str, password: str = PASSWORD) -> Any:
    return client.post("/api/v1/auth/verify", {"key": key, "password": password}, format="json")


def test_sign_up_answers_the_same_for_a_new_and_a_taken_address(anon: Any) -> None:
    UserFactory(email="own1@example.com")
    new = sign_up(anon, "new1@example.com")
    taken = sign_up(anon, "own1@example.com")

    assert new.status_code == taken.status_code == 202
    assert new.content.replace(b"new1@", b"own1@") == taken.content
    assert dict(new.items()) == dict(taken.items())
    assert "token" not in new.json()
    assert not ApiToken.objects.exists()
    assert not User.objects.filter(email="new1@example.com").exists()


def test_a_new_address_gets_the_link_and_a_taken_one_a_note(anon: Any) -> None:
    UserFactory(email="own1@example.com")
    sign_up(anon, "new1@example.com")
    sign_up(anon, "own1@example.com")

    link, note = mail.outbox
    assert link.to == ["new1@example.com"]
    assert "verify-email?key=" in link.body
    assert note.to == ["own1@example.com"]
    assert note.subject == "Someone tried to sign up with your address"
    assert "verify-email" not in note.body
    assert list(SignupRequest.objects.values_list("email", flat=True)) == ["new1@example.com"]


def test_following_the_link_creates_the_account_and_its_first_token(
    anon: Any, client_factory: Any
) -> None:
    sign_up(anon, "Ada@Example.com", name="Ada Lovelace")
    key = link_key(mail.outbox[0])
    stored = SignupRequest.objects.get()
    assert key not in stored.key_digest and PASSWORD not in stored.password

    response = verify(anon, key)

    assert response.status_code == 201
    data = response.json()
    assert data["user"]["email"] == "ada@example.com"
    assert data["user"]["name"] == "Ada Lovelace"
    client = client_factory(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {data['token']}")
    assert client.get("/api/v1/me").json() == {**data["user"], "is_staff": False}
    signed_in = anon.post(
        "/api/v1/auth/token", {"email": "ada@example.com", "password": PASSWORD}, format="json"
    )
    assert signed_in.status_code == 200
    assert not SignupRequest.objects.exists()


def test_a_key_works_once(anon: Any) -> None:
    sign_up(anon, "ada@example.com")
    key = link_key(mail.outbox[0])
    assert verify(anon, key).status_code == 201
    again = verify(anon, key)
    assert again.status_code == 400
    assert again.json()["code"] == "validation_error"
    assert "key" in again.json()["details"]
    assert User.objects.filter(email="ada@example.com").count() == 1


def test_an_expired_key_is_refused(anon: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sign_up(anon, "ada@example.com")
    key = link_key(mail.outbox[0])
    later = timezone.now() + timedelta(hours=24, seconds=1)
    monkeypatch.setattr("videoplanet.accounts.services.timezone.now", lambda: later)
    response = verify(anon, key)
    assert response.status_code == 400
    assert "key" in response.json()["details"]
    assert not User.objects.filter(email="ada@example.com").exists()


def test_an_unknown_key_is_refused(anon: Any) -> None:
    response = verify(anon, "not-a-key-we-sent")
    assert response.status_code == 400
    assert "key" in response.json()["details"]


def test_signing_up_again_replaces_the_pending_link(anon: Any) -> None:
    sign_up(anon, "ada@example.com", name="Ada")
    sign_up(anon, "ada@example.com", name="Ada Lovelace", password="another-passphrase-2")
    first, second = (link_key(m) for m in mail.outbox)

    assert verify(anon, first).status_code == 400
    created = verify(anon, second, password="another-passphrase-2")
    assert created.status_code == 201
    assert created.json()["user"]["name"] == "Ada Lovelace"
    assert User.objects.get(email="ada@example.com").check_password("another-passphrase-2")


def test_a_link_is_refused_when_the_address_got_an_account_meanwhile(anon: Any) -> None:
    sign_up(anon, "ada@example.com")
    UserFactory(email="ada@example.com")
    response = verify(anon, link_key(mail.outbox[0]))
    assert response.status_code == 400
    assert User.objects.filter(email="ada@example.com").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "A", "email": "taken@example.com", "password": "123"}, "password"),
        ({"name": "A", "email": "new@example.com", "password": "123"}, "password"),
    ],
)
def test_a_weak_password_is_refused_for_new_and_taken_addresses(
    anon: Any, payload: Any, field: str
) -> None:
    UserFactory(email="taken@example.com")
    response = anon.post("/api/v1/auth/register", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["details"]
    assert not mail.outbox


def test_the_link_points_at_the_configured_web_app(anon: Any, settings: Any) -> None:
    settings.FRONTEND_URL = "https://app.videoplanet.example"
    sign_up(anon, "ada@example.com")
    assert "https://app.videoplanet.example/verify-email?key=" in mail.outbox[0].body


def test_the_demo_user_can_sign_in(anon: Any) -> None:
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    response = anon.post(
        "/api/v1/auth/token",
        {"email": "demo@videoplanet.local", "password": "demo-password-2026"},
        format="json",
    )
    assert response.status_code == 200


def test_a_stranger_who_signs_up_with_your_address_cannot_take_the_account(anon: Any) -> None:
    """The owner follows the newest link they got; it was made by a stranger's sign-up.
    Without that sign-up's password the link creates nothing, and stays usable."""
    sign_up(anon, "owner@example.com", password="owners-own-passphrase")
    sign_up(anon, "owner@example.com", password="strangers-passphrase")
    newest = link_key(mail.outbox[-1])

    refused = verify(anon, newest, password="owners-own-passphrase")
    assert refused.status_code == 400
    assert refused.json()["details"] == {
        "password": ["Not the password this sign-up was made with."]
    }
    assert not User.objects.filter(email="owner@example.com").exists()

    # the owner signs up again, and their own link works with their own password
    sign_up(anon, "owner@example.com", password="owners-own-passphrase")
    created = verify(anon, link_key(mail.outbox[-1]), password="owners-own-passphrase")
    assert created.status_code == 201
    assert User.objects.get(email="owner@example.com").check_password("owners-own-passphrase")


def test_a_wrong_password_keeps_the_link_usable(anon: Any) -> None:
    sign_up(anon, "ada@example.com")
    key = link_key(mail.outbox[-1])
    assert verify(anon, key, password="not-it-at-all").status_code == 400
    assert verify(anon, key).status_code == 201
