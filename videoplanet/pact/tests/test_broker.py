"""The broker workflow never passes silently, and asks the broker the right questions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from videoplanet.pact import broker

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "videoplanet.pact.broker", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize(
    "command",
    [
        ["publish"],
        ["verify"],
        ["can-i-deploy"],
        ["record-deployment", "--environment", "production"],
    ],
)
def test_every_command_refuses_to_run_without_a_broker(command: list[str]) -> None:
    result = run(*command)
    assert result.returncode == 2
    assert "PACT_BROKER_URL is not set" in result.stderr
    assert "$ " not in result.stdout  # nothing was attempted


def test_make_targets_fail_loudly_without_a_broker() -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    result = subprocess.run(
        ["make", "-s", "can-i-deploy"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "PACT_BROKER_URL is not set" in result.stderr


BROKER = {
    "PACT_BROKER_URL": "https://broker.example.com",
    "PACT_VERSION": "abc123",
    "PACT_BRANCH": "feature-x",
}


def test_publish_is_versioned_by_commit_and_branch() -> None:
    result = run("--dry-run", "publish", **BROKER, PACT_BROKER_TOKEN="secret")
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    assert "broker publish" in line and str(ROOT / "pacts") in line
    assert "--consumer-app-version abc123" in line and "--branch feature-x" in line
    assert "--broker-base-url https://broker.example.com" in line


def test_verify_uses_pending_wip_and_publishes_results() -> None:
    result = run(
        "--dry-run", "verify", **BROKER, PACT_BROKER_USERNAME="admin", PACT_BROKER_PASSWORD="pw"
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout
    for part in [
        "pact verifier --broker-url https://broker.example.com --provider-name",
        "--provider-name VideoPlanet-Backend",
        "--enable-pending",
        "--include-wip-pacts-since",
        "--provider-version abc123",
        "--provider-branch feature-x",
        "/pact/provider-states",
        "--publish",
    ]:
        assert part in line, part
    assert "Authorization" not in line  # the pacts carry their own example tokens


def test_can_i_deploy_asks_for_both_sides_and_record_deployment_names_the_environment() -> None:
    check = run("--dry-run", "can-i-deploy", "--to-environment", "production", **BROKER)
    lines = check.stdout.splitlines()
    named = [line.split("--pacticipant ")[1].split(" ")[0] for line in lines]
    assert named == ["VideoPlanet-Frontend", "VideoPlanet-Python-SDK", "VideoPlanet-Backend"]
    assert all(
        "--to-environment production" in line and "--version abc123" in line for line in lines
    )
    record = run("--dry-run", "record-deployment", "--environment", "staging", **BROKER)
    assert all("--environment staging" in line for line in record.stdout.splitlines())
    assert len(record.stdout.splitlines()) == 2


def test_verify_also_verifies_the_room_message_pacts() -> None:
    result = run("--dry-run", "verify", "--no-publish", **BROKER)
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "--publish" not in lines[0]
    assert lines[1].endswith("manage.py pact_verify_messages --no-publish")


SECRET = "s3cr3t-broker-token"


@pytest.mark.parametrize("command", [["publish"], ["verify"], ["can-i-deploy"]])
def test_no_secret_is_printed_or_put_on_a_command_line(command: list[str]) -> None:
    token = run("--dry-run", *command, **BROKER, PACT_BROKER_TOKEN=SECRET)
    basic = run(
        "--dry-run", *command, **BROKER, PACT_BROKER_USERNAME="admin", PACT_BROKER_PASSWORD=SECRET
    )
    for result in (token, basic):
        assert result.returncode == 0, result.stderr
        assert SECRET not in result.stdout + result.stderr
        for flag in ("--broker-token", "--broker-password", "--token", "--password"):
            assert f"{flag} " not in result.stdout


def test_a_password_in_the_broker_url_stays_off_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [name for name in os.environ if name.startswith("PACT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PACT_BROKER_URL", f"https://admin:{SECRET}@broker.example.com:9292")
    monkeypatch.setenv("PACT_VERSION", "abc123")
    calls: list[tuple[list[str], dict[str, str]]] = []

    def call(command: list[str], **kwargs: Any) -> int:
        calls.append((command, kwargs["env"]))
        return 0

    monkeypatch.setattr(broker.subprocess, "call", call)
    assert broker.main(["publish"]) == 0
    [(argv, env)] = calls
    assert SECRET not in " ".join(argv)
    assert "https://broker.example.com:9292" in argv
    assert (env["PACT_BROKER_USERNAME"], env["PACT_BROKER_PASSWORD"]) == ("admin", SECRET)


def test_the_cli_gets_the_token_from_its_environment_and_the_echo_is_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {**BROKER, "PACT_BROKER_TOKEN": SECRET}.items():
        monkeypatch.setenv(name, value)
    calls: list[tuple[list[str], dict[str, str]]] = []

    def call(command: list[str], **kwargs: Any) -> int:
        calls.append((command, kwargs["env"]))
        return 0

    monkeypatch.setattr(broker.subprocess, "call", call)
    # A value that happens to hold the secret (here: the version) is printed redacted.
    monkeypatch.setenv("PACT_VERSION", f"v-{SECRET}")
    assert broker.main(["record-deployment", "--environment", "production"]) == 0
    assert len(calls) == 2
    for argv, env in calls:
        assert "--broker-token" not in argv
        assert env["PACT_BROKER_TOKEN"] == SECRET
    printed = capsys.readouterr().out
    assert SECRET not in printed
    assert "--version v-***" in printed


def test_redact_hides_url_passwords_and_secret_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PACT_BROKER_PASSWORD", "hunter2")
    monkeypatch.delenv("PACT_BROKER_URL", raising=False)
    assert broker.redact("curl https://u:p4ss@h.example/x --pw hunter2") == (
        "curl https://u:***@h.example/x --pw ***"
    )
