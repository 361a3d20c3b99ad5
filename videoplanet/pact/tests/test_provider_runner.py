"""`make provider` and config.settings.provider start only on a throwaway database and a
loopback address; the provider-state endpoint answers loopback clients only."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from videoplanet.accounts.models import User
from videoplanet.pact.provider import main, provider_start_problems

ROOT = Path(__file__).resolve().parents[3]
TEMP = Path(tempfile.gettempdir())


def sqlite(name: str | Path) -> dict[str, str]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(name)}


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]"])
def test_a_temporary_sqlite_file_on_loopback_may_start(host: str) -> None:
    database = sqlite(TEMP / "videoplanet-provider-x" / "provider.sqlite3")
    assert provider_start_problems(database=database, host=host) == []


@pytest.mark.parametrize(
    "database",
    [
        sqlite(ROOT / "var" / "db.sqlite3"),
        sqlite(TEMP / ".." / "srv" / "db.sqlite3"),
        sqlite(TEMP),
        sqlite(":memory:"),
        {"ENGINE": "django.db.backends.postgresql", "NAME": "videoplanet"},
    ],
    ids=["the app's own file", "outside via ..", "the temp dir itself", "memory", "postgresql"],
)
def test_any_other_database_is_refused(database: dict[str, str]) -> None:
    [problem] = provider_start_problems(database=database, host="127.0.0.1")
    assert "throwaway SQLite file" in problem


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.com", "localhost"])
def test_any_other_bind_address_is_refused(host: str) -> None:
    database = sqlite(TEMP / "provider.sqlite3")
    [problem] = provider_start_problems(database=database, host=host)
    assert "loopback" in problem


def _load_provider_settings(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "PROVIDER_HOST")
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.provider", **env)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PACT_PROVIDER_STATES_ENABLED)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_settings_load_on_what_make_provider_creates(tmp_path: Path) -> None:
    result = _load_provider_settings(DATABASE_URL=f"sqlite:///{tmp_path / 'provider.sqlite3'}")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("env", "reason"),
    [
        ({}, "throwaway SQLite file"),  # DATABASE_URL unset: the app's own var/db.sqlite3
        ({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/videoplanet"}, "throwaway"),
        (
            {"DATABASE_URL": f"sqlite:///{TEMP / 'vp' / 'p.sqlite3'}", "PROVIDER_HOST": "0.0.0.0"},
            "loopback",
        ),
    ],
    ids=["no DATABASE_URL", "postgresql", "public address"],
)
def test_the_settings_refuse_anything_else(env: dict[str, str], reason: str) -> None:
    result = _load_provider_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: config.settings.provider refuses to start" in result.stderr
    assert reason in result.stderr


def test_the_runner_refuses_a_public_address_before_creating_anything(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_workdir(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("a throwaway folder was created")

    monkeypatch.setattr(tempfile, "mkdtemp", no_workdir)
    with pytest.raises(SystemExit) as exit_:
        main(["--port", "9000", "--host", "0.0.0.0"])
    assert exit_.value.code == 2
    assert "loopback only" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.usefixtures("provider_states_on")
def test_the_state_endpoint_answers_loopback_clients_only(anon: Any) -> None:
    body = {"state": "user is authenticated", "params": {}}
    remote = anon.post("/pact/provider-states", body, format="json", REMOTE_ADDR="203.0.113.9")
    assert remote.status_code == 404
    assert not User.objects.exists()
    local = anon.post("/pact/provider-states", body, format="json", REMOTE_ADDR="::1")
    assert local.status_code == 200
    assert User.objects.exists()
