"""The feedback list's rendered pages, cached per video version.

A review room is many readers of one list, so a page is rendered once and then served
as bytes until something it shows changes:

- **Access first.** Every request runs the membership check (one query, which also
  reads the version and the video's frame rate and count); only members reach the
  cache, and a non-member gets the same 404 as for a video that does not exist.
- **The version.** ``FeedbackListVersion`` holds a random number per video that every
  write changing the list replaces, in the writer's own transaction (the receivers
  below): a feedback saved or deleted, one at a time or in a cascade (an author's
  account deleted), and an author's name or email changed. Comments and reactions are
  not part of the list's items, so they leave it alone. The version lives in the
  database, so every server process sees a write as soon as it commits and a reader
  never pairs a new version with old rows. Random rather than counted: a version that
  a rolled-back transaction used is never handed out again.
- **The key** is the video, its version, its frame rate and frame count (frame and
  timecode come from them; the media worker changes them with a queryset update), the
  scheme and host (screenshot and next-page URLs are absolute), the raw query string,
  and the media signing slot. Nothing else in the page depends on the caller: there are
  no role-dependent fields, and usage recording (``X-Client``) reads only the request.
- **Signed URLs.** Media URLs are signed per slot of a third of
  ``MEDIA_URL_TTL_SECONDS`` (``videoplanet.media.signing``); the slot is part of the
  key and a page expires with its slot, so a cached page holds exactly the URLs a fresh
  render would, each valid for at least two thirds of the lifetime.
- **Where.** Pages go to Django's default cache: Redis when ``REDIS_URL`` is set
  (shared by all processes), else this process's memory. Either way the version read
  from the database decides which page is current.
- **HTTP.** Each page has a strong ``ETag`` (a hash of its bytes and ``Link``);
  ``If-None-Match`` with it is answered 304 with no body. ``Cache-Control: private,
  no-cache`` lets browsers keep a copy but revalidate it each time.

The page is rendered with orjson. Its contract was checked (in every mode but off) when
it was rendered, so a page served from the cache is marked ``contract_checked`` and the
contract middleware does not check the same bytes again.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import Any

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.http import parse_etags

from videoplanet.accounts.models import User
from videoplanet.api.errors import NotFound
from videoplanet.api.sql import Columns, db_value, fetch_one
from videoplanet.projects.models import Membership, Project, Video

from .models import Feedback, FeedbackListVersion

KEY_PREFIX = "feedback-list:v1"


@dataclass(frozen=True, slots=True)
class Page:
    """A rendered page: its JSON bytes, its ``Link`` header (or None) and its ETag."""

    body: bytes
    link: str | None
    etag: str


def _slot() -> tuple[int, int]:
    """The media signing slot (see ``videoplanet.media.signing``) and its length in s."""
    length = max(1, int(settings.MEDIA_URL_TTL_SECONDS) // 3)
    return int(time.time()) // length, length


def list_key(*, user: User, video_id: uuid.UUID, request: HttpRequest) -> str:
    """The cache key of the page ``request`` asks for, after checking that ``user`` is a
    member of the video's project (NotFound otherwise). One query."""
    row = fetch_one(_access_sql(), [db_value(User, user.pk), db_value(Video, video_id)])
    if row is None:
        raise NotFound("Video not found.")
    fps, frame_count, version = row
    slot, _ = _slot()
    where = f"{request.scheme}://{request.get_host()}?{request.META.get('QUERY_STRING', '')}"
    digest = hashlib.blake2b(where.encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}:{video_id}:{version or 0}:{fps}:{frame_count}:{slot}:{digest}"


@functools.cache
def _access_sql() -> str:
    """The membership check with what the key needs, as SQL written out once
    (``videoplanet.api.sql``): building the same query with the ORM on every request
    cost more than running it."""
    video, membership = Columns(Video, "v"), Columns(Membership, "m")
    version = Columns(FeedbackListVersion, "lv")
    return " ".join(
        [
            f"SELECT {video.column('fps')}, {video.column('frame_count')},",
            f"{version.column('version')} FROM {video.table()}",
            f"JOIN {membership.table()} ON {membership.column('project')} =",
            f"{video.column('project')} AND {membership.column('user')} = %s",
            f"LEFT JOIN {version.table()} ON {version.column('video')} = {video.column('id')}",
            f"WHERE {video.column('id')} = %s",
        ]
    )


def page_render(body: Any, link: str | None) -> Page:
    content = orjson.dumps(body)
    tag = hashlib.blake2b(content, digest_size=16)
    tag.update((link or "").encode())
    return Page(body=content, link=link, etag=f'"{tag.hexdigest()}"')


def page_get(key: str) -> Page | None:
    """The page cached under ``key``, if any."""
    page = cache.get(key)
    return page if isinstance(page, Page) else None


def page_put(key: str, page: Page) -> None:
    """Keep ``page`` under ``key`` for as long as its media signing slot lasts."""
    _, length = _slot()
    cache.set(key, page, timeout=length)


def page_response(request: HttpRequest, page: Page, *, cached: bool) -> HttpResponse:
    """200 with the page, or 304 when ``If-None-Match`` names its ETag."""
    matches = request.headers.get("If-None-Match")
    if matches and _etag_matches(matches, page.etag):
        response = HttpResponse(status=304)
        del response["Content-Type"]  # no body, so no type
    else:
        response = HttpResponse(page.body, content_type="application/json")
        if page.link is not None:
            response["Link"] = page.link
    response["ETag"] = page.etag
    response["Cache-Control"] = "private, no-cache"
    # Checked against the contract when it was rendered (see the module docstring).
    response.contract_checked = cached or response.status_code == 304  # type: ignore[attr-defined]
    return response


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(tag.removeprefix("W/") == etag for tag in parse_etags(header))


# ---- the writes that change a list: each gives its video a new version ----


def feedback_list_changed(*, video_ids: list[uuid.UUID]) -> None:
    """Give each video's feedback list a new version (in the caller's transaction).

    ``bulk_create(update_conflicts=True)`` written out once: every feedback write runs
    it, and compiling it cost more than running it (``videoplanet.api.sql``)."""
    with connection.cursor() as cursor:
        cursor.executemany(
            _bump_sql(),
            [(db_value(Video, video_id), secrets.randbits(62)) for video_id in video_ids],
        )


@functools.cache
def _bump_sql() -> str:
    table = Columns(FeedbackListVersion, "lv")
    quote = connection.ops.quote_name
    video, version = (quote(table.field(name).column or "") for name in ("video", "version"))
    # INSERT … ON CONFLICT … DO UPDATE: PostgreSQL and SQLite (3.24+) both take it.
    return " ".join(
        [
            f"INSERT INTO {quote(FeedbackListVersion._meta.db_table)} ({video}, {version})",
            f"VALUES (%s, %s) ON CONFLICT ({video}) DO UPDATE SET {version} = EXCLUDED.{version}",
        ]
    )


def _goes_with_its_video(origin: Any) -> bool:
    """Whether a deletion started at a video or project: the list goes away with it."""
    if isinstance(origin, QuerySet):
        return origin.model in (Video, Project)
    return isinstance(origin, Video | Project)


def on_feedback_saved(sender: Any, instance: Feedback, **kwargs: Any) -> None:
    feedback_list_changed(video_ids=[instance.video_id])


def on_feedback_deleted(sender: Any, instance: Feedback, **kwargs: Any) -> None:
    if not _goes_with_its_video(kwargs.get("origin")):
        feedback_list_changed(video_ids=[instance.video_id])


def on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    """An author's name and email are in every item of theirs."""
    fields = kwargs.get("update_fields")
    if created or (fields is not None and not {"name", "email"} & set(fields)):
        return
    video_ids = list(
        Feedback.objects.filter(author=instance)
        .order_by()
        .values_list("video_id", flat=True)
        .distinct()
    )
    if video_ids:
        feedback_list_changed(video_ids=video_ids)
