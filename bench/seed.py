"""Load the benchmark dataset into the (migrated, empty) database in a few seconds.

One project with 10 members and 20 videos; 500 feedbacks per video (10,000) from all
members, a fifth of them with a screenshot name and a third with a drawing; every
fourth feedback has a thread of 3 comments (one a reply) and its first comment 2
reactions. Everything goes in with ``bulk_create``; only the bench user's bearer token
(``TOKEN``) goes through ``token_issue``. The ids the load generator needs are written
as JSON to the path given as the only argument.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=sqlite:///... \\
        python -m bench.seed out.json
"""

from __future__ import annotations

import json
import random
import sys
import uuid
from pathlib import Path
from typing import Any

TOKEN = "bench-token"
VIDEOS = 20
FEEDBACKS_PER_VIDEO = 500
MEMBERS = 10
VIDEO_SECONDS = 3600.0
EMOJI = ["👍", "🎉", "👀", "❤️"]
PHRASES = (
    "colour grade is too warm here",
    "the cut lands late",
    "audio dips under the music",
    "logo needs more padding",
    "subtitle overlaps the lower third",
    "fix the jump cut",
    "love this shot",
    "hold two more frames",
    "swap the b-roll",
    "tighten the pause",
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    """``low``–``high`` phrases of review-speak."""
    return "; ".join(rng.choice(PHRASES) for _ in range(rng.randint(low, high))).capitalize() + "."


def _drawing(rng: random.Random) -> dict[str, Any]:
    shapes: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(["rectangle", "ellipse", "arrow", "freehand", "text"])
        style = {"color": rng.choice(["#FF0000", "#00FF00", "#FFD700"]), "width": 3}
        if kind == "freehand":
            coords = [round(rng.uniform(0, 1920), 1) for _ in range(12)]
        elif kind == "text":
            coords = [round(rng.uniform(0, 1920), 1), round(rng.uniform(0, 1080), 1)]
        else:
            coords = [round(rng.uniform(0, 1920), 1) for _ in range(4)]
        shape: dict[str, Any] = {"type": kind, "coordinates": coords, "style": style}
        if kind == "text":
            shape["text"] = _sentence(rng, 1, 1)
        shapes.append(shape)
    return {"shapes": shapes}


def seed() -> dict[str, Any]:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from videoplanet.accounts.models import User
    from videoplanet.accounts.services import token_issue
    from videoplanet.feedback.models import (
        Comment,
        Feedback,
        Priority,
        Reaction,
        Status,
        thread_segment,
    )
    from videoplanet.projects.models import Membership, Project, Role, Video

    rng = random.Random(20260101)
    with transaction.atomic():
        users = User.objects.bulk_create(
            User(
                email=f"member{i}@bench.videoplanet.local",
                name=f"Bench Member {i}",
                password=make_password(None),
            )
            for i in range(MEMBERS)
        )
        project = Project.objects.create(name="Bench project")
        Membership.objects.bulk_create(
            Membership(project=project, user=u, role=Role.OWNER if i == 0 else Role.REVIEWER)
            for i, u in enumerate(users)
        )
        videos = Video.objects.bulk_create(
            Video(
                project=project,
                title=f"Bench video {i}",
                url=f"https://example.com/bench-{i}.mp4",
                duration=VIDEO_SECONDS,
            )
            for i in range(VIDEOS)
        )
        feedbacks = Feedback.objects.bulk_create(
            (
                Feedback(
                    video=video,
                    author=rng.choice(users),
                    timestamp=round(rng.uniform(0, VIDEO_SECONDS), 3),
                    content=_sentence(rng, 1, 6),
                    screenshot=(
                        f"screenshots/{uuid.UUID(int=rng.getrandbits(128)).hex}.png"
                        if rng.random() < 0.2
                        else ""
                    ),
                    drawing_data=_drawing(rng) if rng.random() < 0.33 else None,
                    priority=rng.choice(Priority.values),
                    status=rng.choice(Status.values),
                )
                for video in videos
                for _ in range(FEEDBACKS_PER_VIDEO)
            ),
            batch_size=1000,
        )
        threads = []
        now = timezone.now()
        for feedback in feedbacks[::4]:
            first = Comment(
                feedback=feedback, author=rng.choice(users), content=_sentence(rng, 1, 3)
            )
            reply = Comment(
                feedback=feedback,
                parent=first,
                author=rng.choice(users),
                content=_sentence(rng, 1, 3),
            )
            other = Comment(
                feedback=feedback, author=rng.choice(users), content=_sentence(rng, 1, 3)
            )
            first.thread_path = thread_segment(now, first.id)
            reply.thread_path = first.thread_path + thread_segment(now, reply.id)
            other.thread_path = thread_segment(now, other.id)
            threads.append((first, reply, other))
        Comment.objects.bulk_create([c for t in threads for c in t], batch_size=1000)
        reactions = [
            Reaction(comment=first, user=user, emoji=rng.choice(EMOJI))
            for first, _, _ in threads
            for user in rng.sample(users, 2)
        ]
        Reaction.objects.bulk_create(reactions, batch_size=1000)
        token = token_issue(user=users[0], name="bench", key=TOKEN)
    return {
        "token": token,
        "video_ids": [str(v.pk) for v in videos],
        "feedbacks": len(feedbacks),
        "comments": 3 * len(threads),
        "reactions": len(reactions),
    }


def main(argv: list[str]) -> int:
    import django

    django.setup()
    info = seed()
    Path(argv[0]).write_text(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
