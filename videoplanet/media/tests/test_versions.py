"""A new cut is uploaded as the next version of a video; feedback stays where it was."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from videoplanet.media.samples import make_video
from videoplanet.realtime.broadcast import room_event

from .test_uploads import upload

if TYPE_CHECKING:
    from conftest import World


@pytest.fixture
def cut(tmp_path: Path) -> bytes:
    return make_video(tmp_path / "cut.mp4").read_bytes()


def upload_version(client: Any, world: World, data: bytes, of: str) -> Any:
    response = client.post(
        "/api/v1/uploads",
        {"project_id": str(world.project.id), "title": "Cut 2", "filename": "cut2.mp4",
         "size": len(data), "video_id": of},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    created = response.json()
    client.patch(
        f"/api/v1/uploads/{created['id']}?offset=0",
        data=data,
        content_type="application/octet-stream",
    )
    return client.post(f"/api/v1/uploads/{created['id']}/complete")


def test_a_new_cut_joins_the_stack_as_the_next_version(
    world: World,
    as_user: Any,
    cut: bytes,
    monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sent: list[Any] = []
    monkeypatch.setattr(
        "videoplanet.realtime.notify.broadcast", lambda room, message: sent.append((room, message))
    )
    client = as_user(world.editor)
    first = upload(client, world, cut).json()
    assert first["version"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        second = upload_version(client, world, cut, of=first["id"]).json()
    assert second["version"] == 2
    assert second["stack_id"] == first["stack_id"]
    with django_capture_on_commit_callbacks(execute=True):
        third = upload_version(client, world, cut, of=first["id"]).json()
    assert third["version"] == 3
    for video in (first, second, third):
        versions = as_user(world.viewer).get(f"/api/v1/videos/{video['id']}/versions").json()
        assert [v["id"] for v in versions] == [first["id"], second["id"], third["id"]]
    announced = [(str(room), m["payload"]["version"]) for room, m in sent]
    assert announced == [(first["id"], 2), (first["id"], 3), (second["id"], 3)]
    assert all(room_event(m) is not None for _, m in sent)


def test_feedback_stays_on_the_version_it_was_written_on(
    world: World, as_user: Any, cut: bytes
) -> None:
    client = as_user(world.editor)
    first = upload(client, world, cut).json()
    client.post(
        "/api/v1/feedbacks",
        {"video_id": first["id"], "timestamp": 0.1, "content": "Too dark"},
        format="json",
    )
    second = upload_version(client, world, cut, of=first["id"]).json()
    assert client.get(f"/api/v1/feedbacks?video_id={second['id']}").json() == []
    assert len(client.get(f"/api/v1/feedbacks?video_id={first['id']}").json()) == 1


def test_versions_of_another_projects_video_are_not_found(world: World, as_user: Any) -> None:
    assert (
        as_user(world.outsider).get(f"/api/v1/videos/{world.video.id}/versions").status_code == 404
    )
    response = as_user(world.owner).post(
        "/api/v1/uploads",
        {"project_id": str(world.project.id), "title": "x", "filename": "x.mp4", "size": 10,
         "video_id": str(world.other_video.id)},
        format="json",
    )  # fmt: skip
    assert response.status_code == 404


def test_a_linked_video_is_its_own_first_version(world: World, as_user: Any) -> None:
    versions = as_user(world.viewer).get(f"/api/v1/videos/{world.video.id}/versions").json()
    assert [(v["id"], v["version"]) for v in versions] == [(str(world.video.id), 1)]
