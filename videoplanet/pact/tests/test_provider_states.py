"""The Pact provider-state endpoint: off unless enabled, and each state's world."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from videoplanet.accounts.models import User
from videoplanet.feedback.models import Comment, Feedback, Reaction
from videoplanet.pact import provider_states as ps
from videoplanet.projects.models import Membership, Video

from .conftest import urls_reload

ROOT = Path(__file__).resolve().parents[3]
URL = "/pact/provider-states"


@pytest.mark.django_db
def test_endpoint_is_off_by_default(anon: Any) -> None:
    response = anon.post(URL, {"state": "user is authenticated"}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not User.objects.exists()


def test_route_is_absent_unless_enabled(settings: Any) -> None:
    with pytest.raises(NoReverseMatch):
        reverse("pact-provider-states")
    settings.PACT_PROVIDER_STATES_ENABLED = True
    urls_reload()
    try:
        assert reverse("pact-provider-states") == URL
    finally:
        settings.PACT_PROVIDER_STATES_ENABLED = False
        urls_reload()
    with pytest.raises(NoReverseMatch):
        reverse("pact-provider-states")


def _production_setting(name: str) -> str:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "videoplanet.example.com",
    }
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_endpoint_is_off_in_production() -> None:
    assert _production_setting("PACT_PROVIDER_STATES_ENABLED") == "False"


def test_production_settings_pass_the_deploy_check() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-production-secret-" + "k" * 50,
        "ALLOWED_HOSTS": "videoplanet.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="x.example.com")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
class TestStates:
    @pytest.fixture(autouse=True)
    def _enabled(self, provider_states_on: None) -> None:
        pass

    def _setup(self, anon: Any, state: str, action: str | None = "setup") -> Any:
        body: dict[str, Any] = {"state": state, "params": {}}
        if action:
            body["action"] = action
        return anon.post(URL, body, format="json")

    def test_every_state_has_john_his_token_and_the_video(
        self, anon: Any, client_factory: Any
    ) -> None:
        for state in ps.STATES:
            response = self._setup(anon, state, action=None)
            assert response.status_code == 200, state
            assert response.json()["video_id"] == str(ps.VIDEO_ID)
            john = client_factory(None)
            john.credentials(HTTP_AUTHORIZATION="Bearer valid-token")
            me = john.get("/api/v1/me").json()
            assert me == {
                "id": str(ps.JOHN_ID),
                "name": "John Doe",
                "email": "john@example.com",
                "is_staff": False,
            }
            assert john.get(f"/api/v1/videos/{ps.VIDEO_ID}").status_code == 200

    def test_video_has_feedbacks(self, anon: Any) -> None:
        self._setup(anon, "video has feedbacks")
        feedback = Feedback.objects.get()
        assert (feedback.id, feedback.video_id, feedback.timestamp, feedback.status) == (
            ps.FEEDBACK_ID,
            ps.VIDEO_ID,
            30.5,
            "open",
        )

    def test_feedback_exists(self, anon: Any) -> None:
        self._setup(anon, "feedback exists")
        parent = Comment.objects.get(id=ps.PARENT_COMMENT_ID)
        assert parent.feedback_id == ps.FEEDBACK_ID
        jane = User.objects.get(id=ps.JANE_ID)
        assert jane.name == "Jane Doe"
        assert Membership.objects.filter(user=jane, project__videos__id=ps.VIDEO_ID).exists()

    def test_comment_exists(self, anon: Any) -> None:
        self._setup(anon, "comment exists")
        comment = Comment.objects.get(id=ps.COMMENT_ID)
        assert comment.feedback.video_id == ps.VIDEO_ID
        assert not Reaction.objects.exists()

    def test_comment_has_a_reaction(self, anon: Any) -> None:
        self._setup(anon, "comment has a reaction")
        reaction = Reaction.objects.get()
        assert (reaction.comment_id, reaction.user_id, reaction.emoji) == (
            ps.COMMENT_ID,
            ps.JOHN_ID,
            "👍",
        )

    def test_invitations_are_pending(self, anon: Any, as_user: Any) -> None:
        world = self._setup(anon, "invitations are pending").json()
        john = User.objects.get(id=ps.JOHN_ID)
        mine = as_user(john).get("/api/v1/invitations").json()
        assert [(i["id"], i["project"]["id"]) for i in mine] == [
            (world["invitation_id"], str(ps.JANES_PROJECT_ID))
        ]
        sent = as_user(john).get(f"/api/v1/projects/{ps.PROJECT_ID}/invitations").json()
        assert [i["email"] for i in sent] == ["ada@example.com"]
        accepted = as_user(john).post(
            "/api/v1/invitations/accept", {"key": ps.INVITATION_KEY}, format="json"
        )
        assert accepted.json()["role"] == "reviewer"

    def test_an_invitation_has_expired(self, anon: Any, as_user: Any) -> None:
        self._setup(anon, "an invitation has expired")
        john = as_user(User.objects.get(id=ps.JOHN_ID))
        response = john.post(
            "/api/v1/invitations/accept", {"key": ps.INVITATION_KEY}, format="json"
        )
        assert response.json()["code"] == "invitation_expired"

    def test_the_project_has_another_owner(self, anon: Any) -> None:
        self._setup(anon, "the project has another owner")
        owners = Membership.objects.filter(project_id=ps.PROJECT_ID, role="owner")
        assert {m.user_id for m in owners} == {ps.JOHN_ID, ps.JANE_ID}

    def test_the_user_has_another_token(self, anon: Any, client_factory: Any) -> None:
        self._setup(anon, "the user has another token")
        john = client_factory(None)
        john.credentials(HTTP_AUTHORIZATION="Bearer valid-token")
        listed = {t["id"]: t["name"] for t in john.get("/api/v1/auth/tokens").json()}
        assert listed[ps.OTHER_TOKEN_ID] == "laptop"
        assert len(listed) == 2

    def test_a_sign_up_is_pending(self, anon: Any) -> None:
        self._setup(anon, "a sign-up is pending")
        response = anon.post(
            "/api/v1/auth/verify",
            {"key": ps.SIGNUP_KEY, "password": ps.SIGNUP_PASSWORD},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["user"]["email"] == "grace@example.com"

    def test_john_signs_in_with_the_documented_password(self, anon: Any) -> None:
        self._setup(anon, "user is authenticated")
        response = anon.post(
            "/api/v1/auth/token",
            {"email": "john@example.com", "password": ps.JOHN_PASSWORD},
            format="json",
        )
        assert response.status_code == 200

    def test_next_setup_and_teardown_reset_the_world(self, anon: Any) -> None:
        self._setup(anon, "comment exists")
        Reaction.objects.create(comment_id=ps.COMMENT_ID, user_id=ps.JOHN_ID, emoji="👍")
        self._setup(anon, "comment exists")
        assert not Reaction.objects.exists()
        self._setup(anon, "user is authenticated")
        assert not Comment.objects.exists()
        assert self._setup(anon, "user is authenticated", action="teardown").status_code == 200
        assert not User.objects.exists()
        assert not Video.objects.exists()

    def test_unknown_state_is_400_naming_it(self, anon: Any) -> None:
        response = self._setup(anon, "a pony exists")
        assert response.status_code == 400
        assert "a pony exists" in response.json()["message"]
        assert response.json()["code"] == "validation_error"

    def test_bad_action_is_400(self, anon: Any) -> None:
        response = self._setup(anon, "user is authenticated", action="explode")
        assert response.status_code == 400
        assert "action" in response.json()["details"]
