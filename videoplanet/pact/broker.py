"""The Pact Broker workflow (docs/contract-testing.md §5) with the `pact` CLI from pact-python-cli.

    python -m videoplanet.pact.broker publish            # consumer pacts → broker
    python -m videoplanet.pact.broker verify             # broker pacts → real provider
    python -m videoplanet.pact.broker can-i-deploy [--to-environment production]
    python -m videoplanet.pact.broker record-deployment --environment production

Versions are the git commit sha and branch (or PACT_VERSION / PACT_BRANCH). The broker
comes from PACT_BROKER_URL, with PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD.
Without PACT_BROKER_URL every command stops with a clear message and exit code 2: a
contract step that did not run must never look like one that passed. ``--dry-run``
prints the commands instead of running them.

Secrets never go on a command line (where ``ps`` and CI logs would show them): the
`pact` CLI reads PACT_BROKER_TOKEN, PACT_BROKER_USERNAME and PACT_BROKER_PASSWORD from
its environment, which it inherits. Every command line printed is redacted: a secret
value, or a password in a URL, is shown as ``***``.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACTS = ROOT / "pacts"
# The web app and the Python SDK: both publish their pacts from pacts/.
CONSUMERS = ("VideoPlanet-Frontend", "VideoPlanet-Python-SDK")
PROVIDER = "VideoPlanet-Backend"
PROVIDER_REALTIME = "VideoPlanet-Backend-Realtime"


class BrokerNotConfigured(SystemExit):
    def __init__(self) -> None:
        print(
            "PACT_BROKER_URL is not set: nothing was published, verified or checked.\n"
            "Set PACT_BROKER_URL (and PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/"
            "PACT_BROKER_PASSWORD); `docker compose -f docker-compose.pact.yml up` runs a "
            "local broker on http://localhost:9292.",
            file=sys.stderr,
        )
        super().__init__(2)


def pact_cli() -> str:
    beside = Path(sys.executable).with_name("pact")
    found = str(beside) if beside.exists() else shutil.which("pact")
    if not found:
        raise SystemExit("the `pact` CLI is missing: pip install pact-python-cli")
    return found


def _git(*args: str) -> str:
    try:
        return subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def version() -> str:
    return os.environ.get("PACT_VERSION") or _git("rev-parse", "HEAD") or "unknown"


def branch() -> str:
    return (
        os.environ.get("PACT_BRANCH")
        or os.environ.get("GITHUB_HEAD_REF")
        or os.environ.get("GITHUB_REF_NAME")
        or _git("rev-parse", "--abbrev-ref", "HEAD")
        or "unknown"
    )


def broker_url() -> str:
    url = os.environ.get("PACT_BROKER_URL", "")
    if not url:
        raise BrokerNotConfigured()
    return url


SECRET_VARIABLES = ("PACT_BROKER_TOKEN", "PACT_BROKER_PASSWORD")
REDACTED = "***"


def _split_url(url: str) -> tuple[str, str, str]:
    """``url`` without user and password, and those two (URL-decoded, maybe empty)."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url, "", ""
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc += f":{parts.port}"
    bare = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    return (
        bare,
        urllib.parse.unquote(parts.username or ""),
        urllib.parse.unquote(parts.password or ""),
    )


def command_url() -> str:
    """The broker URL as it goes on a command line: without a user or password in it."""
    return _split_url(broker_url())[0]


def cli_environment() -> dict[str, str]:
    """The `pact` CLI's environment: this one, plus the user and password of a
    PACT_BROKER_URL that carries them (unless PACT_BROKER_USERNAME is set)."""
    environment = dict(os.environ)
    url = environment.get("PACT_BROKER_URL", "")
    _, username, password = _split_url(url) if url else ("", "", "")
    if username and not environment.get("PACT_BROKER_USERNAME"):
        environment["PACT_BROKER_USERNAME"] = username
        environment["PACT_BROKER_PASSWORD"] = password
    return environment


def broker_args() -> list[str]:
    """The broker URL for `pact broker ...` commands; credentials stay in the
    environment (PACT_BROKER_TOKEN, PACT_BROKER_USERNAME/PASSWORD)."""
    return ["--broker-base-url", command_url()]


def _secrets() -> list[str]:
    found = [value for name in SECRET_VARIABLES if (value := os.environ.get(name, ""))]
    url = os.environ.get("PACT_BROKER_URL", "")
    if url:
        password = _split_url(url)[2]
        found += [password, urllib.parse.quote(password, safe="")] if password else []
    return found


def redact(text: str) -> str:
    """``text`` without the broker secrets of this environment or a URL's password."""
    for secret in sorted(_secrets(), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _redact_url_passwords(text)


def _redact_url_passwords(text: str) -> str:
    words = []
    for word in text.split(" "):
        if "://" in word and "@" in word:
            try:
                parts = urllib.parse.urlsplit(word.strip("'\""))
            except ValueError:
                parts = None
            if parts is not None and parts.password:
                netloc = f"{parts.username}:{REDACTED}@{parts.hostname}"
                if parts.port:
                    netloc += f":{parts.port}"
                word = word.replace(parts.netloc, netloc)
        words.append(word)
    return " ".join(words)


def publish_commands() -> list[list[str]]:
    # fmt: skip below: each flag on one line with its value, as it is typed.
    return [
        [
            pact_cli(), "broker", "publish", str(PACTS), *broker_args(),
            "--consumer-app-version", version(), "--branch", branch(),
        ]
    ]  # fmt: skip


def can_i_deploy_commands(to_environment: str | None) -> list[list[str]]:
    target = ["--to-environment", to_environment] if to_environment else ["--branch", "main"]
    # fmt: skip below: each flag on one line with its value, as it is typed.
    return [
        [pact_cli(), "broker", "can-i-deploy", *broker_args(),
         "--pacticipant", name, "--version", version(), *target,
         "--retry-while-unknown", "6", "--retry-interval", "10"]
        for name in (*CONSUMERS, PROVIDER)
    ]  # fmt: skip


def record_deployment_commands(environment: str, pacticipants: Sequence[str]) -> list[list[str]]:
    # fmt: skip below: each flag on one line with its value, as it is typed.
    return [
        [pact_cli(), "broker", "record-deployment", *broker_args(),
         "--pacticipant", name, "--version", version(), "--environment", environment]
        for name in pacticipants
    ]  # fmt: skip


def verify_command(port: int, *, publish: bool) -> list[str]:
    """Verify the provider's pacts from the broker: main-branch, deployed and same-branch
    consumer versions, pending pacts (not failing the build) and WIP pacts.

    No Authorization header is injected: the consumer's interactions carry their own
    example token (``Bearer valid-token``, which every provider state issues), so an
    interaction that sends a bad token can still expect its 401. The verifier reads the
    broker's credentials from PACT_BROKER_TOKEN or PACT_BROKER_USERNAME/PASSWORD."""
    command = [
    # fmt: skip below: each flag on one line with its value, as it is typed.
        pact_cli(), "verifier", "--broker-url", command_url(),
        "--provider-name", PROVIDER, "--hostname", "127.0.0.1", "--port", str(port),
        "--state-change-url", f"http://127.0.0.1:{port}/pact/provider-states",
        "--state-change-teardown",
        "--consumer-version-selectors", '{"mainBranch": true}',
        "--consumer-version-selectors", '{"deployedOrReleased": true}',
        "--consumer-version-selectors", '{"matchingBranch": true}',
        "--enable-pending", "--include-wip-pacts-since", "2026-01-01",
        "--provider-version", version(), "--provider-branch", branch(),
    ]  # fmt: skip
    if publish:
        command.append("--publish")
    return command


def messages_command(*, publish: bool) -> list[str]:
    """The room-message pacts (provider VideoPlanet-Backend-Realtime) from the broker,
    produced by the server's own message builders (pact-python's Verifier)."""
    command = [sys.executable, "manage.py", "pact_verify_messages"]
    return command if publish else [*command, "--no-publish"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(commands: list[list[str]], dry_run: bool) -> int:
    for command in commands:
        print("$", redact(shlex.join(command)), flush=True)
        if not dry_run:
            code = subprocess.call(command, cwd=ROOT, env=cli_environment())
            if code:
                return code
    return 0


def verify(*, publish: bool, dry_run: bool) -> int:
    port = _free_port()
    command = verify_command(port, publish=publish)
    if dry_run:
        return _run([command, messages_command(publish=publish)], dry_run=True)
    provider = subprocess.Popen(
        [sys.executable, "-m", "videoplanet.pact.provider", "--port", str(port)],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in SECRET_VARIABLES},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2)
                break
            except OSError:
                if provider.poll() is not None or time.monotonic() > deadline:
                    print("the provider did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        code = _run([command], dry_run=False)
    finally:
        provider.terminate()
        provider.wait(timeout=30)
    return code or _run([messages_command(publish=publish)], dry_run=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m videoplanet.pact.broker")
    parser.add_argument("--dry-run", action="store_true", help="print the commands only")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("publish", help="publish pacts/*.json as this git version and branch")
    verify_parser = sub.add_parser("verify", help="verify the broker's pacts against make provider")
    verify_parser.add_argument("--no-publish", action="store_true", help="keep results local")
    deploy = sub.add_parser("can-i-deploy", help="ask the broker whether this version is safe")
    deploy.add_argument("--to-environment", default=None)
    record = sub.add_parser("record-deployment", help="record this version as deployed")
    record.add_argument("--environment", required=True)
    record.add_argument("--pacticipant", action="append", default=None)
    args = parser.parse_args(argv)
    broker_url()  # every command needs the broker: stop here, clearly, if it is not set
    if args.command == "publish":
        return _run(publish_commands(), args.dry_run)
    if args.command == "verify":
        return verify(publish=not args.no_publish, dry_run=args.dry_run)
    if args.command == "can-i-deploy":
        return _run(can_i_deploy_commands(args.to_environment), args.dry_run)
    names = args.pacticipant or [PROVIDER, PROVIDER_REALTIME]
    return _run(record_deployment_commands(args.environment, names), args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
