"""docker-compose.yml and the Dockerfile are safe as written: no fallback secret, the
app published on loopback unless told otherwise, media only through signed links (videoplanet/media/tests/test_serving.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|DSN|CREDENTIAL", re.IGNORECASE)
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def resolve_unset(value: str) -> str:
    """The value as compose reads it when no variable is set: defaults filled in, and a
    required variable is an error (raised here too)."""

    def one(match: re.Match[str]) -> str:
        op = match["op"] or ""
        if op.endswith("?"):
            raise LookupError(f"{match['name']} is required: {match['arg']}")
        return match["arg"] if op.endswith("-") else ""

    return INTERPOLATION.sub(one, value)


def environments(compose: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows = []
    for service_name, service in compose["services"].items():
        environment = service.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        rows += [(service_name, key, str(value)) for key, value in environment.items()]
    return rows


def test_no_secret_has_a_fallback(compose: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for match in INTERPOLATION.finditer(text):
        if SECRET_NAME.search(match["name"]):
            assert (match["op"] or "").endswith("?"), f"{match[0]} must be required (:?)"
    secrets = [row for row in environments(compose) if SECRET_NAME.search(row[1])]
    assert {(service, key) for service, key, _ in secrets} >= {
        ("app", "SECRET_KEY"),
        ("postgres", "POSTGRES_PASSWORD"),
    }
    for service, key, value in secrets:
        with pytest.raises(LookupError):  # compose refuses to start without it
            resolve_unset(value)
        assert INTERPOLATION.fullmatch(value), f"{service}.{key} is written in the file"


def test_the_database_password_is_not_written_in_the_url(compose: dict[str, Any]) -> None:
    url = compose["services"]["app"]["environment"]["DATABASE_URL"]
    password = re.fullmatch(r"postgres://[^:]+:(?P<password>.+)@[^@]+", url)
    assert password is not None
    assert password["password"].startswith("${POSTGRES_PASSWORD:?")


def test_every_published_port_is_on_loopback_unless_told_otherwise(
    compose: dict[str, Any],
) -> None:
    published = [
        (name, str(port))
        for name, service in compose["services"].items()
        for port in service.get("ports", [])
    ]
    assert [name for name, _ in published] == ["app"]  # PostgreSQL and Redis stay inside
    for name, port in published:
        assert port.startswith("${BIND_ADDRESS:-127.0.0.1}:"), port
        assert resolve_unset(port).split(":")[0] == "127.0.0.1", f"{name}: {port}"


def test_the_image_bakes_in_no_secret() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    declared = re.findall(r"^(?:ENV|ARG)\s+(.+?)(?<!\\)$", dockerfile, re.MULTILINE | re.DOTALL)
    assert declared, "the Dockerfile declares its environment"
    assert not any(SECRET_NAME.search(line) for line in declared)
    assert ".env" in (ROOT / ".dockerignore").read_text().split()
