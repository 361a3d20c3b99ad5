"""`make provider PORT=N`: serve the app for contract verification.

A fresh throwaway SQLite database and media folder, migrated, with the Pact
provider-state endpoint on (config.settings.provider), served by uvicorn on
127.0.0.1:PORT. Everything is deleted when the server stops.

The provider-state endpoint replaces the database's contents on request, unauthenticated.
So this runner, and config.settings.provider itself, refuse to start on anything but a
SQLite file under the system's temporary directory, or on a non-loopback address
(:func:`provider_start_problems`).
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8 or ::1, written as an address (``[::1]`` too); names do not count."""
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


def is_throwaway_database(database: Mapping[str, Any]) -> bool:
    """A SQLite file inside the system's temporary directory (never the directory itself)."""
    if not str(database.get("ENGINE", "")).endswith("sqlite3"):
        return False
    name = str(database.get("NAME", ""))
    if not name or name == ":memory:" or name.startswith("file:"):
        return False
    temp = Path(tempfile.gettempdir()).resolve()
    path = Path(name).resolve()
    return path != temp and path.is_relative_to(temp)


def provider_start_problems(*, database: Mapping[str, Any], host: str) -> list[str]:
    """Why the provider-state app must not start here; empty when it may."""
    problems = []
    if not is_throwaway_database(database):
        problems.append(
            f"the database must be a throwaway SQLite file under {tempfile.gettempdir()} "
            f"(as `make provider` creates), not {database.get('ENGINE')} "
            f"{database.get('NAME')!r}"
        )
    if not is_loopback(host):
        problems.append(f"the bind address must be loopback (127.0.0.0/8 or ::1), not {host!r}")
    return problems


def provider_env(workdir: Path, host: str = DEFAULT_HOST) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'provider.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        PROVIDER_HOST=host,
        VIDEO_UPLOAD_DIR=str(workdir / "uploads"),
    )
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help="a loopback address (default %(default)s)"
    )
    args = parser.parse_args(argv)
    if not is_loopback(args.host):
        parser.error(
            f"--host {args.host}: the provider-state endpoint resets the database for "
            "anyone who can reach it, so it listens on loopback only (127.0.0.0/8 or ::1)"
        )
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-provider-"))
    env = provider_env(workdir, args.host)
    root = Path(__file__).resolve().parents[2]
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=root,
            env=env,
            check=True,
        )
        # fmt: skip below: each flag on one line with its value, as it is typed.
        server = [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", args.host.strip("[]"), "--port", str(args.port), "--no-access-log",
            # room frames past this never reach the app (which closes 1009 past 4 KB)
            "--ws-max-size", "65536",
        ]  # fmt: skip
        child = subprocess.Popen(server, cwd=root, env=env)
        stopped = []

        def stop(signum: int, frame: object) -> None:
            stopped.append(signum)
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)  # uvicorn shuts down gracefully

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        code = child.wait()
        return 0 if stopped else code
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
