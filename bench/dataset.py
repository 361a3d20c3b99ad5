"""A throwaway, migrated and seeded database for the benchmark (SQLite in the run's temp
dir, or the PostgreSQL database BENCH_DATABASE_URL names, recreated).

``prepare(workdir)`` runs ``manage.py migrate`` and ``python -m bench.seed`` in
subprocesses (Django is configured once per process) and returns the environment
every server and tool of the run uses, plus what the seed produced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "bench.settings"


@dataclass(frozen=True)
class Dataset:
    env: dict[str, str]
    token: str
    video_ids: list[str]
    feedbacks: int
    comments: int
    reactions: int

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


# PostgreSQL for the run (the peer comparison's database): a database whose name
# contains "bench", dropped and created afresh; empty: SQLite in the run's temp dir.
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")


def database_url(workdir: Path) -> str:
    if not DATABASE_URL:
        return f"sqlite:///{workdir / 'db.sqlite3'}"
    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "bench" not in name:
        raise ValueError(
            "BENCH_DATABASE_URL must be a PostgreSQL URL whose database name contains "
            f"'bench' (it is dropped and created afresh): {DATABASE_URL!r}"
        )
    import psycopg

    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return DATABASE_URL


def bench_env(workdir: Path, database: str | None = None) -> dict[str, str]:
    static = workdir / "static"
    static.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=database or f"sqlite:///{workdir / 'db.sqlite3'}",
        MEDIA_ROOT=str(workdir / "media"),
        STATIC_ROOT=str(static),
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def prepare(workdir: Path) -> Dataset:
    env = bench_env(workdir, database_url(workdir))
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    out = workdir / "seed.json"
    subprocess.run([sys.executable, "-m", "bench.seed", str(out)], cwd=ROOT, env=env, check=True)
    info = json.loads(out.read_text())
    print(
        f"dataset: {len(info['video_ids'])} videos, {info['feedbacks']} feedbacks, "
        f"{info['comments']} comments, {info['reactions']} reactions "
        f"({time.monotonic() - started:.1f} s)",
        flush=True,
    )
    return Dataset(
        env=env,
        token=info["token"],
        video_ids=info["video_ids"],
        feedbacks=info["feedbacks"],
        comments=info["comments"],
        reactions=info["reactions"],
    )


def five_shapes() -> dict[str, Any]:
    """Drawing data with one shape of each kind but line: what the benchmark posts."""
    red = {"color": "#FF0000", "width": 3}
    return {
        "shapes": [
            {"type": "rectangle", "coordinates": [100, 80, 420, 300], "style": red},
            {"type": "ellipse", "coordinates": [600, 200, 760, 330], "style": red},
            {"type": "arrow", "coordinates": [900, 500, 700, 320], "style": red},
            {
                "type": "freehand",
                "coordinates": [10, 10, 14, 18, 22, 30, 35, 41, 50, 47],
                "style": {"color": "#00FF00", "width": 2},
            },
            {
                "type": "text",
                "coordinates": [120, 640],
                "style": {"color": "#FFD700", "width": 1},
                "text": "Logo is cut off here",
            },
        ]
    }
