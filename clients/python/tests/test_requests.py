"""Request building and the retry decision, without any I/O."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable

import httpx
import pytest
from videoplanet_client import _requests as req
from videoplanet_client._realtime import websocket_url

# -- screenshots -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "mime"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_screenshot_bytes_become_a_data_url_of_their_real_type(
    make_image: Callable[..., bytes], fmt: str, mime: str
) -> None:
    data = make_image(fmt)
    url = req.screenshot_data_url(data)
    prefix = f"data:{mime};base64,"
    assert url.startswith(prefix)
    assert base64.b64decode(url[len(prefix) :]) == data


def test_a_data_url_string_is_sent_as_given() -> None:
    url = "data:image/png;base64,AAAA"
    assert req.screenshot_data_url(url) is url


@pytest.mark.parametrize("data", [b"GIF89a....", b"", b"RIFF\x00\x00\x00\x00WAVE", b"\x89PNG"])
def test_other_bytes_are_refused_before_sending(data: bytes) -> None:
    with pytest.raises(ValueError, match="PNG, JPEG or WebP"):
        req.screenshot_data_url(data)


# -- the Link header ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            '<https://a.test/api/v1/feedbacks?cursor=x>; rel="next"',
            "https://a.test/api/v1/feedbacks?cursor=x",
        ),
        ("<https://a.test/p2>; rel=next", "https://a.test/p2"),
        ('<https://a.test/p1>; rel="prev", <https://a.test/p3>; rel="next"', "https://a.test/p3"),
        ('<https://a.test/p3>; title="a, b"; rel="last next"', "https://a.test/p3"),
        ('<https://a.test/p3>; REL="Next"', "https://a.test/p3"),
        ('<https://a.test/p1>; rel="prev"', None),
        ("", None),
        (None, None),
        ("garbage", None),
    ],
)
def test_the_next_link_is_found(header: str | None, expected: str | None) -> None:
    assert req.parse_link_next(header) == expected


def test_a_relative_next_link_is_resolved_against_the_request() -> None:
    request_url = httpx.URL("http://127.0.0.1:8000/api/v1/feedbacks?video_id=v")
    url = req.next_page_url('</api/v1/feedbacks?video_id=v&cursor=c>; rel="next"', request_url)
    assert url == "http://127.0.0.1:8000/api/v1/feedbacks?video_id=v&cursor=c"


def test_a_next_link_to_another_origin_stays_on_ours() -> None:
    request_url = httpx.URL("https://api.example.com/api/v1/feedbacks?video_id=v")
    header = '<http://internal:8000/api/v1/feedbacks?video_id=v&cursor=c>; rel="next"'
    url = req.next_page_url(header, request_url)
    assert url == "https://api.example.com/api/v1/feedbacks?video_id=v&cursor=c"


# -- URLs --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base", ["http://h:8000", "http://h:8000/", "http://h:8000/api/v1", "http://h:8000/api/v1/"]
)
def test_base_url_is_the_server_root(base: str) -> None:
    assert req.api_root(base) == "http://h:8000"


@pytest.mark.parametrize("base", ["h:8000", "ftp://h", "", "ws://h:8000"])
def test_base_url_must_be_http(base: str) -> None:
    with pytest.raises(ValueError):
        req.api_root(base)


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        ("http://127.0.0.1:8000", "ws://127.0.0.1:8000/ws/videos/V/"),
        ("https://vp.example.com/api/v1/", "wss://vp.example.com/ws/videos/V/"),
        ("https://vp.example.com/prefix", "wss://vp.example.com/prefix/ws/videos/V/"),
    ],
)
def test_room_url(base: str, expected: str) -> None:
    assert websocket_url(base, "V") == expected


# -- bodies and queries ------------------------------------------------------------------


def test_update_sends_only_the_given_fields() -> None:
    call = req.feedbacks_update("f", status="resolved")
    assert (call.method, call.url, call.json) == ("PATCH", "feedbacks/f", {"status": "resolved"})


def test_create_leaves_out_what_was_not_given_and_accepts_uuid_ids() -> None:
    video = uuid.UUID("550e8400-e29b-41d4-a716-446655440001")
    call = req.feedbacks_create(video_id=video, timestamp=1.5, content="c")
    assert call.json == {"video_id": str(video), "timestamp": 1.5, "content": "c"}


def test_list_filters_use_the_server_query_names() -> None:
    call = req.feedbacks_list(
        video_id="v", status="open", priority="high", time_from=1.0, time_to=2.0, page_size=5
    )
    assert call.params == {
        "video_id": "v", "status": "open", "priority": "high", "from": 1.0, "to": 2.0, "limit": 5,
    }  # fmt: skip


def test_the_emoji_is_percent_encoded_in_the_path() -> None:
    call = req.reactions_remove("c", "👍🏽")
    assert call.url == "comments/c/reactions/%F0%9F%91%8D%F0%9F%8F%BD"


def test_mentions_must_be_a_list_not_a_string() -> None:
    with pytest.raises(TypeError):
        req.comments_create(feedback_id="f", content="c", mentions="someone")


# -- retries -----------------------------------------------------------------------------

GET = req.feedbacks_get("f")
DELETE = req.feedbacks_delete("f")
POST = req.feedbacks_create(video_id="v", timestamp=1.0, content="c")
PATCH = req.feedbacks_update("f", status="closed")


def response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize("call", [GET, DELETE])
@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_calls_are_retried_on_overload(call: req.Call[object], status: int) -> None:
    delay = req.retry_delay(call, attempt=0, retries=2, response=response(status))
    assert delay is not None and 0 < delay <= req.HTTP_BACKOFF.ceiling(0)


@pytest.mark.parametrize("call", [POST, PATCH])
def test_post_and_patch_are_never_retried(call: req.Call[object]) -> None:
    for status in (429, 502, 503, 504):
        assert req.retry_delay(call, attempt=0, retries=5, response=response(status)) is None
    error = httpx.ConnectError("refused")
    assert req.retry_delay(call, attempt=0, retries=5, error=error) is None


@pytest.mark.parametrize("status", [200, 400, 401, 404, 500, 501])
def test_other_statuses_are_final(status: int) -> None:
    assert req.retry_delay(GET, attempt=0, retries=2, response=response(status)) is None


def test_network_errors_and_timeouts_are_retried_but_not_configuration_errors() -> None:
    for error in (httpx.ConnectError("x"), httpx.ReadTimeout("x"), httpx.RemoteProtocolError("x")):
        assert req.retry_delay(GET, attempt=0, retries=1, error=error) is not None
    assert req.retry_delay(GET, attempt=0, retries=1, error=httpx.UnsupportedProtocol("x")) is None


def test_retry_after_is_honoured_up_to_a_minute() -> None:
    assert (
        req.retry_delay(GET, attempt=0, retries=2, response=response(429, **{"Retry-After": "3"}))
        == 3.0
    )
    assert (
        req.retry_delay(GET, attempt=0, retries=2, response=response(503, **{"Retry-After": "0"}))
        == 0.0
    )
    assert (
        req.retry_delay(GET, attempt=0, retries=2, response=response(429, **{"Retry-After": "600"}))
        is None
    )


def test_retries_stop_after_the_configured_number() -> None:
    assert req.retry_delay(GET, attempt=1, retries=2, response=response(503)) is not None
    assert req.retry_delay(GET, attempt=2, retries=2, response=response(503)) is None
    assert req.retry_delay(GET, attempt=0, retries=0, response=response(503)) is None


# -- feedback at a frame -----------------------------------------------------------------


def test_feedback_at_a_frame_sends_the_frame_and_no_seconds() -> None:
    call = req.feedbacks_create(video_id="v", frame=732, frame_end=744, content="Flash")
    assert call.json == {"video_id": "v", "frame": 732, "frame_end": 744, "content": "Flash"}


def test_feedback_from_a_server_that_does_not_send_frames_has_none() -> None:
    from videoplanet_client import Feedback

    data = {
        "id": "f", "video_id": "v", "timestamp": 30.5, "timestamp_end": None, "content": "c",
        "screenshot_url": None, "drawing_data": None, "priority": "medium", "status": "open",
        "user": {"id": "u", "name": "J", "email": "j@example.com"},
        "created_at": "2026-11-23T10:00:00Z", "updated_at": "2026-11-23T10:00:00Z",
    }  # fmt: skip
    old = Feedback.from_json(data)
    assert (old.frame, old.timecode, old.frame_end, old.timecode_end) == (None,) * 4
    new = Feedback.from_json({**data, "frame": 732, "timecode": "00:00:30:12"})
    assert (new.frame, new.timecode) == (732, "00:00:30:12")
    with pytest.raises(ValueError, match="'frame' must be an integer"):
        Feedback.from_json({**data, "frame": 7.5})
