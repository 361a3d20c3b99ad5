"""Fixtures for the SDK's tests: a real server process per module and its worlds.

Run from the repository root (``.venv/bin/python -m pytest clients/python/tests``):
the end-to-end tests start ``make provider``'s server with ``tests.server``.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from videoplanet_client import Client, Session

from tests.server import REPO_ROOT, ProviderServer

JOHN_TOKEN = "valid-token"
JANE = {"email": "jane@example.com", "password": "jane-password-1"}


class Provider:
    """The server of a test module; ``state()`` resets its database to a named world,
    ``signup_key()`` reads the sign-up link the server emailed (into ``mail_dir``)."""

    def __init__(self, server: ProviderServer, mail_dir: Path) -> None:
        self.server = server
        self.url = server.url
        self.mail_dir = mail_dir

    def signup_key(self, email: str) -> str:
        """The key of the newest sign-up link sent to ``email``."""
        for path in sorted(self.mail_dir.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
            for message in path.read_text(encoding="utf-8").split("-" * 79):
                if f"To: {email}" in message:
                    found = re.search(r"verify-email\?key=([\w-]+)", message)
                    if found:
                        return found.group(1)
        raise AssertionError(f"no sign-up link was emailed to {email}")

    def sign_up(self, *, name: str, email: str, password: str = "long-password-123") -> Session:
        """A new verified account: sign up, then follow the emailed link."""
        with Client(base_url=self.url) as anonymous:
            anonymous.auth.register(name=name, email=email, password=password)
            return anonymous.auth.verify_email(key=self.signup_key(email), password=password)

    def state(self, name: str) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/pact/provider-states", json={"state": name, "action": "setup"}
        )
        response.raise_for_status()
        return {
            **response.json(),
            "token": JOHN_TOKEN,
            "jane_id": "550e8400-e29b-41d4-a716-446655440005",
            "jane_email": JANE["email"],
            "jane_password": JANE["password"],
        }


@pytest.fixture(scope="module")
def restartable() -> bool:
    """Override with True in a module that stops and starts its server."""
    return False


def _uvicorn(port: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "config.asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip


def _mail_env(mail_dir: Path) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }


def _restartable_server(workdir: Path) -> ProviderServer:
    """The provider app on a database file that outlives the process.

    `make provider` deletes its database when it stops; this one keeps users and tokens,
    so the server can be stopped and started again on the same port.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        **_mail_env(workdir / "mail"),
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT, env=env, check=True,
    )  # fmt: skip
    return ProviderServer(_uvicorn, env=env, stop_signals=(signal.SIGTERM, signal.SIGKILL))


@pytest.fixture(scope="module")
def provider(restartable: bool, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """One real server process for the test module."""
    workdir = tmp_path_factory.mktemp("server")
    (workdir / "mail").mkdir()
    server = (
        _restartable_server(workdir)
        if restartable
        else ProviderServer(env={**os.environ, **_mail_env(workdir / "mail")})
    )
    with server:
        yield Provider(server, workdir / "mail")


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def make_image() -> Callable[..., bytes]:
    return image_bytes


RECTANGLE = {
    "shapes": [
        {
            "type": "rectangle",
            "coordinates": [100, 100, 200, 200],
            "style": {"color": "#FF0000", "width": 2},
        }
    ]
}


@pytest.fixture
def drawing() -> dict[str, Any]:
    return RECTANGLE
