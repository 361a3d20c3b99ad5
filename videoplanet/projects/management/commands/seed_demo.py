"""Create (once) a demo user, project and video, and print a fresh API token for them.

The demo video is a real clip (``videoplanet.projects.democlip``): generated once,
offline, with every frame's timecode burned in, stored through Django's storage, and
probed like an upload. It is H.264/AAC in MP4, so browsers play it as it is; its poster
and timeline stills are made once, here, rather than by the worker.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from videoplanet.accounts.models import ApiToken, User
from videoplanet.accounts.services import token_issue
from videoplanet.media.probe import Probe, probe
from videoplanet.media.processing import local_copy, process
from videoplanet.media.signing import media_path
from videoplanet.monitoring.metrics import scrape_hint
from videoplanet.projects.democlip import ClipSpec, clip_spec, ensure_demo_clip
from videoplanet.projects.models import Membership, Project, Role, Video, VideoStatus
from videoplanet.projects.services import project_create

DEMO_EMAIL = "demo@videoplanet.local"
DEMO_PASSWORD = "demo-password-2026"
DEMO_PROJECT_ID = uuid.UUID("00000000-0000-4000-8000-00000000d301")
DEMO_VIDEO_ID = uuid.UUID("00000000-0000-4000-8000-00000000d302")
TOKEN_NAME = "make run"
DEMO_TITLE = "Demo clip (timecode burned in)"


def store_demo_clip(spec: ClipSpec) -> str:
    """The demo clip's name in the default storage, storing it there first if missing."""
    name = f"demo/{spec.filename}"
    if not default_storage.exists(name):
        with ensure_demo_clip(spec).open("rb") as clip:
            name = default_storage.save(name, File(clip))
    return name


def clip_fields(name: str) -> dict[str, Any]:
    """The demo video's media fields: the clip probed, and its poster and stills (made
    once; a later run reuses them while their files exist)."""
    with local_copy(name) as path:
        probed: Probe = probe(path)
        current = Video.objects.filter(id=DEMO_VIDEO_ID, source=name).first()
        kept = current is not None and all(
            default_storage.exists(n)
            for n in [current.poster, *(str(t["name"]) for t in current.thumbnails)]
            if n
        )
        if current is not None and current.poster and kept:
            poster, thumbnails = current.poster, current.thumbnails
        else:
            outputs = process(path, probed, f"videos/{DEMO_VIDEO_ID}", proxy=False)
            poster, thumbnails = outputs.poster, outputs.thumbnails
    return {
        "url": "",
        "source": name,
        "playback": name,
        "poster": poster,
        "thumbnails": thumbnails,
        "status": VideoStatus.READY,
        "failure_reason": "",
        "duration": probed.duration,
        "fps": probed.fps_text,
        "frame_count": probed.frame_count,
        "width": probed.width,
        "height": probed.height,
        "probe": probed.as_json(),
    }


class Command(BaseCommand):
    help = "Create the demo user, project and video if missing; print a new API token."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        # The file first, outside the transaction: it is the same file every run, so a
        # failure later leaves nothing that the next run would not reuse.
        name = store_demo_clip(clip_spec())
        fields = clip_fields(name)
        with transaction.atomic():
            token = self._seed(fields)
        self._print(base_url, token, f"{base_url.rstrip('/')}{media_path(name)}")

    def _seed(self, fields: dict[str, Any]) -> str:
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Reviewer")
        if not Project.objects.filter(id=DEMO_PROJECT_ID).exists():
            project_create(user=user, name="Demo project", id=DEMO_PROJECT_ID)
        else:  # made by an earlier run, perhaps for a demo user since deleted
            Membership.objects.get_or_create(
                project_id=DEMO_PROJECT_ID, user=user, defaults={"role": Role.OWNER}
            )
        Video.objects.update_or_create(
            id=DEMO_VIDEO_ID,
            defaults={"project_id": DEMO_PROJECT_ID, "title": DEMO_TITLE, **fields},
        )
        ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
        return token_issue(user=user, name=TOKEN_NAME)

    def _print(self, base_url: str, token: str, clip_url: str) -> None:
        api = f"{base_url}/api/v1"
        self.stdout.write(
            "\n".join(
                [
                    "",
                    "VideoPlanet is ready.",
                    f"  API            {api}/",
                    f"  API docs       {base_url}/api/docs/",
                    f"  OpenAPI        {api}/openapi.json",
                    f"  Demo user      {DEMO_EMAIL} / {DEMO_PASSWORD}",
                    f"  Demo project   {DEMO_PROJECT_ID}",
                    f"  Demo video     {DEMO_VIDEO_ID}",
                    f"  Demo clip      {clip_url}  (a signed link, valid for hours)",
                    f"  API token      {token}",
                    f"  Metrics        {scrape_hint(base_url)}",
                    "",
                    "Try:",
                    f"  curl -H 'Authorization: Bearer {token}' "
                    f"'{api}/feedbacks?video_id={DEMO_VIDEO_ID}'",
                    "",
                ]
            )
        )
