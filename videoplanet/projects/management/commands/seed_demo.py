"""Create (once) a demo user, project and video, and print a fresh API token for them.

The demo video is a real clip (``videoplanet.projects.democlip``): generated once,
offline, with every frame's timecode burned in, and stored through Django's storage.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import transaction

from videoplanet.accounts.models import ApiToken, User
from videoplanet.accounts.services import token_issue
from videoplanet.monitoring.metrics import scrape_hint
from videoplanet.projects.democlip import ClipSpec, clip_spec, ensure_demo_clip
from videoplanet.projects.models import Membership, Project, Role, Video

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


def media_url(name: str, base_url: str) -> str:
    """Where clients fetch a stored file: PUBLIC_MEDIA_URL if set, else this app's /media/."""
    if settings.PUBLIC_MEDIA_URL:
        return f"{settings.PUBLIC_MEDIA_URL.rstrip('/')}/{name}"
    return f"{base_url.rstrip('/')}{settings.MEDIA_URL}{name}"


class Command(BaseCommand):
    help = "Create the demo user, project and video if missing; print a new API token."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        # The file first, outside the transaction: it is the same file every run, so a
        # failure later leaves nothing that the next run would not reuse.
        spec = clip_spec()
        clip_url = media_url(store_demo_clip(spec), base_url)
        with transaction.atomic():
            token = self._seed(spec, clip_url)
        self._print(base_url, token, clip_url)

    def _seed(self, spec: ClipSpec, clip_url: str) -> str:
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Reviewer")
        project, _ = Project.objects.get_or_create(
            id=DEMO_PROJECT_ID, defaults={"name": "Demo project"}
        )
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.OWNER})
        Video.objects.update_or_create(
            id=DEMO_VIDEO_ID,
            defaults={
                "project": project,
                "title": DEMO_TITLE,
                "url": clip_url,
                "duration": spec.duration,
                "fps": spec.fps,
                "frame_count": spec.frame_count,
            },
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
                    f"  Demo clip      {clip_url}",
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
