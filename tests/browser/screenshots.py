"""`make screenshots`: pictures of the review page for the README, from the real app.

    python -m tests.browser.screenshots docs/screenshots

The demo data of `make run` (``seed_demo``: the 1280×720 clip with its timecode burned
in, kept in var/demo like `make run` does) plus a second reviewer and a few feedbacks
with drawings and a thread, served by one uvicorn process on a throwaway database and
photographed in the system Chromium:

- ``review.png``: the player with the timeline's markers, a feedback selected (its
  drawing on the frame) and its thread open beside it;
- ``drawing.png``: adding feedback: the paused frame with a rectangle being drawn, the
  drawing tools and the text;
- ``project.png``: the demo project: its video, its members (the demo owner and the
  reviewer), inviting and uploading;
- ``sign-in.png``: the sign-in form.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from tests.server import REPO_ROOT

SCENE = """
from videoplanet.accounts.models import User
from videoplanet.feedback.models import Feedback
from videoplanet.feedback.services import comment_create
from videoplanet.projects.models import Membership, Video

video = Video.objects.get(id={video_id!r})
demo = User.objects.get(email={email!r})
ben = User.objects.create_user("ben@videoplanet.local", "screenshots-2026", name="Ben Okafor")
Membership.objects.create(project=video.project, user=ben, role="reviewer")


def shape(kind, coordinates, color="#FF0000", **extra):
    return {{"type": kind, "coordinates": coordinates, "style": {{"color": color, "width": 4}}, **extra}}


notes = [
    (2.5, demo, "high", "open", "Title card: the logo sits too close to the top edge.",
     [shape("rectangle", [60, 40, 420, 170])]),
    (7.0, ben, "medium", "in_progress", "Hold this shot two more frames before the cut.", None),
    (11.25, ben, "critical", "open", "Subtitle overlaps the lower third here.",
     [shape("ellipse", [300, 520, 980, 690], "#FFD700")]),
    (16.0, demo, "low", "resolved", "Colour grade is a touch warm; fixed in v2.", None),
    (21.5, ben, "high", "open", "Jump cut: swap in the b-roll from take 3.",
     [shape("arrow", [900, 200, 700, 360], "#00FF00")]),
    (26.0, demo, "medium", "open", "Audio dips under the music for a moment.", None),
]
made = {{}}
for at, author, priority, status, content, shapes in notes:
    made[at] = Feedback.objects.create(
        video=video, author=author, timestamp=at, content=content, priority=priority,
        status=status, drawing_data={{"shapes": shapes}} if shapes else None,
    )
first = made[2.5]
question = comment_create(
    user=ben, feedback_id=first.id,
    content="@Demo Reviewer 40 px lower, or centred on the safe area?", mention_ids=[demo.id],
)
comment_create(
    user=demo, feedback_id=first.id, parent_id=question.id,
    content="Centred on the safe area, please.", mention_ids=[],
)
"""


def take(target: Path, workdir: Path) -> list[Path]:
    # Django first: the demo's constants live beside its models.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from playwright.sync_api import expect

    from videoplanet.projects.management.commands.seed_demo import (
        DEMO_EMAIL,
        DEMO_PASSWORD,
        DEMO_PROJECT_ID,
        DEMO_TITLE,
        DEMO_VIDEO_ID,
    )

    from .dashboard import chromium
    from .review import DEMO_CLIP, draw_rectangle, open_review, review_server

    scene = SCENE.format(video_id=str(DEMO_VIDEO_ID), email=DEMO_EMAIL)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with (
        review_server(
            workdir, settings=DEMO_CLIP, setup=[scene], demo_dir=REPO_ROOT / "var" / "demo"
        ) as server,
        chromium() as browser,
    ):
        sign_in_page = browser.new_page(viewport={"width": 1280, "height": 720})
        sign_in_page.goto(f"{server.url}/sign-in")
        sign_in_page.get_by_label("Email").fill(DEMO_EMAIL)
        written.append(target / "sign-in.png")
        sign_in_page.screenshot(path=str(written[-1]))
        sign_in_page.close()

        page = open_review(browser, server, DEMO_EMAIL, DEMO_PASSWORD, viewport=(1440, 960))
        marker = page.get_by_role("button", name="00:00:02:12 Title card: the logo")
        marker.click()
        expect(page.locator("svg.drawing-layer rect")).to_have_count(1)
        expect(page.get_by_role("article", name="Comment by Ben Okafor")).to_be_visible()
        page.wait_for_function(
            "() => { const v = document.querySelector('video'); return v && !v.seeking "
            "&& v.readyState >= 2; }"
        )
        written.append(target / "review.png")
        page.screenshot(path=str(written[-1]), full_page=True)

        page.get_by_role("button", name="00:00:21:12 Jump cut").click()
        page.wait_for_function("() => !document.querySelector('video').seeking")
        page.get_by_role("button", name="Add feedback").click()
        draw_rectangle(page, (0.55, 0.2), (0.85, 0.55))
        page.get_by_role("textbox", name="Feedback", exact=True).fill(
            "Crop the boom mic out of the top right corner."
        )
        page.locator("form.composer select").select_option("high")
        written.append(target / "drawing.png")
        page.screenshot(path=str(written[-1]), full_page=True)

        # The project: its videos (with their thumbnails), its members, inviting, uploading.
        page.goto(f"{server.url}/projects/{DEMO_PROJECT_ID}")
        expect(page.get_by_role("link", name=DEMO_TITLE)).to_be_visible()
        expect(page.get_by_role("list", name="Members")).to_contain_text("Ben Okafor")
        page.wait_for_function("() => [...document.images].every((image) => image.complete)")
        written.append(target / "project.png")
        page.screenshot(path=str(written[-1]), full_page=True)
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    with tempfile.TemporaryDirectory(prefix="videoplanet-screenshots-") as tmp:
        for path in take(out, Path(tmp)):
            print(f"wrote {path}")
