"""The broker workflow never passes silently, and asks the broker the right questions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACT_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "videoplanet.contracts.broker", *args],
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
    assert "--broker-token secret" in line


def test_verify_uses_pending_wip_and_publishes_results() -> None:
    result = run(
        "--dry-run", "verify", **BROKER, PACT_BROKER_USERNAME="admin", PACT_BROKER_PASSWORD="pw"
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout
    for part in [
        "pact verifier --broker-url https://broker.example.com --user admin --password pw",
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
    assert [("VideoPlanet-Frontend" in lines[0]), ("VideoPlanet-Backend" in lines[1])] == [
        True,
        True,
    ]
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
    assert lines[1].endswith("-m videoplanet.contracts.messages verify-broker --no-publish")
