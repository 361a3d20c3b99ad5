"""The review page in a real headless Chromium, served by a real server with the built
web app: sign in, open the demo video, draw a rectangle, post feedback; its marker shows
on the timeline and the stored screenshot is a WebP with the rectangle drawn on the frame.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.server import HOST, REPO_ROOT, ProviderServer
from videoplanet.projects.management.commands.seed_demo import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_VIDEO_ID,
)

from .dashboard import BrowserMissing, chromium, demo_env, require_chromium

pytestmark = pytest.mark.server

WEB_INDEX = REPO_ROOT / "web" / "dist" / "index.html"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    try:
        require_chromium()
    except BrowserMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    if not WEB_INDEX.exists():
        pytest.fail("The web app is not built: run `make web`.", pytrace=False)
    workdir = tmp_path_factory.mktemp("review")
    env = demo_env(workdir)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.browser.review_settings",
        DEMO_MEDIA_DIR=str(workdir / "demo"),
    )
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr

    def command(port: int) -> list[str]:
        return [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", HOST,
                "--port", str(port), "--no-access-log"]  # fmt: skip

    with ProviderServer(command, env=env, ready_path="/sign-in") as running:
        yield running


def test_feedback_with_a_rectangle_gets_a_marker_and_a_webp_screenshot(
    server: ProviderServer, tmp_path: Path
) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{server.url}/videos/{DEMO_VIDEO_ID}")
        page.wait_for_url("**/sign-in?next=*")
        page.get_by_label("Email").fill(DEMO_EMAIL)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()

        video = page.get_by_label("Video: Demo clip (timecode burned in)")
        expect(video).to_be_visible()
        page.wait_for_function("v => v.readyState >= 2", arg=video.element_handle())
        page.get_by_role("button", name="Next frame").click()
        page.get_by_role("button", name="Next frame").click()
        expect(page.get_by_role("status", name="Timecode")).to_have_text("00:00:00:02")

        page.get_by_role("button", name="Add feedback").click()
        layer = page.locator("svg.drawing-layer")
        box = layer.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.7, steps=4)
        page.mouse.up()
        page.get_by_role("textbox", name="Feedback", exact=True).fill(
            "Logo too close to the edge of the frame"
        )
        page.get_by_role("button", name="Post feedback").click()

        expect(page.get_by_role("button", name="00:00:00:02 Logo too close to")).to_be_visible()
        page.screenshot(path=str(tmp_path / "review.png"))

    # What was stored: the rectangle in video pixels, and the frame with it drawn on.
    with httpx.Client(base_url=server.url, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/token", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        [feedback] = http.get(
            "/api/v1/feedbacks", params={"video_id": str(DEMO_VIDEO_ID)}, headers=headers
        ).json()
        assert feedback["frame"] == 2
        [shape] = feedback["drawing_data"]["shapes"]
        assert shape["type"] == "rectangle"
        assert shape["style"]["color"] == "#FF0000"
        x1, y1, x2, y2 = shape["coordinates"]
        # where the mouse went, in video pixels (a quarter and 60 %/70 % of 640×360)
        for got, want in zip((x1, y1, x2, y2), (160, 90, 384, 252), strict=True):
            assert abs(got - want) <= 2, shape["coordinates"]
        shot = http.get(feedback["screenshot_url"])
    assert shot.status_code == 200
    assert shot.content[:4] == b"RIFF" and shot.content[8:12] == b"WEBP"
    image = Image.open(io.BytesIO(shot.content)).convert("RGB")
    assert image.size == (640, 360)
    # On the outline: red; in the middle of the rectangle: the frame (not red).
    for point in [
        ((x1 + x2) / 2, y1),
        ((x1 + x2) / 2, y2),
        (x1, (y1 + y2) / 2),
        (x2, (y1 + y2) / 2),
    ]:
        r, g, b = image.getpixel((round(point[0]), round(point[1])))  # type: ignore[misc]
        assert r > 200 and g < 60 and b < 60, (point, (r, g, b))
    r, g, b = image.getpixel((round((x1 + x2) / 2), round((y1 + y2) / 2)))  # type: ignore[misc]
    assert not (r > 200 and g < 60 and b < 60)
