"""``python -m videoplanet_client`` from a shell, against a real server process."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image

if TYPE_CHECKING:
    from conftest import Provider

pytestmark = pytest.mark.server


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("VIDEOPLANET_")} | (
        env or {}
    )
    return subprocess.run(
        [sys.executable, "-m", "videoplanet_client", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def as_john(provider: Provider) -> list[str]:
    return ["--base-url", provider.url, "--token", "valid-token"]


def test_list_as_json(provider: Provider) -> None:
    world = provider.state("video has feedbacks")
    result = cli(*as_john(provider), "feedbacks", "list", world["video_id"], "--json")
    assert result.returncode == 0, result.stderr
    (item,) = json.loads(result.stdout)
    assert (item["id"], item["timestamp"], item["status"]) == (world["feedback_id"], 30.5, "open")
    assert item["user"]["name"] == "John Doe"
    assert item["created_at"].endswith("Z")


def test_list_as_a_table_with_a_filter(provider: Provider) -> None:
    world = provider.state("video has feedbacks")
    result = cli(*as_john(provider), "feedbacks", "list", world["video_id"])
    assert result.returncode == 0, result.stderr
    header, row = result.stdout.splitlines()
    assert header.split() == ["TIME", "PRIORITY", "STATUS", "AUTHOR", "ID", "CONTENT"]
    assert row.split() == [
        "30.5", "medium", "open", "John", "Doe", world["feedback_id"], "Sample", "feedback",
    ]  # fmt: skip

    none = cli(*as_john(provider), "feedbacks", "list", world["video_id"], "--status", "closed")
    assert (none.returncode, none.stdout.strip()) == (0, "No feedback.")


def test_create_with_a_screenshot_file(
    provider: Provider, make_image: Callable[..., bytes], tmp_path: Path
) -> None:
    world = provider.state("user is authenticated")
    shot = tmp_path / "shot.webp"
    shot.write_bytes(make_image("WEBP"))
    result = cli(
        *as_john(provider), "feedbacks", "create", world["video_id"],
        "--timestamp", "30.5", "--content", "Button alignment issue", "--priority", "high",
        "--screenshot", str(shot), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert (created["timestamp"], created["priority"], created["content"]) == (
        30.5, "high", "Button alignment issue",
    )  # fmt: skip
    # Stored re-encoded (lossy WebP at the server's quality): the same picture, not the
    # same bytes.
    served = Image.open(io.BytesIO(httpx.get(created["screenshot_url"]).content))
    assert (served.format, served.size) == ("WEBP", Image.open(shot).size)

    table = cli(
        *as_john(provider), "feedbacks", "create", world["video_id"],
        "--timestamp", "31", "--content", "Second",
    )  # fmt: skip
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[1].split()[:3] == ["31", "medium", "open"]


def test_me_reads_the_environment(provider: Provider) -> None:
    provider.state("user is authenticated")
    env = {"VIDEOPLANET_BASE_URL": provider.url, "VIDEOPLANET_TOKEN": "valid-token"}
    result = cli("me", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "id": "550e8400-e29b-41d4-a716-446655440002",
        "name": "John Doe",
        "email": "john@example.com",
    }
    table = cli("me", env=env)
    assert "john@example.com" in table.stdout.splitlines()[1]


def test_api_errors_exit_1_with_code_and_message(provider: Provider) -> None:
    world = provider.state("user is authenticated")
    bad_token = cli("--base-url", provider.url, "--token", "nope", "me")
    assert bad_token.returncode == 1
    assert bad_token.stderr.startswith("error: authentication_failed: ")
    assert bad_token.stdout == ""

    invalid = cli(
        *as_john(provider), "feedbacks", "create", world["video_id"],
        "--timestamp", "500", "--content", "Past the end",
    )  # fmt: skip
    assert invalid.returncode == 1
    first, *details = invalid.stderr.splitlines()
    assert first.startswith("error: validation_error: ")
    assert details and details[0].lstrip().startswith("timestamp: ")

    as_json = cli(
        *as_john(provider), "--json", "feedbacks", "list", "550e8400-e29b-41d4-a716-000000000000"
    )
    assert as_json.returncode == 1
    assert json.loads(as_json.stderr)["code"] == "not_found"


def test_usage_errors_exit_2() -> None:
    assert cli("me").returncode == 2  # no base URL
    assert cli("--base-url", "http://127.0.0.1:1", "feedbacks", "list").returncode == 2
