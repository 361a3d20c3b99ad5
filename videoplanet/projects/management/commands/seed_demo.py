"""Create (once) a demo user, project and video, and print a fresh API token for them."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from videoplanet.accounts.models import ApiToken, User
from videoplanet.accounts.services import token_issue
from videoplanet.monitoring.metrics import scrape_hint
from videoplanet.projects.models import Membership, Project, Role, Video

DEMO_EMAIL = "demo@videoplanet.local"
DEMO_PASSWORD = "demo-password-2026"
DEMO_PROJECT_ID = uuid.UUID("00000000-0000-4000-8000-00000000d301")
DEMO_VIDEO_ID = uuid.UUID("00000000-0000-4000-8000-00000000d302")
TOKEN_NAME = "make run"


class Command(BaseCommand):
    help = "Create the demo user, project and video if missing; print a new API token."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")

    @transaction.atomic
    def handle(self, *args: Any, base_url: str, **options: Any) -> None:
        user = User.objects.filter(email=DEMO_EMAIL).first()
        if user is None:
            user = User.objects.create_user(DEMO_EMAIL, DEMO_PASSWORD, name="Demo Reviewer")
        project, _ = Project.objects.get_or_create(
            id=DEMO_PROJECT_ID, defaults={"name": "Demo project"}
        )
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.OWNER})
        Video.objects.get_or_create(
            id=DEMO_VIDEO_ID,
            defaults={
                "project": project,
                "title": "Demo video",
                "url": "https://example.com/demo.mp4",
                "duration": 600.0,
            },
        )
        ApiToken.objects.filter(user=user, name=TOKEN_NAME).delete()
        token = token_issue(user=user, name=TOKEN_NAME)
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
