"""What one room event costs the server before fan-out: build, validate, encode.

In process, no server: a realistic ``feedback.created`` message is built by
``videoplanet.realtime.notify.feedback_created_message`` from an unsaved ``Feedback``
(with an unsaved author and an unsaved processed video, 23.976 fps, so the message has
its ``frame`` and ``timecode`` and no database is touched), then each step a broadcast takes
is timed timeit-style (``timeit.Timer.autorange`` picks the loop count, 7 repeats, the
fastest repeat is reported, as ``python -m timeit`` does):

- ``build``: ``feedback_created_message(feedback)``,
- ``validate``: ``broadcast.outgoing.validate_outgoing(message)`` (the pydantic check),
- ``encode``: ``broadcast.encode(message)`` (``json.dumps``),
- ``room_event``: ``broadcast.room_event(message)``, i.e. validate + encode as sent.

A broadcast does each of these once, however many sockets are in the room; every socket
then only forwards the encoded text.

    python -m bench.message_cost [--json]     # DJANGO_SETTINGS_MODULE: bench.settings
"""

from __future__ import annotations

import json
import os
import sys
import timeit
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

REPEAT = 7


def _per_call_us(fn: Callable[[], object]) -> float:
    timer = timeit.Timer(fn)
    number, _ = timer.autorange()
    number = max(number, 2000)
    best = min(timer.repeat(repeat=REPEAT, number=number))
    return best / number * 1e6


def measure() -> dict[str, Any]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from videoplanet.accounts.models import User
    from videoplanet.feedback.models import Feedback
    from videoplanet.projects.models import Video
    from videoplanet.realtime import broadcast
    from videoplanet.realtime.notify import feedback_created_message

    # Set, not looked up: the message reads the video's frame rate and frame count.
    video = Video(id=uuid.uuid4(), title="Bench", fps="24000/1001", frame_count=14386)
    author = User(id=uuid.uuid4(), email="member0@bench.videoplanet.local", name="Bench Member 0")
    feedback = Feedback(
        id=uuid.uuid4(),
        video=video,
        author=author,
        timestamp=42.5,
        content="The logo in the top-left corner is cut off; move it 20 px right.",
        priority="high",
        created_at=datetime.now(UTC),
    )
    message = feedback_created_message(feedback)
    assert message["payload"]["timecode"] == "00:00:42:10", message
    assert broadcast.outgoing.validate_outgoing(message).valid, message
    encoded = broadcast.encode(message)
    return {
        "message_bytes": len(encoded.encode()),
        "build_us": _per_call_us(lambda: feedback_created_message(feedback)),
        "validate_us": _per_call_us(lambda: broadcast.outgoing.validate_outgoing(message)),
        "encode_us": _per_call_us(lambda: broadcast.encode(message)),
        "room_event_us": _per_call_us(lambda: broadcast.room_event(message)),
    }


def describe(cost: dict[str, Any]) -> list[str]:
    ratio = cost["validate_us"] / cost["encode_us"]
    return [
        f"feedback.created ({cost['message_bytes']} bytes of JSON), µs per message, "
        "best of 7 timeit repeats:",
        f"  validate_outgoing {cost['validate_us']:6.2f} µs   encode (json.dumps) "
        f"{cost['encode_us']:6.2f} µs   validation / encoding = {ratio:.1f}×",
        f"  build (notify.feedback_created_message) {cost['build_us']:6.2f} µs   "
        f"room_event (validate + encode) {cost['room_event_us']:6.2f} µs",
        "  (each runs once per broadcast, not once per recipient)",
    ]


def main(argv: list[str]) -> int:
    cost = measure()
    if "--json" in argv:
        print(json.dumps(cost))
    else:
        print("\n".join(describe(cost)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
