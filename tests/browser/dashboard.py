"""The contract dashboard in a real Chromium, served by a real server on a demo database.

    python -m tests.browser.dashboard docs/dashboard.png     # `make dashboard-screenshot`

- ``demo_server(workdir)``: migrates a throwaway SQLite database in ``workdir``, creates
  the staff user ``STAFF_EMAIL``, fills it with ``manage.py monitoring_demo`` (its
  verification report goes to ``workdir`` too) and serves it with uvicorn;
- ``chromium()``: the system Chromium (``/usr/bin/chromium``, or ``$CHROMIUM``) driven by
  Playwright, headless, with nothing fetched from the network: Playwright never
  downloads a browser here;
- ``sign_in(page, server)``: opens the dashboard and signs in through the login form it
  redirects to.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, sync_playwright

from tests.server import HOST, REPO_ROOT, ProviderServer

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DASHBOARD = "/monitoring/contracts"
STAFF_EMAIL = "staff@videoplanet.local"
STAFF_PASSWORD = "dashboard-demo-2026"


class BrowserMissing(RuntimeError):
    """The system Chromium is not installed."""


def demo_env(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        PACT_VERIFICATION_REPORT=str(workdir / "pact-verification.json"),
        MEDIA_ROOT=str(workdir / "media"),
        # The server's own violations would otherwise be stored by a background monitor.
        CONTRACT_VIOLATION_RECORDERS="videoplanet.contracts.violations.log_recorder",
        DJANGO_SUPERUSER_PASSWORD=STAFF_PASSWORD,
        PYTHONPATH=os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


@contextmanager
def demo_server(workdir: Path) -> Iterator[ProviderServer]:
    env = demo_env(workdir)
    _manage(env, "migrate", "--noinput", "-v", "0")
    _manage(env, "createsuperuser", "--noinput", "--email", STAFF_EMAIL, "--name", "Staff")
    _manage(env, "monitoring_demo")

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", HOST,
                "--port", str(port), "--no-access-log"]  # fmt: skip

    with ProviderServer(command, env=env, ready_path="/admin/login/") as server:
        yield server


def require_chromium() -> Path:
    if not os.access(CHROMIUM, os.X_OK):
        raise BrowserMissing(
            f"No Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; "
            ".ci/run does) or point $CHROMIUM at one. Playwright's own browser download is "
            "not used."
        )
    return CHROMIUM


@contextmanager
def chromium() -> Iterator[Browser]:
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Page, server: ProviderServer) -> None:
    """Open the dashboard, get sent to the login form, sign in, land on the dashboard."""
    page.goto(f"{server.url}{DASHBOARD}")
    page.get_by_label("Email").fill(STAFF_EMAIL)
    page.get_by_label("Password").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server.url}{DASHBOARD}")


def screenshot(path: Path, workdir: Path) -> None:
    """The whole page, its recent list filtered to the last two hours to keep it short."""
    with demo_server(workdir) as server, chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        sign_in(page, server)
        since = (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
        page.goto(f"{server.url}{DASHBOARD}?{urlencode({'window': '24h', 'since': since})}")
        page.screenshot(path=str(path), full_page=True)


if __name__ == "__main__":
    import tempfile

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/dashboard.png")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="videoplanet-dashboard-") as tmp:
        screenshot(target, Path(tmp))
    print(f"wrote {target}")
