"""`make run`'s demo data: created once, a working token printed every time."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command

from videoplanet.accounts.models import ApiToken, User
from videoplanet.projects.models import Project, Video


def _run() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    match = re.search(r"API token\s+(\S+)", out.getvalue())
    assert match, out.getvalue()
    return match.group(1)


@pytest.mark.django_db
def test_idempotent_and_the_printed_token_works(client_factory: Any) -> None:
    first = _run()
    second = _run()
    assert (User.objects.count(), Project.objects.count(), Video.objects.count()) == (1, 1, 1)
    assert ApiToken.objects.count() == 1  # the earlier demo token was rotated out
    client = client_factory(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {second}")
    video = Video.objects.get()
    response = client.get("/api/v1/feedbacks", {"video_id": str(video.id)})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {first}")
    assert client.get("/api/v1/me").status_code == 401
