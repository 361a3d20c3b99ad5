"""`make provider PORT=N`: serve the app for contract verification.

A fresh throwaway SQLite database and media folder, migrated, with the Pact
provider-state endpoint on (config.settings.provider), served by uvicorn on
127.0.0.1:PORT. Everything is deleted when the server stops.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path


def provider_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.provider",
        DATABASE_URL=f"sqlite:///{workdir / 'provider.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        VIDEO_UPLOAD_DIR=str(workdir / "uploads"),
    )
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="videoplanet-provider-"))
    env = provider_env(workdir)
    root = Path(__file__).resolve().parents[2]
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=root,
            env=env,
            check=True,
        )
        server = [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(args.port), "--no-access-log",
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
