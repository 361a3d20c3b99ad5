"""The review page on demo data in a real server process, for browser tests, `make
screenshots` and the web bench.

- ``review_server(workdir, setup=...)``: a throwaway SQLite database in ``workdir``,
  migrated, ``seed_demo`` (the demo user, project and clip), then each ``setup`` snippet
  through ``manage.py shell -c`` (more members, feedback...), served by one uvicorn
  process (its in-memory channel layer carries the rooms);
- ``open_review(browser, server, email, password)``: a fresh browser context (its own
  session) signed in through the app's form, on the demo video's review page, with the
  video loaded and the room live;
- ``assert_screenshot_shows_rectangle(http, feedback, size)``: the feedback's stored
  screenshot, fetched at its signed URL, is a WebP of the frame's size with its rectangle's
  colour along the rectangle's edges (and not inside it).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.server import HOST, REPO_ROOT, ProviderServer
from videoplanet.projects.management.commands.seed_demo import DEMO_TITLE, DEMO_VIDEO_ID

from .dashboard import demo_env

WEB_INDEX = REPO_ROOT / "web" / "dist" / "index.html"
SMALL_CLIP = "tests.browser.review_settings"  # 640×360, 2 s: made in a second
DEMO_CLIP = "config.settings.local"  # `make run`'s 1280×720, 30 s clip


class WebAppMissing(RuntimeError):
    """web/dist is not built."""


def manage(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{done.stdout}\n{done.stderr}")


def review_env(
    workdir: Path, *, settings: str = SMALL_CLIP, demo_dir: Path | None = None
) -> dict[str, str]:
    if not WEB_INDEX.exists():
        raise WebAppMissing("The web app is not built: run `make web`.")
    env = demo_env(workdir)
    env.update(
        DJANGO_SETTINGS_MODULE=settings,
        DEMO_MEDIA_DIR=str(demo_dir or workdir / "demo"),
    )
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    return env


@contextmanager
def review_server(
    workdir: Path,
    *,
    settings: str = SMALL_CLIP,
    setup: Sequence[str] = (),
    demo_dir: Path | None = None,
) -> Iterator[ProviderServer]:
    env = review_env(workdir, settings=settings, demo_dir=demo_dir)
    for script in setup:
        manage(env, "shell", "-c", script)
    with serve(env) as server:
        yield server


@contextmanager
def serve(env: dict[str, str]) -> Iterator[ProviderServer]:
    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", HOST,
                "--port", str(port), "--no-access-log"]  # fmt: skip

    with ProviderServer(command, env=env, ready_path="/sign-in") as running:
        yield running


def review_url(server: ProviderServer) -> str:
    return f"{server.url}/videos/{DEMO_VIDEO_ID}"


def sign_in(page: Page, server: ProviderServer, email: str, password: str) -> None:
    """Open the review page, get sent to the sign-in form, sign in, come back."""
    page.goto(review_url(server))
    page.wait_for_url("**/sign-in?next=*")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def wait_until_live(page: Page) -> None:
    """The video has its first frame and the room is open."""
    # readiness waits, generous for a busy machine (the bench loads 500 feedbacks first)
    video = page.get_by_label(f"Video: {DEMO_TITLE}")
    expect(video).to_be_visible(timeout=30_000)
    page.wait_for_function("v => v.readyState >= 2", arg=video.element_handle())
    expect(page.get_by_role("status").filter(has_text="Live")).to_be_visible(timeout=30_000)


def open_review(
    browser: Browser,
    server: ProviderServer,
    email: str,
    password: str,
    viewport: tuple[int, int] = (1280, 900),
) -> Page:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    sign_in(page, server, email, password)
    wait_until_live(page)
    return page


def draw_rectangle(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Drag on the drawing layer from ``start`` to ``end`` (fractions of its size)."""
    box = page.locator("svg.drawing-layer").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * start[0], box["y"] + box["height"] * start[1])
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * end[0], box["y"] + box["height"] * end[1], steps=4)
    page.mouse.up()


def assert_screenshot_shows_rectangle(
    http: httpx.Client, feedback: dict[str, object], size: tuple[int, int]
) -> None:
    """The stored screenshot is a real WebP of the frame with the feedback's rectangle on it."""
    url = feedback["screenshot_url"]
    assert isinstance(url, str), feedback
    shot = http.get(url)  # signed: no credentials needed
    assert shot.status_code == 200, shot.status_code
    image = Image.open(io.BytesIO(shot.content))
    assert image.format == "WEBP"
    assert image.size == size
    rgb = image.convert("RGB")
    drawing = feedback["drawing_data"]
    assert isinstance(drawing, dict)
    [shape] = drawing["shapes"]
    assert shape["type"] == "rectangle"
    colour = tuple(int(shape["style"]["color"][i : i + 2], 16) for i in (1, 3, 5))
    x1, y1, x2, y2 = shape["coordinates"]

    def near(point: tuple[float, float]) -> bool:
        # lossy WebP: within a margin of the drawn colour
        got = rgb.getpixel((round(point[0]), round(point[1])))
        assert isinstance(got, tuple)
        return all(abs(int(g) - w) <= 60 for g, w in zip(got, colour, strict=True))

    edges = [((x1 + x2) / 2, y1), ((x1 + x2) / 2, y2), (x1, (y1 + y2) / 2), (x2, (y1 + y2) / 2)]
    assert all(near(point) for point in edges), [
        rgb.getpixel((round(x), round(y))) for x, y in edges
    ]
    assert not near(((x1 + x2) / 2, (y1 + y2) / 2)), "the rectangle is an outline, not a fill"
