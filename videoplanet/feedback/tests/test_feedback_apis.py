"""Feedback endpoints: the seed's shapes, validation, screenshots, paging, permissions."""

from __future__ import annotations

import base64
import io
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import DatabaseError
from PIL import Image

from tests.factories import CommentFactory, FeedbackFactory, image_data_url
from videoplanet.contracts.validator import committed_validator
from videoplanet.feedback.models import Comment, Feedback

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedbacks"
SHAPE = {
    "type": "rectangle",
    "coordinates": [100, 100, 200, 200],
    "style": {"color": "#FF0000", "width": 2},
}


def body(world: World, **overrides: Any) -> dict[str, Any]:
    data = {
        "video_id": str(world.video.id),
        "timestamp": 30.5,
        "content": "Button alignment issue",
        "drawing_data": {"shapes": [SHAPE]},
        "priority": "medium",
    }
    data.update(overrides)
    return data


def stored_screenshots() -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "screenshots"
    return sorted(root.glob("*")) if root.exists() else []


@pytest.fixture(autouse=True)
def _clean_media() -> None:
    for path in stored_screenshots():
        path.unlink()


class TestCreate:
    def test_returns_the_seed_feedback_object(
        self, world: World, as_user: Any, png_data_url: str
    ) -> None:
        response = as_user(world.reviewer).post(
            URL, body(world, screenshot=png_data_url), format="json"
        )
        assert response.status_code == 201
        data = response.json()
        assert set(data) == {
            "id", "video_id", "timestamp", "timestamp_end", "content", "screenshot_url",
            "drawing_data", "priority", "status", "user", "created_at", "updated_at",
            # additions to the seed's shape: null while the video's frame rate is unknown
            "frame", "timecode", "frame_end", "timecode_end",
        }  # fmt: skip
        assert data["video_id"] == str(world.video.id)
        assert data["timestamp"] == 30.5
        assert data["status"] == "open"
        assert data["priority"] == "medium"
        assert data["drawing_data"] == {"shapes": [SHAPE]}
        assert data["user"] == {
            "id": str(world.reviewer.id),
            "name": world.reviewer.name,
            "email": world.reviewer.email,
        }
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", data["created_at"])
        assert re.fullmatch(r"^https?://.*\.(jpg|jpeg|png|webp)$", data["screenshot_url"])
        assert Feedback.objects.get(id=data["id"]).author == world.reviewer

    def test_screenshot_is_stored_under_its_content_hash_and_served(
        self, world: World, as_user: Any, png_data_url: str
    ) -> None:
        client = as_user(world.reviewer)
        first = client.post(URL, body(world, screenshot=png_data_url), format="json").json()
        second = client.post(URL, body(world, screenshot=png_data_url), format="json").json()
        assert first["screenshot_url"] == second["screenshot_url"]
        [path] = stored_screenshots()
        raw = base64.b64decode(png_data_url.split(",", 1)[1])
        assert path.read_bytes() == raw
        assert re.fullmatch(r"[0-9a-f]{64}\.png", path.name)
        served = client.get(urlsplit(first["screenshot_url"]).path)
        assert served.status_code == 200
        assert b"".join(served.streaming_content) == raw

    @pytest.mark.parametrize(("fmt", "ext"), [("WEBP", "webp"), ("JPEG", "jpg"), ("PNG", "png")])
    def test_each_image_type_keeps_its_extension(
        self, world: World, as_user: Any, fmt: str, ext: str
    ) -> None:
        response = as_user(world.reviewer).post(
            URL, body(world, screenshot=image_data_url(fmt)), format="json"
        )
        assert response.status_code == 201
        assert response.json()["screenshot_url"].endswith(f".{ext}")

    def test_public_media_url_is_used_for_screenshot_urls(
        self, world: World, as_user: Any, png_data_url: str, settings: Any
    ) -> None:
        settings.PUBLIC_MEDIA_URL = "https://cdn.example.com/media/"
        data = as_user(world.reviewer).post(
            URL, body(world, screenshot=png_data_url), format="json"
        )
        assert re.fullmatch(
            r"https://cdn\.example\.com/media/s/[^/]+/screenshots/[0-9a-f]{64}\.png",
            data.json()["screenshot_url"],
        )

    def test_without_screenshot_and_drawing(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(
            URL, {"video_id": str(world.video.id), "timestamp": 0, "content": "x"}, format="json"
        )
        assert response.status_code == 201
        data = response.json()
        assert data["screenshot_url"] is None
        assert data["drawing_data"] is None
        assert data["priority"] == "medium"

    def test_time_range(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(
            URL, body(world, timestamp=10, timestamp_end=12.5), format="json"
        )
        assert response.status_code == 201
        assert response.json()["timestamp_end"] == 12.5


def _png_bytes(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", size).save(buffer, "PNG")
    return buffer.getvalue()


def _data_url(kind: str, raw: bytes) -> str:
    return f"data:image/{kind};base64,{base64.b64encode(raw).decode()}"


class TestScreenshotValidation:
    @pytest.mark.parametrize(
        ("name", "value"),
        [
            ("not a data url", "https://example.com/a.png"),
            ("gif is not accepted", _data_url("gif", b"GIF89a")),
            ("broken base64", "data:image/png;base64,iVBOR%%%"),
            ("seed placeholder", "data:image/webp;base64,UklGRg..."),
            ("png bytes labelled webp", _data_url("webp", _png_bytes((2, 2)))),
            ("truncated png", _data_url("png", _png_bytes((64, 64))[:-30])),
            ("not an image", _data_url("jpeg", b"hello world")),
            ("not a string", 12),
        ],
    )
    def test_rejected_with_field_details_and_nothing_written(
        self, world: World, as_user: Any, name: str, value: Any
    ) -> None:
        response = as_user(world.reviewer).post(URL, body(world, screenshot=value), format="json")
        assert response.status_code == 400, name
        error = response.json()
        assert error["code"] == "validation_error"
        assert list(error["details"]) == ["screenshot"]
        assert Feedback.objects.count() == 1  # only the other project's
        assert stored_screenshots() == []

    @pytest.mark.parametrize(
        ("value", "documented"),
        [
            (_data_url("png", _png_bytes((2, 2))), True),
            ("data:image/png;base64,\n" + base64.b64encode(_png_bytes((2, 2))).decode(), True),
            ("https://example.com/a.png", False),
            (_data_url("gif", b"GIF89a"), False),
            ("data:image/png;base64,iVBOR%%%", False),
        ],
    )
    def test_the_document_states_the_data_url_form(self, value: str, documented: bool) -> None:
        data = {"video_id": str(uuid.uuid4()), "timestamp": 1, "content": "c", "screenshot": value}
        assert committed_validator().validate("FeedbackCreateInput", data).valid == documented

    def test_larger_than_5_mb_decoded(self, world: World, as_user: Any) -> None:
        too_big = _data_url("png", b"\x89PNG" + b"\0" * (5 * 1024 * 1024))
        response = as_user(world.reviewer).post(URL, body(world, screenshot=too_big), format="json")
        assert response.status_code == 400
        assert "5242880 bytes" in response.json()["details"]["screenshot"][0]

    @pytest.mark.contract_unchecked("the injected database failure is a 500 by design")
    def test_failed_row_write_leaves_no_file(
        self, world: World, as_user: Any, png_data_url: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def fail(*args: Any, **kwargs: Any) -> None:
            assert len(stored_screenshots()) == 1  # the file was written first
            raise DatabaseError("disk full")

        monkeypatch.setattr(Feedback.objects, "create", fail)
        client = as_user(world.reviewer)
        client.raise_request_exception = False
        response = client.post(URL, body(world, screenshot=png_data_url), format="json")
        assert response.status_code == 500
        assert stored_screenshots() == []
        assert Feedback.objects.filter(video=world.video).count() == 0


class TestDrawingValidation:
    @pytest.mark.parametrize(
        "shape",
        [
            SHAPE,
            {**SHAPE, "type": "ellipse"},
            {**SHAPE, "type": "line"},
            {**SHAPE, "type": "arrow", "style": {"color": "#00AA00", "width": 50}},
            {**SHAPE, "type": "freehand", "coordinates": [1, 2, 3, 4, 5.5, 6.5]},
            {**SHAPE, "type": "text", "coordinates": [10, 20], "text": "here"},
        ],
    )
    def test_every_shape_type_round_trips(self, world: World, as_user: Any, shape: Any) -> None:
        response = as_user(world.reviewer).post(
            URL, body(world, drawing_data={"shapes": [shape]}), format="json"
        )
        assert response.status_code == 201, response.json()
        assert response.json()["drawing_data"] == {"shapes": [shape]}
        assert committed_validator().validate("Shape", shape).valid

    @pytest.mark.parametrize(
        ("shape", "field"),
        [
            ({**SHAPE, "coordinates": [1, 2, 3]}, "drawing_data.shapes.0.coordinates"),
            ({**SHAPE, "type": "freehand", "coordinates": [1, 2, 3]}, "drawing_data.shapes.0.coordinates"),
            ({**SHAPE, "type": "freehand", "coordinates": [1, 2]}, "drawing_data.shapes.0.coordinates"),
            ({**SHAPE, "type": "text", "coordinates": [1, 2]}, "drawing_data.shapes.0.text"),
            ({**SHAPE, "text": "only text shapes"}, "drawing_data.shapes.0.text"),
            ({**SHAPE, "type": "star"}, "drawing_data.shapes.0.type"),
            ({**SHAPE, "coordinates": [1, 2, "3", 4]}, "drawing_data.shapes.0.coordinates.2"),
            ({**SHAPE, "style": {"color": "#ff0000", "width": 2}}, "drawing_data.shapes.0.style.color"),
            ({**SHAPE, "style": {"color": "#FF0000", "width": 0}}, "drawing_data.shapes.0.style.width"),
            ({**SHAPE, "style": {"color": "#FF0000", "width": 51}}, "drawing_data.shapes.0.style.width"),
            ({**SHAPE, "style": {"color": "#FF0000"}}, "drawing_data.shapes.0.style.width"),
        ],
    )  # fmt: skip
    def test_invalid_shapes_name_the_field(
        self, world: World, as_user: Any, shape: Any, field: str
    ) -> None:
        response = as_user(world.reviewer).post(
            URL, body(world, drawing_data={"shapes": [shape]}), format="json"
        )
        assert response.status_code == 400
        assert field in response.json()["details"], response.json()
        assert not committed_validator().validate("Shape", shape).valid

    def test_an_odd_freehand_count_is_the_rule_only_the_description_states(
        self, world: World, as_user: Any
    ) -> None:
        shape = {**SHAPE, "type": "freehand", "coordinates": [1, 2, 3, 4, 5]}
        response = as_user(world.reviewer).post(
            URL, body(world, drawing_data={"shapes": [shape]}), format="json"
        )
        assert response.status_code == 400
        assert committed_validator().validate("Shape", shape).valid

    def test_at_most_500_shapes(self, world: World, as_user: Any) -> None:
        client = as_user(world.reviewer)
        ok = client.post(URL, body(world, drawing_data={"shapes": [SHAPE] * 500}), format="json")
        assert ok.status_code == 201
        too_many = client.post(
            URL, body(world, drawing_data={"shapes": [SHAPE] * 501}), format="json"
        )
        assert too_many.status_code == 400
        assert "drawing_data.shapes" in too_many.json()["details"]
        assert not committed_validator().validate("DrawingData", {"shapes": [SHAPE] * 501}).valid


class TestCreateValidation:
    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"timestamp": "30.5"}, "timestamp"),
            ({"timestamp": -1}, "timestamp"),
            ({"timestamp": 120.5}, "timestamp"),
            ({"timestamp": True}, "timestamp"),
            ({"timestamp": 10, "timestamp_end": 5}, "timestamp_end"),
            ({"timestamp": 10, "timestamp_end": 500}, "timestamp_end"),
            ({"video_id": "not-a-uuid"}, "video_id"),
            ({"video_id": 12}, "video_id"),
            ({"content": 42}, "content"),
            ({"content": "x" * 10_001}, "content"),
            ({"priority": "urgent"}, "priority"),
            ({"drawing_data": {"shapes": "no"}}, "drawing_data.shapes"),
        ],
    )
    def test_bad_fields_are_400_with_details(
        self, world: World, as_user: Any, overrides: Any, field: str
    ) -> None:
        response = as_user(world.reviewer).post(URL, body(world, **overrides), format="json")
        assert response.status_code == 400
        error = response.json()
        assert error["code"] == "validation_error"
        assert field in error["details"], error
        assert not Feedback.objects.filter(video=world.video).exists()

    def test_missing_fields(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(URL, {}, format="json")
        assert response.status_code == 400
        assert {"video_id", "timestamp", "content"} <= set(response.json()["details"])

    def test_timestamp_is_unbounded_when_duration_is_unknown(
        self, world: World, as_user: Any
    ) -> None:
        world.video.duration = None
        world.video.save()
        response = as_user(world.reviewer).post(URL, body(world, timestamp=9999), format="json")
        assert response.status_code == 201

    def test_malformed_json(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(URL, "{bad", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "malformed_json"

    def test_json_that_is_not_an_object(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(URL, "[1, 2]", content_type="application/json")
        assert response.status_code == 400
        assert response.json()["code"] == "validation_error"

    def test_wrong_content_type_is_415(self, world: World, as_user: Any) -> None:
        response = as_user(world.reviewer).post(URL, "content=x", content_type="text/plain")
        assert response.status_code == 415
        assert response.json()["code"] == "unsupported_media_type"

    def test_too_large_body_is_413(self, world: World, as_user: Any, settings: Any) -> None:
        settings.MAX_REQUEST_BODY_BYTES = 1000
        response = as_user(world.reviewer).post(URL, body(world, content="x" * 2000), format="json")
        assert response.status_code == 413
        assert response.json()["code"] == "request_too_large"

    def test_missing_auth_is_401(self, world: World, anon: Any) -> None:
        response = anon.post(URL, body(world), format="json")
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")

    def test_viewer_cannot_post(self, world: World, as_user: Any) -> None:
        response = as_user(world.viewer).post(URL, body(world), format="json")
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"

    def test_other_projects_video_is_404(self, world: World, as_user: Any) -> None:
        response = as_user(world.outsider).post(URL, body(world), format="json")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestList:
    def test_bare_array_ordered_by_timestamp(self, world: World, as_user: Any) -> None:
        for ts in (50, 10, 30):
            FeedbackFactory(video=world.video, timestamp=ts)
        response = as_user(world.viewer).get(URL, {"video_id": str(world.video.id)})
        assert response.status_code == 200
        data = response.json()
        assert isinstance(data, list)
        assert [f["timestamp"] for f in data] == [10, 30, 50]
        assert "Link" not in response

    def test_filters(self, world: World, as_user: Any) -> None:
        FeedbackFactory(video=world.video, timestamp=5, status="open", priority="low")
        FeedbackFactory(video=world.video, timestamp=15, status="resolved", priority="high")
        FeedbackFactory(video=world.video, timestamp=25, status="open", priority="high")
        client = as_user(world.viewer)

        def times(**query: Any) -> list[float]:
            response = client.get(URL, {"video_id": str(world.video.id), **query})
            assert response.status_code == 200
            return [f["timestamp"] for f in response.json()]

        assert times(status="open") == [5, 25]
        assert times(priority="high") == [15, 25]
        assert times(status="open", priority="high") == [25]
        assert times(**{"from": 10}) == [15, 25]
        assert times(to=15) == [5, 15]
        assert times(**{"from": 6, "to": 24}) == [15]

    def test_cursor_paging_visits_every_feedback_once_in_order(
        self, world: World, as_user: Any
    ) -> None:
        made = [FeedbackFactory(video=world.video, timestamp=ts) for ts in (1, 2, 2, 2, 3, 4, 5)]
        expected = sorted((f.timestamp, str(f.id)) for f in made)
        client = as_user(world.viewer)
        seen: list[tuple[float, str]] = []
        response = client.get(URL, {"video_id": str(world.video.id), "limit": 2})
        pages = 0
        while True:
            pages += 1
            seen += [(f["timestamp"], f["id"]) for f in response.json()]
            link = response.get("Link")
            if not link:
                break
            match = re.fullmatch(r'<(http://testserver[^>]+)>; rel="next"', link)
            assert match, link
            response = client.get(match.group(1))
            assert response.status_code == 200
        assert seen == expected
        assert pages == 4

    def test_cursor_keeps_the_filters(self, world: World, as_user: Any) -> None:
        for ts in range(6):
            FeedbackFactory(video=world.video, timestamp=ts, status="open" if ts % 2 else "closed")
        client = as_user(world.viewer)
        first = client.get(URL, {"video_id": str(world.video.id), "status": "open", "limit": 2})
        link = re.fullmatch(r"<([^>]+)>.*", first["Link"]).group(1)  # type: ignore[union-attr]
        second = client.get(link)
        assert [f["timestamp"] for f in first.json() + second.json()] == [1, 3, 5]

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ({}, "video_id"),
            ({"video_id": "nope"}, "video_id"),
            ({"limit": 0}, "limit"),
            ({"limit": 501}, "limit"),
            ({"cursor": "garbage!"}, "cursor"),
            ({"cursor": base64.urlsafe_b64encode(b'["x", 1]').decode()}, "cursor"),
            ({"status": "done"}, "status"),
            ({"from": "nan"}, "from"),
            # Present but empty is not the same as absent: the document allows neither.
            ({"cursor": ""}, "cursor"),
            ({"status": ""}, "status"),
            ({"from": ""}, "from"),
            ({"limit": ""}, "limit"),
        ],
    )
    def test_bad_query_is_400(self, world: World, as_user: Any, query: Any, field: str) -> None:
        params = {"video_id": str(world.video.id), **query} if "video_id" not in query else query
        if not query:
            params = {}
        response = as_user(world.viewer).get(URL, params)
        assert response.status_code == 400
        assert field in response.json()["details"]

    def test_other_projects_video_is_404(self, world: World, as_user: Any) -> None:
        response = as_user(world.viewer).get(URL, {"video_id": str(world.other_video.id)})
        assert response.status_code == 404


class TestDetail:
    def test_get(self, world: World, as_user: Any) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.reviewer)
        response = as_user(world.viewer).get(f"{URL}/{feedback.id}")
        assert response.status_code == 200
        assert response.json()["id"] == str(feedback.id)

    def test_status_moves_freely_and_closed_reopens(self, world: World, as_user: Any) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.reviewer)
        client = as_user(world.reviewer)
        for status in ("resolved", "closed", "open", "in_progress", "closed", "in_progress"):
            response = client.patch(f"{URL}/{feedback.id}", {"status": status}, format="json")
            assert response.status_code == 200
            assert response.json()["status"] == status
        feedback.refresh_from_db()
        assert feedback.status == "in_progress"

    def test_patch_content_and_priority(self, world: World, as_user: Any) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.reviewer)
        response = as_user(world.editor).patch(
            f"{URL}/{feedback.id}", {"content": "Moved", "priority": "critical"}, format="json"
        )
        assert response.status_code == 200
        assert (response.json()["content"], response.json()["priority"]) == ("Moved", "critical")
        assert response.json()["updated_at"] >= response.json()["created_at"]

    @pytest.mark.parametrize(
        ("who", "allowed"),
        [("reviewer", True), ("owner", True), ("editor", True), ("viewer", False)],
    )
    def test_who_may_change_someone_elses_feedback(
        self, world: World, as_user: Any, who: str, allowed: bool
    ) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.editor)
        if who == "reviewer":
            feedback = FeedbackFactory(video=world.video, author=world.reviewer)
        user = getattr(world, who)
        response = as_user(user).patch(
            f"{URL}/{feedback.id}", {"status": "resolved"}, format="json"
        )
        assert response.status_code == (200 if allowed else 403)

    def test_reviewer_cannot_change_anothers_feedback(self, world: World, as_user: Any) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.editor)
        client = as_user(world.reviewer)
        assert (
            client.patch(f"{URL}/{feedback.id}", {"status": "closed"}, format="json").status_code
            == 403
        )
        assert client.delete(f"{URL}/{feedback.id}").status_code == 403
        feedback.refresh_from_db()
        assert feedback.status == "open"

    def test_patch_rejects_bad_values(self, world: World, as_user: Any) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.reviewer)
        response = as_user(world.reviewer).patch(
            f"{URL}/{feedback.id}", {"status": "done", "content": 3}, format="json"
        )
        assert response.status_code == 400
        assert set(response.json()["details"]) == {"status", "content"}

    def test_delete_removes_comments_and_unshared_screenshot(
        self, world: World, as_user: Any, png_data_url: str, django_capture_on_commit_callbacks: Any
    ) -> None:
        client = as_user(world.reviewer)
        shared = client.post(URL, body(world, screenshot=png_data_url), format="json").json()
        mine = client.post(URL, body(world, screenshot=png_data_url), format="json").json()
        CommentFactory(feedback_id=mine["id"], author=world.reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.delete(f"{URL}/{mine['id']}").status_code == 204
        assert client.get(f"{URL}/{mine['id']}").status_code == 404
        assert not Comment.objects.filter(feedback_id=mine["id"]).exists()
        assert len(stored_screenshots()) == 1  # still used by the other feedback
        with django_capture_on_commit_callbacks(execute=True):
            assert client.delete(f"{URL}/{shared['id']}").status_code == 204
        assert stored_screenshots() == []

    def test_unknown_and_foreign_ids_are_404(self, world: World, as_user: Any) -> None:
        client = as_user(world.owner)
        for method in ("get", "patch", "delete"):
            foreign = getattr(client, method)(f"{URL}/{world.other_feedback.id}", {}, format="json")
            assert foreign.status_code == 404, method
            unknown = getattr(client, method)(f"{URL}/{world.video.id}", {}, format="json")
            assert unknown.status_code == 404, method
        world.other_feedback.refresh_from_db()

    @pytest.mark.contract_unchecked("a path that is not a UUID matches no documented operation")
    def test_invalid_uuid_in_path_is_404_envelope(self, world: World, as_user: Any) -> None:
        response = as_user(world.owner).get(f"{URL}/not-a-uuid")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
