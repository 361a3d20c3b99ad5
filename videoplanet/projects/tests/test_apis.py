"""Projects, members and videos, each checked against the caller's membership
(invitations: test_invitations.py)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from videoplanet.api.pagination import cursor_encode
from videoplanet.contracts.validator import committed_validator
from videoplanet.projects.models import Video

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db


def test_create_project_makes_you_owner_and_lists_only_yours(world: World, as_user: Any) -> None:
    client = as_user(world.viewer)
    created = client.post("/api/v1/projects", {"name": "Trailer"}, format="json")
    assert created.status_code == 201
    assert created.json()["role"] == "owner"
    listed = client.get("/api/v1/projects").json()
    assert {(p["id"], p["role"]) for p in listed} == {
        (str(world.project.id), "viewer"),
        (created.json()["id"], "owner"),
    }


def test_project_detail_is_404_for_non_members(world: World, as_user: Any) -> None:
    assert as_user(world.viewer).get(f"/api/v1/projects/{world.project.id}").status_code == 200
    assert as_user(world.outsider).get(f"/api/v1/projects/{world.project.id}").status_code == 404


def test_members_are_listed_with_their_roles(world: World, as_user: Any) -> None:
    members = as_user(world.viewer).get(f"/api/v1/projects/{world.project.id}/members").json()
    assert {m["role"] for m in members} == {"owner", "editor", "reviewer", "viewer"}
    assert {m["user"]["id"] for m in members} == {
        str(u.id) for u in (world.owner, world.editor, world.reviewer, world.viewer)
    }


def test_videos_create_list_get(world: World, as_user: Any) -> None:
    client = as_user(world.editor)
    created = client.post(
        "/api/v1/videos",
        {
            "project_id": str(world.project.id),
            "title": "Cut 2",
            "url": "https://example.com/cut2.mp4",
            "duration": 90,
        },
        format="json",
    )
    assert created.status_code == 201
    video = created.json()
    assert video["duration"] == 90
    listed = as_user(world.viewer).get("/api/v1/videos", {"project_id": str(world.project.id)})
    assert video["id"] in [v["id"] for v in listed.json()]
    assert as_user(world.viewer).get(f"/api/v1/videos/{video['id']}").json() == video


@pytest.mark.parametrize(
    ("who", "payload", "status"),
    [
        ("reviewer", {}, 403),
        ("viewer", {}, 403),
        ("outsider", {}, 404),
        ("owner", {"url": "not a url"}, 400),
        ("owner", {"duration": -5}, 400),
        ("owner", {"duration": 0}, 400),
        ("owner", {"duration": "90"}, 400),
        ("owner", {"project_id": "nope"}, 400),
    ],
)
def test_video_create_rules(
    world: World, as_user: Any, who: str, payload: Any, status: int
) -> None:
    data = {
        "project_id": str(world.project.id),
        "title": "t",
        "url": "https://example.com/v.mp4",
        **payload,
    }
    response = as_user(getattr(world, who)).post("/api/v1/videos", data, format="json")
    assert response.status_code == status
    assert Video.objects.filter(title="t").count() == 0


def test_the_document_also_refuses_a_zero_duration() -> None:
    data = {"project_id": str(uuid.uuid4()), "title": "t", "url": "https://example.com/v.mp4"}
    validator = committed_validator()
    assert validator.validate("VideoCreateInput", {**data, "duration": 0.5}).valid
    assert not validator.validate("VideoCreateInput", {**data, "duration": 0}).valid


def test_videos_of_other_projects_are_404(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    assert client.get(f"/api/v1/videos/{world.other_video.id}").status_code == 404
    assert (
        client.get("/api/v1/videos", {"project_id": str(world.other_project.id)}).status_code == 404
    )
    assert client.get("/api/v1/videos", {"project_id": "x"}).status_code == 400


class TestVideoListPages:
    def test_pages_follow_the_link_header(self, world: World, as_user: Any) -> None:
        from tests.factories import VideoFactory

        for _ in range(4):
            VideoFactory(project=world.project)
        client = as_user(world.viewer)
        url = f"/api/v1/videos?project_id={world.project.id}&limit=2"
        seen: list[str] = []
        pages = 0
        while url:
            response = client.get(url)
            assert response.status_code == 200
            seen += [v["id"] for v in response.json()]
            pages += 1
            link = response.headers.get("Link")
            url = link[1 : link.index(">")].removeprefix("http://testserver") if link else ""
        everything = client.get(f"/api/v1/videos?project_id={world.project.id}").json()
        assert pages == 3
        assert seen == [v["id"] for v in everything]
        assert len(seen) == 5

    @pytest.mark.parametrize(
        "cursor",
        [
            "nonsense",
            cursor_encode([1e300, "00000000-0000-4000-8000-000000000000"]),  # past timedelta
            cursor_encode([1e18, "00000000-0000-4000-8000-000000000000"]),  # past year 9999
        ],
    )
    def test_a_tampered_cursor_is_a_400(self, world: World, as_user: Any, cursor: str) -> None:
        response = as_user(world.viewer).get(
            "/api/v1/videos", {"project_id": str(world.project.id), "cursor": cursor}
        )
        assert response.status_code == 400
        assert "cursor" in response.json()["details"]


def test_a_video_link_with_credentials_is_refused(world: World, as_user: Any) -> None:
    response = as_user(world.owner).post(
        "/api/v1/videos",
        {
            "project_id": str(world.project.id),
            "title": "x",
            "url": "https://ed:secret@cdn.example.com/a.mp4",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["details"]) == ["url"]
