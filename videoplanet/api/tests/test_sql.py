"""The hot-path queries written out as SQL (``videoplanet.api.sql``) load the same model
instances the ORM would, on SQLite (which returns text for UUIDs and datetimes) and on
PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import Model

from tests.factories import MembershipFactory, UserFactory, VideoFactory
from videoplanet.accounts.authentication import token_authenticate
from videoplanet.accounts.models import ApiToken
from videoplanet.accounts.services import token_issue
from videoplanet.projects.access import video_access
from videoplanet.projects.models import Video

pytestmark = pytest.mark.django_db


def values(instance: Model) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def test_a_token_and_its_user_load_as_the_orm_loads_them() -> None:
    user = UserFactory(name="Dana")
    key = token_issue(user=user, name="laptop")
    token = token_authenticate(key)
    assert token is not None
    expected = ApiToken.objects.select_related("user").get(pk=token.pk)
    assert values(token) == values(expected)
    assert values(token.user) == values(expected.user)
    assert token.created_at.tzinfo is not None and token.user.is_active is True
    assert not token._state.adding and token.user.name == "Dana"


def test_a_video_loads_as_the_orm_loads_it_with_the_callers_role() -> None:
    video = VideoFactory(fps=25, frame_count=250)
    membership = MembershipFactory(project=video.project, role="reviewer")
    access = video_access(user=membership.user, video_id=video.pk)
    assert values(access.video) == values(Video.objects.get(pk=video.pk))
    assert access.role == "reviewer"
    access.video.title = "Renamed"
    access.video.save(update_fields=["title"])  # a loaded instance saves like any other
    assert Video.objects.get(pk=video.pk).title == "Renamed"
