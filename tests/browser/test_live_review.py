"""Two reviewers on one video, live, in two contexts of a real headless Chromium against
one real server process (its in-memory channel layer carries the room):

- A (the demo owner) and B (a reviewer) open the same video; B sees A in the room;
- A pauses on a frame, draws a rectangle and posts feedback: the server stored a WebP
  screenshot of the frame with the rectangle on it; B sees its timeline marker and its
  list entry appear without reloading, and its drawing when B opens it;
- B answers in its thread, mentioning @A with the member autocomplete: A sees the
  answer appear without reloading, and the server stored the mention;
- C, whose page still offers posting when C is made a viewer, gets the server's 403 as
  a readable error; after a reload the page no longer offers posting at all.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.server import ProviderServer
from videoplanet.projects.management.commands.seed_demo import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_VIDEO_ID,
)

from .dashboard import BrowserMissing, chromium, require_chromium
from .review import (
    WebAppMissing,
    assert_screenshot_shows_rectangle,
    draw_rectangle,
    manage,
    open_review,
    review_env,
    serve,
)

pytestmark = pytest.mark.server

PASSWORD = "live-review-2026"
FRAME_SIZE = (640, 360)  # the small demo clip's
REVIEWER = ("ben@videoplanet.local", "Ben Reviewer", "reviewer")
DEMOTED = ("cleo@videoplanet.local", "Cleo Editor", "editor")
MEMBERS = f"""
from videoplanet.accounts.models import User
from videoplanet.projects.models import Membership
for email, name, role in {[REVIEWER, DEMOTED]!r}:
    user = User.objects.create_user(email, {PASSWORD!r}, name=name)
    Membership.objects.create(project_id={str(DEMO_PROJECT_ID)!r}, user=user, role=role)
"""
DEMOTE = f"""
from videoplanet.projects.models import Membership
changed = Membership.objects.filter(
    project_id={str(DEMO_PROJECT_ID)!r}, user__email={DEMOTED[0]!r}
).update(role="viewer")
assert changed == 1
"""


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    try:
        require_chromium()
        env = review_env(tmp_path_factory.mktemp("live-review"))
    except (BrowserMissing, WebAppMissing) as exc:
        pytest.fail(str(exc), pytrace=False)
    manage(env, "shell", "-c", MEMBERS)
    return env


@pytest.fixture(scope="module")
def server(env: dict[str, str]) -> Iterator[ProviderServer]:
    with serve(env) as running:
        yield running


def auth(http: httpx.Client) -> dict[str, str]:
    token = http.post(
        "/api/v1/auth/token", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
    ).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_two_reviewers_see_each_other_live_and_a_viewer_cannot_post(
    server: ProviderServer, env: dict[str, str]
) -> None:
    with chromium() as browser:
        a = open_review(browser, server, DEMO_EMAIL, DEMO_PASSWORD)
        b = open_review(browser, server, REVIEWER[0], PASSWORD)
        in_room = b.get_by_role("list", name="2 here")
        expect(in_room.get_by_role("listitem", name="Demo Reviewer")).to_be_visible()
        expect(a.get_by_role("listitem", name=REVIEWER[1])).to_be_visible()

        # A: a rectangle on frame 2, and the feedback about it.
        a.get_by_role("button", name="Next frame").click()
        a.get_by_role("button", name="Next frame").click()
        expect(a.get_by_role("status", name="Timecode")).to_have_text("00:00:00:02")
        a.get_by_role("button", name="Add feedback").click()
        draw_rectangle(a, (0.25, 0.25), (0.6, 0.7))
        a.get_by_role("textbox", name="Feedback", exact=True).fill("Logo too close to the edge")
        a.get_by_role("button", name="Post feedback").click()
        marker_name = "00:00:00:02 Logo too close to"
        expect(a.get_by_role("button", name=marker_name)).to_be_visible()

        # What A posted was stored with the frame as a WebP, the rectangle drawn on it.
        with httpx.Client(base_url=server.url, timeout=10) as http:
            [posted] = http.get(
                "/api/v1/feedbacks", params={"video_id": str(DEMO_VIDEO_ID)}, headers=auth(http)
            ).json()
            assert_screenshot_shows_rectangle(http, posted, FRAME_SIZE)

        # B: the marker and the list entry arrive over the room, no reload.
        marker = b.get_by_role("button", name=marker_name)
        expect(marker).to_be_visible()
        entry = b.get_by_role("complementary", name="Feedback").get_by_role("listitem")
        expect(entry.filter(has_text="Logo too close to the edge")).to_have_count(1)
        expect(b.locator("svg.drawing-layer rect")).to_have_count(0)
        marker.click()
        expect(b.locator("svg.drawing-layer rect")).to_have_count(1)

        # B answers in the thread, mentioning A through the member autocomplete.
        comment = b.get_by_role("combobox", name="Comment")
        comment.click()
        comment.press_sequentially("@Dem")
        b.get_by_role("option", name="Demo Reviewer").click()
        comment.press_sequentially("moved it 20 px left, better?")
        b.get_by_role("button", name="Post comment").click()
        expect(b.get_by_role("article", name=f"Comment by {REVIEWER[1]}")).to_be_visible()

        # A: the answer appears in the open thread, no reload.
        answer = a.get_by_role("article", name=f"Comment by {REVIEWER[1]}")
        expect(answer).to_contain_text("@Demo Reviewer moved it 20 px left, better?")

        # C: an editor's page, then C is made a viewer; posting from the stale page is
        # refused by the server, and the refusal reads as a sentence beside the form.
        c = open_review(browser, server, DEMOTED[0], PASSWORD)
        manage(env, "shell", "-c", DEMOTE)
        c.get_by_role("button", name="Add feedback").click()
        c.get_by_role("textbox", name="Feedback", exact=True).fill("Viewers should not post")
        c.get_by_role("button", name="Post feedback").click()
        expect(c.get_by_role("alert")).to_have_text("A viewer cannot post feedback.")
        # After a reload the page knows C's role: no posting, no commenting offered.
        c.reload()
        expect(c.get_by_text("viewers do not post feedback")).to_be_visible()
        expect(c.get_by_role("button", name="Add feedback")).to_have_count(0)
        c.get_by_role("button", name=marker_name).click()
        expect(c.get_by_role("article", name=f"Comment by {REVIEWER[1]}")).to_be_visible()
        expect(c.get_by_role("combobox", name="Comment")).to_have_count(0)
        expect(c.get_by_role("button", name="Reply")).to_have_count(0)
        # B never left: A and C are in the room on B's page too.
        expect(b.get_by_role("list", name="3 here")).to_be_visible()

    # What the server stored: one feedback (C's was refused), B's comment mentions A.
    with httpx.Client(base_url=server.url, timeout=10) as http:
        token = http.post(
            "/api/v1/auth/token", json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD}
        ).json()
        headers = {"Authorization": f"Bearer {token['token']}"}
        feedbacks = http.get(
            "/api/v1/feedbacks", params={"video_id": str(DEMO_VIDEO_ID)}, headers=headers
        ).json()
        assert [f["content"] for f in feedbacks] == ["Logo too close to the edge"]
        [answer_stored] = http.get(
            "/api/v1/comments", params={"feedback_id": feedbacks[0]["id"]}, headers=headers
        ).json()
    assert answer_stored["user"]["name"] == REVIEWER[1]
    assert [m["id"] for m in answer_stored["mentions"]] == [token["user"]["id"]]
