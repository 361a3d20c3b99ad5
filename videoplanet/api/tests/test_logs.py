"""Client text cannot forge or break log lines."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.test import override_settings

from videoplanet.api.logs import EscapingFormatter, escape_control

if TYPE_CHECKING:
    from conftest import World

FORGED = "x\nFAKE 2026-01-01 00:00:00 ERROR admin logged in\r\x1b[2K\u2028\u202e\x00\ud800"
ON_THE_WIRE = FORGED.replace("\ud800", "")  # what UTF-8 (a URL, a JSON body) can carry


def test_control_characters_are_escaped_and_text_is_kept() -> None:
    assert escape_control(FORGED) == (
        "x\\x0aFAKE 2026-01-01 00:00:00 ERROR admin logged in\\x0d\\x1b[2K"
        "\\u2028\\u202e\\x00\\ud800"
    )
    assert escape_control("Grüße, 東京 👍 tab-free") == "Grüße, 東京 👍 tab-free"


def test_a_record_with_client_text_is_one_line_but_a_traceback_keeps_its_lines() -> None:
    formatter = EscapingFormatter("%(levelname)s %(message)s")
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "unknown %s", (FORGED,), sys.exc_info()
        )
    text = formatter.format(record)
    first, *traceback = text.split("\n")
    assert first.startswith("ERROR unknown x\\x0aFAKE")
    assert traceback[0] == "Traceback (most recent call last):"
    assert traceback[-1] == "ValueError: boom"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield stream
    handler.setStream(previous)


@override_settings(CONTRACT_VALIDATION="report")
@pytest.mark.contract_unchecked("sends undocumented query parameters and fields on purpose")
def test_client_text_in_contract_violations_is_logged_on_one_line(
    world: World, as_user: Any, console: io.StringIO
) -> None:
    client = as_user(world.reviewer)
    client.get(f"/api/v1/feedbacks?video_id={world.video.id}&{quote(ON_THE_WIRE)}=1")
    client.post("/api/v1/feedbacks", {ON_THE_WIRE: 1}, format="json")
    lines = console.getvalue().splitlines()
    violations = [line for line in lines if "contract violation" in line]
    assert len(violations) == 2, lines
    assert "query.x\\x0aFAKE 2026-01-01 00:00:00 ERROR admin logged in\\x0d" in violations[0]
    assert "$.x\\x0aFAKE" in violations[1]
    assert not any(line.startswith("FAKE") for line in lines)
