"""No ticket or token in a log line: the filter, and real uvicorn processes' output."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Iterator

import httpx
import pytest
import websockets
from websockets.exceptions import ConnectionClosed

from tests.server import ProviderServer
from videoplanet.realtime.redaction import RedactCredentials, redact

VIDEO = "00000000-0000-4000-8000-000000000001"
SECRETS = ("tkt-SECRET-1", "vp_SECRET-2", "vp_SECRET-3")


def test_values_of_ticket_and_token_go_whatever_their_place() -> None:
    assert redact("/ws/videos/x/?ticket=abc") == "/ws/videos/x/?ticket=[redacted]"
    assert redact("/p?a=1&TOKEN=abc&b=2") == "/p?a=1&TOKEN=[redacted]&b=2"
    assert redact('"GET /p?token=abc HTTP/1.1"') == '"GET /p?token=[redacted] HTTP/1.1"'
    assert redact("/p?tokens=keep&notoken=keep") == "/p?tokens=keep&notoken=keep"


def test_the_filter_keeps_uvicorns_access_arguments_in_place() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/api/v1/me?token=abc", "1.1", 200), None,
    )  # fmt: skip
    assert RedactCredentials().filter(record)
    assert record.args == ("127.0.0.1:5000", "GET", "/api/v1/me?token=[redacted]", "1.1", 200)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /api/v1/me?token=[redacted] HTTP/1.1" 200'


def test_the_app_puts_it_on_uvicorns_loggers() -> None:
    for name in ("uvicorn.access", "uvicorn.error"):
        assert any(isinstance(f, RedactCredentials) for f in logging.getLogger(name).filters)


async def knock(url: str) -> None:
    """Open a room with credentials in the URL; the server refuses, which is fine."""
    try:
        async with websockets.connect(url, open_timeout=10) as ws:
            await asyncio.wait_for(ws.recv(), 10)
    except ConnectionClosed:
        pass


def assert_redacted(output: str) -> None:
    assert "[redacted]" in output, output
    for secret in SECRETS:
        assert secret not in output, output


@pytest.fixture
def access_logged_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    """uvicorn as the Docker image runs it: access log on, INFO."""
    workdir = tmp_path_factory.mktemp("redaction")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
    )

    def command(port: int) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "info",
        ]  # fmt: skip

    with ProviderServer(command, env=env) as server:
        yield server


@pytest.mark.server
def test_make_provider_logs_no_ticket_or_token() -> None:
    with ProviderServer() as server:  # `make provider`, as `make run`: no access log
        base = f"ws://{server.host}:{server.port}/ws/videos/{VIDEO}/"
        asyncio.run(knock(f"{base}?ticket={SECRETS[0]}&token={SECRETS[1]}"))
        asyncio.run(knock(f"{base}?token={SECRETS[2]}"))
        server.stop()
        output = server.output()
    assert "WebSocket /ws/videos/" in output, output
    assert_redacted(output)


@pytest.mark.server
def test_uvicorns_access_log_prints_no_ticket_or_token(
    access_logged_server: ProviderServer,
) -> None:
    server = access_logged_server
    response = httpx.get(f"{server.url}/api/v1/openapi.json?token={SECRETS[1]}", timeout=10)
    assert response.status_code == 200
    base = f"ws://{server.host}:{server.port}/ws/videos/{VIDEO}/"
    asyncio.run(knock(f"{base}?ticket={SECRETS[0]}"))
    asyncio.run(knock(f"{base}?token={SECRETS[2]}"))
    server.stop()
    output = server.output()
    assert "GET /api/v1/openapi.json?token=[redacted]" in output, output
    assert_redacted(output)
