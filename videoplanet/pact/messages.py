"""The room messages the provider produces for message-pact verification.

Each description in the consumer's message pact maps to a producer that builds the
message with the server's own builders (``videoplanet.realtime.notify``) from objects
with the provider states' fixed ids, and checks it against the server's outgoing
contract, as the room would before sending it.

    manage.py pact_verify_messages [--no-publish]   # part of `make verify-broker`
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pact is a development dependency, imported only where it is used
    from pact.types import Message

PROVIDER_REALTIME = "VideoPlanet-Backend-Realtime"
AT = datetime(2025, 8, 24, 10, 0, tzinfo=UTC)

Build = Callable[[], dict[str, Any]]


def builders() -> dict[str, Build]:
    """Message description → a function building that message (Django must be set up)."""
    from videoplanet.accounts.models import User
    from videoplanet.feedback.models import Comment, Feedback
    from videoplanet.projects.models import Video, VideoStatus
    from videoplanet.realtime import notify
    from videoplanet.realtime.presence import Present

    from . import provider_states as ps

    def john() -> User:
        return User(id=ps.JOHN_ID, name="John Doe", email="john@example.com")

    # The provider states' video, as far as messages read it: 24 fps, 120 s.
    video = Video(id=ps.VIDEO_ID, fps="24", frame_count=2880, duration=120.0)

    def feedback(status: str = "open") -> Feedback:
        return Feedback(
            id=ps.FEEDBACK_ID,
            video=video,
            author=john(),
            timestamp=30.5,
            content="Sample feedback",
            status=status,
            priority="medium",
            created_at=AT,
            updated_at=AT,
        )

    def comment(comment_id: Any, parent_id: Any = None, content: str = "Where exactly?") -> Comment:
        return Comment(
            id=comment_id,
            feedback_id=ps.FEEDBACK_ID,
            parent_id=parent_id,
            author=john(),
            content=content,
            created_at=AT,
            updated_at=AT,
        )

    return {
        "a feedback.created event": lambda: notify.feedback_created_message(feedback()),
        "a feedback.updated event": lambda: notify.feedback_updated_message(
            feedback("resolved"), changed=["status"], by=john()
        ),
        "a feedback.deleted event": lambda: notify.feedback_deleted_message(
            feedback_id=ps.FEEDBACK_ID, video_id=ps.VIDEO_ID, by=john(), at=AT
        ),
        "a comment.added event for a top-level comment": lambda: notify.comment_added_message(
            comment(ps.PARENT_COMMENT_ID), []
        ),
        "a comment.added event for a reply": lambda: notify.comment_added_message(
            comment(ps.COMMENT_ID, ps.PARENT_COMMENT_ID, "This is a reply"), [ps.JANE_ID]
        ),
        "a reaction.updated event": lambda: notify.reaction_updated_message(
            comment(ps.COMMENT_ID), {"👍": [str(ps.JOHN_ID)]}, by=john()
        ),
        "a user.joined event": lambda: notify.user_joined_message(str(ps.JOHN_ID), "John Doe", AT),
        "a user.left event": lambda: notify.user_left_message(str(ps.JOHN_ID), AT),
        "a presence.snapshot message": lambda: notify.presence_snapshot_message(
            [Present(str(ps.JOHN_ID), "John Doe", "2025-08-24T10:00:00Z")]
        ),
        "a pong message": lambda: notify.pong_message("ping-1"),
        "an error message": lambda: notify.error_message(
            "the message does not match the contract", ["payload: required"]
        ),
        "a video.updated event for a processed video": lambda: notify.video_updated_message(
            Video(id=ps.UPLOADED_VIDEO_ID, project_id=ps.PROJECT_ID, status=VideoStatus.READY)
        ),
        "a video.updated event for a video that failed": lambda: notify.video_updated_message(
            Video(
                id=ps.UPLOADED_VIDEO_ID,
                project_id=ps.PROJECT_ID,
                status=VideoStatus.FAILED,
                failure_reason="The file is not a video, or it is damaged or cut short.",
            )
        ),
        "a video.version_added event": lambda: notify.video_version_added_message(
            Video(
                id=ps.VIDEO_V2_ID,
                stack_id=ps.VIDEO_ID,
                version=2,
                title="Pact Test Video, cut 2",
            )
        ),
    }


def as_pact_message(message: dict[str, Any]) -> Message:
    return {
        "contents": json.dumps(message).encode(),
        "metadata": None,
        "content_type": "application/json",
    }


def producers() -> dict[str, Callable[..., Message] | Message | bytes]:
    """What pact-python's Verifier.message_handler takes: contract-checked messages."""
    from videoplanet.realtime.contract import server_contract

    outgoing = server_contract()

    def checked(build: Build) -> Callable[..., Message]:
        def produce(**_: Any) -> Message:
            message = build()
            result = outgoing.validate_outgoing(message)
            if not result.valid:  # the room would refuse to send it
                raise ValueError(f"{message.get('type')} breaks its schema: {result.errors}")
            return as_pact_message(message)

        return produce

    return {name: checked(build) for name, build in builders().items()}


def verify_broker(*, publish: bool = True) -> int:
    """Verify the broker's message pacts for the realtime provider and publish results."""
    from pact import Verifier

    from .broker import branch, broker_url, version

    token = os.environ.get("PACT_BROKER_TOKEN")
    verifier = Verifier(PROVIDER_REALTIME).message_handler(producers())
    if token:
        source = verifier.broker_source(broker_url(), token=token, selector=True)
    else:
        source = verifier.broker_source(
            broker_url(),
            username=os.environ.get("PACT_BROKER_USERNAME"),
            password=os.environ.get("PACT_BROKER_PASSWORD"),
            selector=True,
        )
    (
        source.consumer_versions(
            '{"mainBranch": true}', '{"deployedOrReleased": true}', '{"matchingBranch": true}'
        )
        .include_pending()
        .include_wip_since("2026-01-01")
        .provider_branch(branch())
        .build()
    )
    if publish:
        verifier.set_publish_options(version=version(), branch=branch())
    try:
        verifier.verify()
    except RuntimeError as exc:
        print(f"message verification failed: {exc}", file=sys.stderr)
        return 1
    return 0
