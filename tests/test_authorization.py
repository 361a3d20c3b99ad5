"""Every endpoint, across two projects: another project's objects are 404, never 403
or data; a viewer reads but never writes."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from tests.factories import CommentFactory, FeedbackFactory
from videoplanet.projects.models import Invitation, Role

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

Call = tuple[str, str, dict[str, Any] | None]


def invitation_of(project: Any, by: Any) -> Invitation:
    return Invitation.objects.create(
        project=project,
        email="someone-else@example.com",
        role=Role.VIEWER,
        invited_by=by,
        key_digest=f"{project.id.hex}{'0' * 32}",
        expires_at=timezone.now() + timedelta(days=1),
    )


def foreign_calls(w: Any) -> list[Call]:
    """Calls by project A's owner that reach for project B's objects."""
    comment = CommentFactory(feedback=w.other_feedback)
    fb, video, project = w.other_feedback.id, w.other_video.id, w.other_project.id
    invitation = invitation_of(w.other_project, w.outsider)
    thumbs = quote("👍")
    return [
        ("get", f"/api/v1/projects/{project}", None),
        ("get", f"/api/v1/projects/{project}/members", None),
        ("delete", f"/api/v1/projects/{project}/members/me", None),
        ("get", f"/api/v1/projects/{project}/invitations", None),
        ("post", f"/api/v1/projects/{project}/invitations", {"email": "x@example.com", "role": "viewer"}),
        ("delete", f"/api/v1/projects/{project}/invitations/{invitation.id}", None),
        ("delete", f"/api/v1/projects/{w.project.id}/invitations/{invitation.id}", None),
        ("post", f"/api/v1/invitations/{invitation.id}/accept", None),
        ("post", f"/api/v1/invitations/{invitation.id}/decline", None),
        ("get", f"/api/v1/videos?project_id={project}", None),
        ("post", "/api/v1/videos", {"project_id": str(project), "title": "t", "url": "https://e.com/v"}),
        ("get", f"/api/v1/videos/{video}", None),
        ("get", f"/api/v1/feedbacks?video_id={video}", None),
        ("post", "/api/v1/feedbacks", {"video_id": str(video), "timestamp": 1, "content": "x"}),
        ("get", f"/api/v1/feedbacks/{fb}", None),
        ("patch", f"/api/v1/feedbacks/{fb}", {"status": "closed"}),
        ("delete", f"/api/v1/feedbacks/{fb}", None),
        ("get", f"/api/v1/comments?feedback_id={fb}", None),
        ("post", "/api/v1/comments", {"feedback_id": str(fb), "content": "x"}),
        ("post", f"/api/v1/comments/{comment.id}/reactions", {"emoji": "👍"}),
        ("delete", f"/api/v1/comments/{comment.id}/reactions/{thumbs}", None),
    ]  # fmt: skip


def test_other_projects_objects_are_404_everywhere(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    for method, url, data in foreign_calls(world):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 404, (method, url, response.content)
        assert response.json()["code"] == "not_found"
    world.other_feedback.refresh_from_db()
    assert world.other_feedback.status == "open"


def viewer_writes(w: Any) -> list[Call]:
    feedback = FeedbackFactory(video=w.video, author=w.owner)
    comment = CommentFactory(feedback=feedback)
    invitation = invitation_of(w.project, w.owner)
    return [
        ("get", f"/api/v1/projects/{w.project.id}/invitations", None),
        ("post", f"/api/v1/projects/{w.project.id}/invitations", {"email": "x@example.com", "role": "viewer"}),
        ("delete", f"/api/v1/projects/{w.project.id}/invitations/{invitation.id}", None),
        ("post", "/api/v1/videos", {"project_id": str(w.project.id), "title": "t", "url": "https://e.com/v"}),
        ("post", "/api/v1/feedbacks", {"video_id": str(w.video.id), "timestamp": 1, "content": "x"}),
        ("patch", f"/api/v1/feedbacks/{feedback.id}", {"status": "closed"}),
        ("delete", f"/api/v1/feedbacks/{feedback.id}", None),
        ("post", "/api/v1/comments", {"feedback_id": str(feedback.id), "content": "x"}),
        ("post", f"/api/v1/comments/{comment.id}/reactions", {"emoji": "👍"}),
        ("delete", f"/api/v1/comments/{comment.id}/reactions/{quote('👍')}", None),
    ]  # fmt: skip


def test_viewer_reads_but_every_write_is_403(world: World, as_user: Any) -> None:
    client = as_user(world.viewer)
    for method, url, data in viewer_writes(world):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["code"] == "permission_denied"


def test_every_endpoint_needs_a_token(world: World, anon: Any) -> None:
    calls: list[Call] = [*foreign_calls(world), *viewer_writes(world), ("get", "/api/v1/me", None)]
    calls.append(("get", "/api/v1/projects", None))
    calls += [
        ("delete", "/api/v1/auth/token", None),
        ("get", "/api/v1/auth/tokens", None),
        ("delete", "/api/v1/auth/tokens/1", None),
    ]
    calls.append(("get", "/api/v1/invitations", None))
    calls.append(("post", "/api/v1/invitations/accept", {"key": "k"}))
    calls.append(("post", "/api/v1/invitations/decline", {"key": "k"}))
    for method, url, data in calls:
        response = getattr(anon, method)(url, data, format="json")
        assert response.status_code == 401, (method, url)
