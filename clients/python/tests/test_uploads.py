"""videos.upload: a file goes up in parts, and a broken connection resumes where the
server stands, within one call or from another one (``upload_id``); the same for
``AsyncClient``. (Against a real server and worker: test_e2e_async_client.py.)"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from videoplanet_client import AsyncClient, Client, UploadInterrupted

PROJECT = "550e8400-e29b-41d4-a716-446655440010"
UPLOAD = "550e8400-e29b-41d4-a716-446655440020"
VIDEO = "550e8400-e29b-41d4-a716-446655440021"
AT = "2026-01-01T00:00:00Z"


class FakeServer:
    """Keeps the bytes it got; ``drop`` lists PATCH calls (1-based) whose connection
    breaks after half the part arrived."""

    def __init__(self, drop: set[int]) -> None:
        self.received = b""
        self.size = 0
        self.drop = drop
        self.patches: list[int] = []

    def upload(self) -> dict[str, Any]:
        return {"id": UPLOAD, "project_id": PROJECT, "title": "Cut", "filename": "cut.mp4",
                "size": self.size, "offset": len(self.received), "created_at": AT}  # fmt: skip

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST" and path == "/api/v1/uploads":
            self.size = json.loads(request.content)["size"]
            return httpx.Response(201, json=self.upload())
        if request.method == "GET" and path.endswith(UPLOAD):
            return httpx.Response(200, json=self.upload())
        if request.method == "PATCH":
            self.patches.append(int(request.url.params["offset"]))
            part = request.content
            assert hashlib.sha256(part).hexdigest() == request.url.params["sha256"]
            assert int(request.url.params["offset"]) == len(self.received)
            if len(self.patches) in self.drop:
                self.received += part[: len(part) // 2]
                raise httpx.ReadError("connection reset", request=request)
            self.received += part
            return httpx.Response(200, json=self.upload())
        if request.method == "POST" and path.endswith("/complete"):
            return httpx.Response(201, json={
                "id": VIDEO, "project_id": PROJECT, "title": "Cut", "url": "http://x/v.mp4",
                "duration": 1.0, "status": "processing", "created_at": AT})  # fmt: skip
        return httpx.Response(404)


@pytest.fixture
def video_file(tmp_path: Path) -> Path:
    path = tmp_path / "cut.mp4"
    path.write_bytes(bytes(range(256)) * 40)  # 10240 bytes
    return path


def client(server: FakeServer, retries: int = 2) -> Client:
    return Client(
        base_url="http://videoplanet.test", token="t", retries=retries,
        transport=httpx.MockTransport(server), contract_validation="off",
    )  # fmt: skip


def test_the_file_goes_up_in_parts(video_file: Path) -> None:
    server = FakeServer(drop=set())
    with client(server) as api:
        video = api.videos.upload(project_id=PROJECT, path=video_file, part_size=4096)
    assert video.status == "processing"
    assert server.patches == [0, 4096, 8192]
    assert server.received == video_file.read_bytes()


def test_a_broken_part_is_sent_again_from_where_the_server_stands(video_file: Path) -> None:
    server = FakeServer(drop={2})
    with client(server) as api:
        api.videos.upload(project_id=PROJECT, path=video_file, part_size=4096)
    assert server.patches == [0, 4096, 6144]  # 2048 bytes of the second part had arrived
    assert server.received == video_file.read_bytes()


def test_an_upload_that_keeps_failing_can_be_resumed_later(video_file: Path) -> None:
    server = FakeServer(drop={1, 2})
    with client(server, retries=1) as api, pytest.raises(UploadInterrupted) as stopped:
        api.videos.upload(project_id=PROJECT, path=video_file, part_size=4096)
    assert stopped.value.upload_id == UPLOAD
    server.drop = set()
    with client(server) as api:
        api.videos.upload(
            project_id=PROJECT, path=video_file, part_size=4096, upload_id=stopped.value.upload_id
        )
    assert server.received == video_file.read_bytes()


def async_client(server: FakeServer, retries: int = 2) -> AsyncClient:
    return AsyncClient(
        base_url="http://videoplanet.test", token="t", retries=retries,
        transport=httpx.MockTransport(server), contract_validation="off",
    )  # fmt: skip


@pytest.mark.asyncio
async def test_async_the_file_goes_up_in_parts_and_broken_parts_are_resent(
    video_file: Path,
) -> None:
    server = FakeServer(drop={2})
    async with async_client(server) as api:
        video = await api.videos.upload(project_id=PROJECT, path=video_file, part_size=4096)
    assert video.status == "processing"
    assert server.patches == [0, 4096, 6144]  # 2048 bytes of the second part had arrived
    assert server.received == video_file.read_bytes()


@pytest.mark.asyncio
async def test_async_an_upload_that_keeps_failing_can_be_resumed_later(video_file: Path) -> None:
    server = FakeServer(drop={1, 2})
    async with async_client(server, retries=1) as api:
        with pytest.raises(UploadInterrupted) as stopped:
            await api.videos.upload(project_id=PROJECT, path=video_file, part_size=4096)
    assert stopped.value.upload_id == UPLOAD
    server.drop = set()
    async with async_client(server) as api:
        await api.videos.upload(
            project_id=PROJECT, path=video_file, part_size=4096, upload_id=UPLOAD
        )
    assert server.received == video_file.read_bytes()
