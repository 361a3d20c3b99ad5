"""The feedback list's page cache never serves a page a write has made stale.

In process: every kind of write, each followed by a read that must equal the database;
ETag / If-None-Match; the access check before the cache. Across processes: two real
server processes on one database (SQLite file, or DATABASE_URL's PostgreSQL), each with
its own in-memory page cache; writes through one are seen at once by reads through the
other, also while a reader keeps hammering the list during the writes.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from rest_framework.test import APIClient

from tests.factories import CommentFactory, FeedbackFactory
from tests.server import REPO_ROOT, ProviderServer
from videoplanet.feedback.models import Feedback
from videoplanet.projects.models import Video

if TYPE_CHECKING:
    from conftest import World

URL = "/api/v1/feedbacks"


def truth(video_id: Any) -> list[tuple[str, str, str, str, str, str]]:
    """What the list must show, read straight from the database."""
    rows = Feedback.objects.filter(video_id=video_id).order_by("timestamp", "id")
    return [
        (str(f.id), f.content, f.status, f.priority, f.author.name, f.author.email)
        for f in rows.select_related("author")
    ]


def shown(items: list[dict[str, Any]]) -> list[tuple[str, str, str, str, str, str]]:
    return [
        (i["id"], i["content"], i["status"], i["priority"], i["user"]["name"], i["user"]["email"])
        for i in items
    ]


@pytest.mark.django_db
class TestInProcess:
    def listed(self, client: Any, video: Video) -> list[dict[str, Any]]:
        response = client.get(URL, {"video_id": str(video.id)})
        assert response.status_code == 200
        items: list[dict[str, Any]] = response.json()
        return items

    def test_every_write_is_seen_by_the_next_read(self, world: World, as_user: Any) -> None:
        reader, writer = as_user(world.viewer), as_user(world.reviewer)
        video = world.video
        FeedbackFactory.create_batch(3, video=video, author=world.owner)
        assert shown(self.listed(reader, video)) == truth(video.id)  # now cached

        created = writer.post(
            URL,
            {"video_id": str(video.id), "timestamp": 1.0, "content": "New one"},
            format="json",
        ).json()
        assert shown(self.listed(reader, video)) == truth(video.id)
        assert created["id"] in [i["id"] for i in self.listed(reader, video)]

        writer.patch(f"{URL}/{created['id']}", {"content": "Edited"}, format="json")
        assert shown(self.listed(reader, video)) == truth(video.id)
        writer.patch(f"{URL}/{created['id']}", {"status": "resolved"}, format="json")
        assert [i["status"] for i in self.listed(reader, video) if i["id"] == created["id"]] == [
            "resolved"
        ]

        comment = writer.post(
            "/api/v1/comments", {"feedback_id": created["id"], "content": "Agreed"}, format="json"
        ).json()
        writer.post(f"/api/v1/comments/{comment['id']}/reactions", {"emoji": "👍"}, format="json")
        assert shown(self.listed(reader, video)) == truth(video.id)

        world.reviewer.name = "Renamed Reviewer"
        world.reviewer.save()
        assert "Renamed Reviewer" in [i["user"]["name"] for i in self.listed(reader, video)]

        assert writer.delete(f"{URL}/{created['id']}").status_code == 204
        assert created["id"] not in [i["id"] for i in self.listed(reader, video)]
        assert shown(self.listed(reader, video)) == truth(video.id)

    def test_a_deleted_author_takes_their_items_out_of_the_list(
        self, world: World, as_user: Any
    ) -> None:
        reader = as_user(world.viewer)
        FeedbackFactory(video=world.video, author=world.reviewer)
        FeedbackFactory(video=world.video, author=world.owner)
        assert len(self.listed(reader, world.video)) == 2
        world.reviewer.delete()
        assert shown(self.listed(reader, world.video)) == truth(world.video.id)
        assert len(truth(world.video.id)) == 1

    def test_frames_follow_a_frame_rate_set_after_the_page_was_cached(
        self, world: World, as_user: Any
    ) -> None:
        reader = as_user(world.viewer)
        FeedbackFactory(video=world.video, author=world.owner, timestamp=2.0)
        assert self.listed(reader, world.video)[0]["frame"] is None
        Video.objects.filter(id=world.video.id).update(fps="25", frame_count=1000)
        assert self.listed(reader, world.video)[0]["frame"] == 50

    def test_if_none_match_is_a_304_until_the_list_changes(
        self, world: World, as_user: Any
    ) -> None:
        reader = as_user(world.viewer)
        FeedbackFactory(video=world.video, author=world.owner)
        first = reader.get(URL, {"video_id": str(world.video.id)})
        etag = first["ETag"]
        again = reader.get(URL, {"video_id": str(world.video.id)}, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again.content == b""
        assert again["ETag"] == etag
        FeedbackFactory(video=world.video, author=world.owner)
        changed = reader.get(URL, {"video_id": str(world.video.id)}, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200
        assert len(changed.json()) == 2
        assert changed["ETag"] != etag

    def test_only_members_get_the_cached_page(self, world: World, as_user: Any) -> None:
        FeedbackFactory(video=world.video, author=world.owner)
        member = as_user(world.viewer).get(URL, {"video_id": str(world.video.id)})
        assert member.status_code == 200
        stranger = as_user(world.outsider).get(
            URL, {"video_id": str(world.video.id)}, HTTP_IF_NONE_MATCH=member["ETag"]
        )
        assert stranger.status_code == 404
        assert stranger.json()["code"] == "not_found"
        anonymous = APIClient()
        for token in (None, "Bearer not-a-token"):
            headers = {"HTTP_AUTHORIZATION": token} if token else {}
            response = anonymous.get(
                URL, {"video_id": str(world.video.id)}, HTTP_IF_NONE_MATCH=member["ETag"], **headers
            )
            assert response.status_code == 401, token

    def test_each_page_of_a_paged_list_is_its_own(self, world: World, as_user: Any) -> None:
        reader = as_user(world.viewer)
        for second in range(5):
            FeedbackFactory(video=world.video, author=world.owner, timestamp=float(second))
        first = reader.get(URL, {"video_id": str(world.video.id), "limit": 2})
        cursor = first["Link"].split("cursor=")[1].split(">")[0]
        following = reader.get(URL, {"video_id": str(world.video.id), "limit": 2, "cursor": cursor})
        assert [i["timestamp"] for i in first.json()] == [0.0, 1.0]
        assert [i["timestamp"] for i in following.json()] == [2.0, 3.0]
        CommentFactory(feedback=Feedback.objects.get(timestamp=0.0), author=world.owner)
        assert reader.get(URL, {"video_id": str(world.video.id), "limit": 2}).json() == (
            first.json()
        )


# ---- two real server processes on one database ----

SEED = """
import json, os
from videoplanet.accounts.models import User
from videoplanet.accounts.services import token_issue
from videoplanet.projects.models import Membership, Project, Role, Video
tag = os.environ["SEED_TAG"]
project = Project.objects.create(name="Cache test " + tag)
video = Video.objects.create(project=project, title="Cut 1", url="https://example.com/a.mp4")
tokens = {}
for role in (Role.OWNER, Role.VIEWER):
    user = User.objects.create(email=f"{role}-{tag}@example.com", name=f"{role} {tag}")
    Membership.objects.create(project=project, user=user, role=role)
    tokens[role] = token_issue(user=user, name="test")
print(json.dumps({"video_id": str(video.id), "tokens": tokens}))
"""


@contextlib.contextmanager
def _database_url(tmp_path: Path) -> Iterator[str]:
    """A throwaway database for the two processes: on DATABASE_URL's PostgreSQL server a
    new database, dropped afterwards (never DATABASE_URL's own); else a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"vp_list_cache_{uuid.uuid4().hex[:12]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    tmp_path = tmp_path_factory.mktemp("list-cache")
    with _database_url(tmp_path) as database_url:
        yield from _two_servers(tmp_path, database_url)


def _two_servers(tmp_path: Path, database_url: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(tmp_path / "media"),
        DEBUG="false",
        CONTRACT_VALIDATION="enforce",
    )
    run: dict[str, Any] = {"cwd": REPO_ROOT, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env=env, **run)
    seeded = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        env={**env, "SEED_TAG": uuid.uuid4().hex[:8]},
        capture_output=True,
        text=True,
        **run,
    )
    info = json.loads(seeded.stdout.strip().splitlines()[-1])

    def uvicorn(port: int) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        ]  # fmt: skip

    stop = (signal.SIGTERM, signal.SIGKILL)
    with (
        ProviderServer(uvicorn, env=env, stop_signals=stop) as a,
        ProviderServer(uvicorn, env=env, stop_signals=stop) as b,
    ):
        yield a.url, b.url, info


@pytest.mark.server
@pytest.mark.database_url
def test_writes_through_one_process_are_seen_by_reads_through_another(
    two_servers: tuple[str, str, dict[str, Any]],
) -> None:
    url_a, url_b, info = two_servers
    video_id = info["video_id"]
    reader = httpx.Client(
        base_url=url_a, headers={"Authorization": f"Bearer {info['tokens']['viewer']}"}
    )
    writer = httpx.Client(
        base_url=url_b, headers={"Authorization": f"Bearer {info['tokens']['owner']}"}
    )

    def listed() -> list[dict[str, Any]]:
        response = reader.get(URL, params={"video_id": video_id})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()
        return items

    with reader, writer:
        assert listed() == []
        created = writer.post(
            URL, json={"video_id": video_id, "timestamp": 3.0, "content": "First"}
        ).json()
        assert [i["id"] for i in listed()] == [created["id"]]
        listed()  # served from A's cache now
        assert writer.patch(f"{URL}/{created['id']}", json={"content": "Changed"}).is_success
        assert [i["content"] for i in listed()] == ["Changed"]
        comment = writer.post(
            "/api/v1/comments", json={"feedback_id": created["id"], "content": "Ok"}
        ).json()
        writer.post(f"/api/v1/comments/{comment['id']}/reactions", json={"emoji": "👍"})
        assert [i["content"] for i in listed()] == ["Changed"]
        assert writer.delete(f"{URL}/{created['id']}").status_code == 204
        assert listed() == []

        # A reader hammering the list (filling A's cache) while B writes: after each
        # write returns, A's next read has it.
        stop = threading.Event()
        failures: list[str] = []

        def hammer() -> None:
            with httpx.Client(base_url=url_a, headers=reader.headers) as other:
                while not stop.is_set():
                    status = other.get(URL, params={"video_id": video_id}).status_code
                    if status != 200:
                        failures.append(f"hammer got {status}")

        thread = threading.Thread(target=hammer)
        thread.start()
        try:
            expected: list[str] = []
            for n in range(15):
                made = writer.post(
                    URL, json={"video_id": video_id, "timestamp": float(n), "content": f"#{n}"}
                ).json()
                expected.append(made["id"])
                assert [i["id"] for i in listed()] == expected
        finally:
            stop.set()
            thread.join()
        assert failures == []
