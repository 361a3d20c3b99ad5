"""Membership by consent: invitations by email, answered by the invitee; leaving."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import MembershipFactory, UserFactory
from videoplanet.projects.apis import InvitationThrottle
from videoplanet.projects.models import Invitation, Membership, Role

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db


def invite(client: Any, project: Any, email: str, role: str = "reviewer") -> Any:
    return client.post(
        f"/api/v1/projects/{project.id}/invitations", {"email": email, "role": role}, format="json"
    )


def sent_key(email: str) -> str:
    """The key in the last invitation email sent to ``email``."""
    message = [m for m in mail.outbox if m.to == [email]][-1]
    match = re.search(r"Invitation key: (\S+)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def invited(world: World, as_user: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Nora has an account and has been invited to project A as a reviewer."""
    nora = UserFactory(email="nora@example.com", name="Nora")
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(as_user(world.owner), world.project, "Nora@Example.com")
    assert response.status_code == 202, response.content
    return nora, sent_key("nora@example.com"), response.json()


def test_invitation_emails_a_key_and_accepting_it_makes_a_member(
    world: World, as_user: Any, invited: Any
) -> None:
    nora, key, body = invited
    assert (body["email"], body["role"], body["status"]) == (
        "nora@example.com",
        "reviewer",
        "pending",
    )
    assert body["project"] == {"id": str(world.project.id), "name": world.project.name}
    assert not Membership.objects.filter(user=nora).exists()  # nobody joins without consent
    assert key not in Invitation.objects.get().key_digest  # only a digest is stored

    pending = as_user(nora).get("/api/v1/invitations").json()
    assert [i["id"] for i in pending] == [body["id"]]

    accepted = as_user(nora).post("/api/v1/invitations/accept", {"key": key}, format="json")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["id"], accepted.json()["role"]) == (str(world.project.id), "reviewer")
    assert Membership.objects.get(user=nora, project=world.project).role == "reviewer"
    assert as_user(nora).get("/api/v1/invitations").json() == []


def test_the_answer_is_the_same_for_registered_and_unknown_emails(
    world: World, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    UserFactory(email="known@example.com")
    client = as_user(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        known = invite(client, world.project, "known@example.com")
        unknown = invite(client, world.project, "stranger@example.com")
    assert known.status_code == unknown.status_code == 202

    def shape(body: dict[str, Any]) -> dict[str, Any]:
        return {
            k: v for k, v in body.items() if k not in ("id", "email", "created_at", "expires_at")
        }

    assert shape(known.json()) == shape(unknown.json())
    assert sorted(m.to[0] for m in mail.outbox) == ["known@example.com", "stranger@example.com"]


def test_someone_who_signs_up_later_can_accept(
    world: World, as_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(as_user(world.owner), world.project, "later@example.com", "viewer")
    key = sent_key("later@example.com")
    later = UserFactory(email="later@example.com")
    response = as_user(later).post("/api/v1/invitations/accept", {"key": key}, format="json")
    assert response.status_code == 200
    assert Membership.objects.get(user=later).role == "viewer"


def test_accepting_with_another_email_is_404(world: World, as_user: Any, invited: Any) -> None:
    _, key, body = invited
    for path, data in [
        ("/api/v1/invitations/accept", {"key": key}),
        ("/api/v1/invitations/decline", {"key": key}),
        (f"/api/v1/invitations/{body['id']}/accept", None),
    ]:
        response = as_user(world.viewer).post(path, data, format="json")
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert as_user(world.viewer).get("/api/v1/invitations").json() == []
    assert Invitation.objects.get().status == "pending"


def test_an_unknown_key_is_404(world: World, as_user: Any, invited: Any) -> None:
    nora, _, _ = invited
    response = as_user(nora).post("/api/v1/invitations/accept", {"key": "vpi_nope"}, format="json")
    assert response.status_code == 404


def test_an_expired_invitation_is_400(world: World, as_user: Any, invited: Any) -> None:
    nora, key, _ = invited
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = as_user(nora).post("/api/v1/invitations/accept", {"key": key}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invitation_expired"
    assert not Membership.objects.filter(user=nora).exists()
    assert as_user(nora).get("/api/v1/invitations").json() == []


def test_invitations_last_the_configured_days(world: World, as_user: Any, settings: Any) -> None:
    settings.INVITATION_TTL_DAYS = 2
    before = timezone.now()
    invite(as_user(world.owner), world.project, "ttl@example.com")
    expires = Invitation.objects.get().expires_at
    assert before + timedelta(days=2) <= expires <= timezone.now() + timedelta(days=2)


@pytest.mark.parametrize("first", ["accept", "decline"])
def test_an_answered_invitation_cannot_be_used_again(
    world: World, as_user: Any, invited: Any, first: str
) -> None:
    nora, key, _ = invited
    client = as_user(nora)
    assert client.post(f"/api/v1/invitations/{first}", {"key": key}, format="json").status_code in (
        200,
        204,
    )
    for again in ("accept", "decline"):
        response = client.post(f"/api/v1/invitations/{again}", {"key": key}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invitation_used"
    assert Membership.objects.filter(user=nora).exists() == (first == "accept")


def test_declining_by_id_leaves_the_project_alone(world: World, as_user: Any, invited: Any) -> None:
    nora, _, body = invited
    response = as_user(nora).post(f"/api/v1/invitations/{body['id']}/decline")
    assert response.status_code == 204
    assert Invitation.objects.get().status == "declined"
    assert not Membership.objects.filter(user=nora).exists()


def test_accepting_by_id(world: World, as_user: Any, invited: Any) -> None:
    nora, _, body = invited
    response = as_user(nora).post(f"/api/v1/invitations/{body['id']}/accept")
    assert response.status_code == 200
    assert response.json()["role"] == "reviewer"


@pytest.mark.parametrize(
    ("who", "role", "status"),
    [
        ("viewer", "viewer", 403),
        ("reviewer", "viewer", 403),
        ("editor", "owner", 403),
        ("editor", "editor", 202),
        ("owner", "owner", 202),
        ("outsider", "viewer", 404),
    ],
)
def test_who_may_invite_whom(world: World, as_user: Any, who: str, role: str, status: int) -> None:
    response = invite(as_user(getattr(world, who)), world.project, "new@example.com", role)
    assert response.status_code == status, response.content
    assert Invitation.objects.filter(project=world.project).exists() == (status == 202)


def test_inviting_a_member_is_400_and_bad_input_names_the_field(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    taken = invite(client, world.project, world.viewer.email.upper())
    assert taken.status_code == 400
    assert "email" in taken.json()["details"]
    for payload, field in [
        ({"email": "not-an-email", "role": "viewer"}, "email"),
        ({"email": "x@example.com", "role": "boss"}, "role"),
    ]:
        response = client.post(
            f"/api/v1/projects/{world.project.id}/invitations", payload, format="json"
        )
        assert response.status_code == 400
        assert field in response.json()["details"]
    assert not Invitation.objects.exists()


def test_inviting_again_renews_the_pending_invitation(
    world: World, as_user: Any, invited: Any, django_capture_on_commit_callbacks: Any
) -> None:
    nora, old_key, first = invited
    with django_capture_on_commit_callbacks(execute=True):
        again = invite(as_user(world.owner), world.project, "nora@example.com", "editor")
    assert again.json()["id"] == first["id"]
    new_key = sent_key("nora@example.com")
    assert Invitation.objects.get().id == uuid.UUID(first["id"])  # the same one, renewed
    client = as_user(nora)
    assert (
        client.post("/api/v1/invitations/accept", {"key": old_key}, format="json").status_code
        == 404
    )
    assert (
        client.post("/api/v1/invitations/accept", {"key": new_key}, format="json").json()["role"]
        == "editor"
    )


def test_managers_list_and_revoke_pending_invitations(
    world: World, as_user: Any, invited: Any
) -> None:
    nora, key, body = invited
    url = f"/api/v1/projects/{world.project.id}/invitations"
    listed = as_user(world.editor).get(url)
    assert [i["email"] for i in listed.json()] == ["nora@example.com"]
    assert listed.json()[0]["invited_by"] == {"id": str(world.owner.id), "name": world.owner.name}
    assert as_user(world.reviewer).get(url).status_code == 403
    assert as_user(world.reviewer).delete(f"{url}/{body['id']}").status_code == 403
    assert as_user(world.editor).delete(f"{url}/{body['id']}").status_code == 204
    assert as_user(world.editor).get(url).json() == []
    answer = as_user(nora).post("/api/v1/invitations/accept", {"key": key}, format="json")
    assert answer.status_code == 404


def test_an_answered_invitation_cannot_be_revoked(world: World, as_user: Any, invited: Any) -> None:
    nora, key, body = invited
    as_user(nora).post("/api/v1/invitations/accept", {"key": key}, format="json")
    response = as_user(world.owner).delete(
        f"/api/v1/projects/{world.project.id}/invitations/{body['id']}"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invitation_used"


def test_another_projects_invitation_is_404(world: World, as_user: Any, invited: Any) -> None:
    _, _, body = invited
    other = world.other_project
    client = as_user(world.outsider)  # owner of project B
    assert client.delete(f"/api/v1/projects/{other.id}/invitations/{body['id']}").status_code == 404
    assert client.get(f"/api/v1/projects/{other.id}/invitations").json() == []
    assert (
        client.delete(f"/api/v1/projects/{world.project.id}/invitations/{body['id']}").status_code
        == 404
    )
    assert client.get(f"/api/v1/projects/{world.project.id}/invitations").status_code == 404
    assert Invitation.objects.filter(id=body["id"]).exists()


def test_inviting_is_throttled_per_inviter(
    world: World, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(InvitationThrottle, "THROTTLE_RATES", {"invitations": "2/hour"})
    owner, editor = as_user(world.owner), as_user(world.editor)
    statuses = [invite(owner, world.project, f"p{i}@example.com").status_code for i in range(3)]
    assert statuses == [202, 202, 429]
    limited = invite(owner, world.project, "p9@example.com")
    assert limited.json()["code"] == "rate_limited"
    assert 0 < int(limited["Retry-After"]) <= 3600
    assert invite(editor, world.project, "p3@example.com").status_code == 202  # another inviter
    assert owner.get(f"/api/v1/projects/{world.project.id}/invitations").status_code == 200


def test_a_member_leaves(world: World, as_user: Any) -> None:
    client = as_user(world.reviewer)
    assert client.delete(f"/api/v1/projects/{world.project.id}/members/me").status_code == 204
    assert not Membership.objects.filter(user=world.reviewer).exists()
    assert client.get(f"/api/v1/projects/{world.project.id}").status_code == 404


def test_the_last_owner_cannot_leave_but_one_of_two_can(world: World, as_user: Any) -> None:
    url = f"/api/v1/projects/{world.project.id}/members/me"
    response = as_user(world.owner).delete(url)
    assert response.status_code == 400
    assert response.json()["code"] == "last_owner"
    assert Membership.objects.filter(user=world.owner, project=world.project).exists()
    second = MembershipFactory(project=world.project, role=Role.OWNER).user
    assert as_user(world.owner).delete(url).status_code == 204
    assert as_user(second).delete(url).json()["code"] == "last_owner"


def test_leaving_a_project_you_are_not_in_is_404(world: World, as_user: Any) -> None:
    response = as_user(world.owner).delete(f"/api/v1/projects/{world.other_project.id}/members/me")
    assert response.status_code == 404


@pytest.mark.contract_unchecked("the removed operation is no longer in the document")
def test_adding_members_directly_is_gone(world: World, as_user: Any) -> None:
    response = as_user(world.owner).post(
        f"/api/v1/projects/{world.project.id}/members",
        {"email": world.outsider.email, "role": "viewer"},
        format="json",
    )
    assert response.status_code == 405
    assert not Membership.objects.filter(user=world.outsider, project=world.project).exists()
