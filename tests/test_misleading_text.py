"""Text that could display as something other than what it says is refused everywhere
text comes in: a 400 validation_error naming the field, and nothing written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

from tests.factories import CommentFactory, FeedbackFactory
from videoplanet.accounts.models import User
from videoplanet.feedback.models import Comment, Feedback, Reaction
from videoplanet.projects.models import Project, Video

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "invoice\u202egpj.exe" shows as "invoiceexe.jpg"


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["details"], body
    assert "U+202E" in " ".join(body["details"][field])


def test_project_names(world: World, as_user: Any) -> None:
    response = as_user(world.owner).post("/api/v1/projects", {"name": f"a{RLO}b"}, format="json")
    assert_refused(response, "name")
    assert Project.objects.count() == 2


def test_video_titles(world: World, as_user: Any) -> None:
    data = {"project_id": str(world.project.id), "title": f"Cut{RLO}", "url": "https://e.com/v"}
    assert_refused(as_user(world.owner).post("/api/v1/videos", data, format="json"), "title")
    assert Video.objects.count() == 2


def test_feedback_content_on_create_and_update(world: World, as_user: Any) -> None:
    client = as_user(world.owner)
    data = {"video_id": str(world.video.id), "timestamp": 1, "content": f"ok{RLO}"}
    assert_refused(client.post("/api/v1/feedbacks", data, format="json"), "content")
    feedback = FeedbackFactory(video=world.video, author=world.owner, content="before")
    response = client.patch(f"/api/v1/feedbacks/{feedback.id}", {"content": RLO}, format="json")
    assert_refused(response, "content")
    assert Feedback.objects.get(id=feedback.id).content == "before"


def test_drawing_text(world: World, as_user: Any) -> None:
    shape = {"type": "text", "coordinates": [1, 2], "text": f"label{RLO}"}
    data = {
        "video_id": str(world.video.id),
        "timestamp": 1,
        "content": "c",
        "drawing_data": {"shapes": [shape]},
    }
    response = as_user(world.owner).post("/api/v1/feedbacks", data, format="json")
    assert_refused(response, "drawing_data.shapes.0.text")


def test_comment_content(world: World, as_user: Any) -> None:
    feedback = FeedbackFactory(video=world.video, author=world.owner)
    data = {"feedback_id": str(feedback.id), "content": f"see {RLO}here"}
    assert_refused(as_user(world.reviewer).post("/api/v1/comments", data, format="json"), "content")
    assert not Comment.objects.exists()


def test_user_names_at_sign_up(anon: Any) -> None:
    data = {"name": f"Eve{RLO}", "email": "eve@example.com", "password": "a-long-passphrase-1"}
    assert_refused(anon.post("/api/v1/auth/register", data, format="json"), "name")
    assert not User.objects.filter(email="eve@example.com").exists()


def test_emoji_reactions(world: World, as_user: Any) -> None:
    comment = CommentFactory(feedback=FeedbackFactory(video=world.video))
    client = as_user(world.reviewer)
    url = f"/api/v1/comments/{comment.id}/reactions"
    for emoji in ("👍\u202e", "\u2066👍"):
        response = client.post(url, {"emoji": emoji}, format="json")
        assert response.status_code == 400
        assert "emoji" in response.json()["details"]
    removed = client.delete(f"{url}/{quote('👍' + RLO)}")
    assert removed.status_code == 400
    assert not Reaction.objects.exists()


def test_joiners_and_flag_tags_still_work(world: World, as_user: Any) -> None:
    comment = CommentFactory(feedback=FeedbackFactory(video=world.video))
    client = as_user(world.reviewer)
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    for emoji in ("👨\u200d👩\u200d👧", "❤\ufe0f", england):
        response = client.post(
            f"/api/v1/comments/{comment.id}/reactions", {"emoji": emoji}, format="json"
        )
        assert response.status_code == 200, (emoji, response.content)
    data = {"feedback_id": str(comment.feedback_id), "content": "می\u200cخواهم 👨\u200d👩"}
    assert client.post("/api/v1/comments", data, format="json").status_code == 201
