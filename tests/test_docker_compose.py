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


def stages(dockerfile: str) -> dict[str, str]:
    """Each build stage's text by its name (``AS name``; the last one is ``final``)."""
    parts = re.split(r"^FROM\s+", dockerfile, flags=re.MULTILINE)[1:]
    named: dict[str, str] = {}
    for i, part in enumerate(parts):
        match = re.match(r"\S+(?:\s+AS\s+(\w+))?", part, re.IGNORECASE)
        assert match is not None
        name = "final" if i == len(parts) - 1 else (match[1] or str(i))
        named[name] = "FROM " + part
    return named


def test_the_image_builds_the_web_app_and_serves_it() -> None:
    """`/` in the image is the web app built from its sources, not a 'not built' page."""
    built = stages((ROOT / "Dockerfile").read_text())
    assert set(built) == {"web", "final"}
    web, final = built["web"], built["final"]
    assert re.match(r"FROM node:20\b", web), "the web app builds on Node 20, as `make web`"
    steps = [line.strip() for line in web.splitlines()]
    npm_ci = next(i for i, line in enumerate(steps) if "npm ci" in line)
    build = next(i for i, line in enumerate(steps) if "npm run build" in line)
    contracts = next(i for i, line in enumerate(steps) if line.startswith("COPY contracts"))
    assert npm_ci < build and contracts < build, "the build compiles the committed contracts"
    # The app reads web/dist under its base directory (WEB_DIST_DIR), and collectstatic
    # must see it to serve /static/app/.
    copied = re.search(r"^COPY --from=web /src/web/dist \./web/dist$", final, re.MULTILINE)
    collect = final.find("collectstatic")
    assert copied and 0 <= copied.start() < collect
    assert re.search(r"^WORKDIR /app$", final, re.MULTILINE)
    # A local build or node_modules never leaks into the context: the image builds its own.
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"web/node_modules", "web/dist"} <= set(ignored)
