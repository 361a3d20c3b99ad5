"""Feedback pinned to frames: frame and timecode in responses, frame instead of seconds."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pytest

from tests.factories import FeedbackFactory
from videoplanet.feedback.models import Feedback
from videoplanet.realtime import notify
from videoplanet.realtime.contract import server_contract

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

URL = "/api/v1/feedbacks"


def rate(world: World, fps: str, frame_count: int | None, duration: float | None) -> None:
    world.video.fps, world.video.frame_count, world.video.duration = fps, frame_count, duration
    world.video.save()


def post(world: World, as_user: Any, **fields: Any) -> Any:
    body = {"video_id": str(world.video.id), "content": "Flash frame", **fields}
    return as_user(world.reviewer).post(URL, body, format="json")


def details(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "validation_error"
    return response.json()["details"]  # type: ignore[no-any-return]


class TestResponses:
    def test_seconds_come_back_with_their_frame_and_timecode(
        self, world: World, as_user: Any
    ) -> None:
        rate(world, "24", 2880, 120.0)
        response = post(world, as_user, timestamp=30.5, timestamp_end=31.0)
        assert response.status_code == 201
        data = response.json()
        assert (data["timestamp"], data["frame"], data["timecode"]) == (30.5, 732, "00:00:30:12")
        assert (data["frame_end"], data["timecode_end"]) == (744, "00:00:31:00")

    def test_frames_are_null_while_the_rate_is_unknown(self, world: World, as_user: Any) -> None:
        rate(world, "", None, 120.0)
        data = post(world, as_user, timestamp=30.5).json()
        assert [data[k] for k in ("frame", "timecode", "frame_end", "timecode_end")] == [None] * 4

    def test_drop_frame_timecode_at_29_97(self, world: World, as_user: Any) -> None:
        rate(world, "30000/1001", None, 4000.0)
        data = post(world, as_user, frame=107892).json()
        assert (data["frame"], data["timecode"]) == (107892, "01:00:00;00")
        assert data["timestamp"] == float(Fraction(107892 * 1001, 30000))  # 3599.9964 s

    def test_the_last_moment_shows_the_last_frame(self, world: World, as_user: Any) -> None:
        rate(world, "24", 2880, 120.0)
        data = post(world, as_user, timestamp=120.0).json()
        assert (data["frame"], data["timecode"]) == (2879, "00:01:59:23")

    def test_list_and_detail_carry_frames_without_extra_queries(
        self, world: World, as_user: Any, django_assert_num_queries: Any
    ) -> None:
        rate(world, "25", None, 120.0)
        for seconds in (0.04, 10.0, 59.96):
            FeedbackFactory(video=world.video, author=world.reviewer, timestamp=seconds)
        client = as_user(world.reviewer)
        client.get("/api/v1/me")  # the token's first use is recorded once, not per request
        # The token, the membership check (with the video's rate and the list's version),
        # then the page; a second read is served from the page cache.
        with django_assert_num_queries(3):
            listed = client.get(URL, {"video_id": str(world.video.id)}).json()
        with django_assert_num_queries(2):
            assert client.get(URL, {"video_id": str(world.video.id)}).json() == listed
        assert [(f["frame"], f["timecode"]) for f in listed] == [
            (1, "00:00:00:01"),
            (250, "00:00:10:00"),
            (1499, "00:00:59:24"),
        ]
        detail = client.get(f"{URL}/{listed[1]['id']}").json()
        assert (detail["frame"], detail["timecode"]) == (250, "00:00:10:00")


class TestCreateByFrame:
    def test_a_frame_is_stored_as_the_second_it_starts_at(self, world: World, as_user: Any) -> None:
        rate(world, "24000/1001", 2878, 120.12)
        response = post(world, as_user, frame=1800, frame_end=1824)
        assert response.status_code == 201
        data = response.json()
        assert (data["frame"], data["timecode"]) == (1800, "00:01:15:00")
        assert (data["frame_end"], data["timecode_end"]) == (1824, "00:01:16:00")
        stored = Feedback.objects.get(id=data["id"])
        assert stored.timestamp == 75.075  # 1800 × 1001 / 24000
        assert stored.timestamp_end == 76.076

    def test_every_frame_reads_back_as_itself(self, world: World, as_user: Any) -> None:
        rate(world, "60000/1001", None, None)
        for frame in (0, 1, 3599, 3600, 35963, 35964, 215783):
            assert post(world, as_user, frame=frame).json()["frame"] == frame

    def test_a_frame_needs_a_known_rate(self, world: World, as_user: Any) -> None:
        rate(world, "", None, 120.0)
        assert "frame" in details(post(world, as_user, frame=12))
        assert "frame_end" in details(post(world, as_user, timestamp=1, frame_end=12))
        assert not Feedback.objects.filter(video=world.video).exists()

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({}, "timestamp"),
            ({"timestamp": 1.0, "frame": 24}, "frame"),
            ({"frame": 24, "timestamp_end": 2.0, "frame_end": 48}, "frame_end"),
            ({"frame": 2880}, "frame"),  # frames are 0..2879
            ({"frame": 24, "frame_end": 2880}, "frame_end"),
            ({"frame": -1}, "frame"),
            ({"frame": "24"}, "frame"),
            ({"frame": 24.5}, "frame"),
            ({"frame": True}, "frame"),
            ({"frame": 48, "frame_end": 24}, "frame_end"),
            ({"frame": 48, "timestamp_end": 1.0}, "timestamp_end"),
        ],
    )
    def test_refused(self, world: World, as_user: Any, fields: dict[str, Any], field: str) -> None:
        rate(world, "24", 2880, 120.0)
        assert field in details(post(world, as_user, **fields))
        assert not Feedback.objects.filter(video=world.video).exists()

    def test_a_number_written_with_a_fraction_part_is_not_a_frame(
        self, world: World, as_user: Any
    ) -> None:
        rate(world, "24", 2880, 120.0)
        assert details(post(world, as_user, frame=24.0))["frame"] == ["Must be an integer."]
        assert not Feedback.objects.filter(video=world.video).exists()

    def test_frames_past_the_duration_are_refused_when_the_count_is_unknown(
        self, world: World, as_user: Any
    ) -> None:
        rate(world, "24", None, 10.0)
        assert details(post(world, as_user, frame=241))["frame"] == [
            "Must not be past the video's end (10.0 s)."
        ]


def test_the_created_event_carries_frame_and_timecode_when_known(world: World) -> None:
    rate(world, "30000/1001", None, 4000.0)
    feedback = FeedbackFactory(video=world.video, author=world.reviewer, timestamp=60.06)
    message = notify.feedback_created_message(feedback)
    assert (message["payload"]["frame"], message["payload"]["timecode"]) == (1800, "00:01:00;02")
    assert server_contract().validate_outgoing(message).valid
    rate(world, "", None, 4000.0)
    feedback.video.refresh_from_db()
    payload = notify.feedback_created_message(feedback)["payload"]
    assert "frame" not in payload and "timecode" not in payload
