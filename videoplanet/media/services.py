"""Uploads (create → send parts at offsets → complete) and video processing.

The bytes of an upload go to a local part file under ``VIDEO_UPLOAD_DIR``, read from the
request a chunk at a time: never whole in memory, never past the declared size nor
``VIDEO_MAX_BYTES``. A dropped connection keeps what arrived; the client asks for the
offset and sends the rest. Completing probes the file: a video is moved to storage and
becomes a ``processing`` Video whose processing runs in the task worker; anything else
is refused and nothing of it is kept.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from videoplanet.accounts.models import User
from videoplanet.api.errors import ApiError, NotFound, RequestTooLarge
from videoplanet.projects.access import project_access
from videoplanet.projects.models import MANAGERS, Video, VideoStatus
from videoplanet.realtime.notify import notify_video_updated, notify_video_version_added

from .models import Upload
from .probe import NotAVideo, probe
from .processing import local_copy, process

logger = logging.getLogger(__name__)

CHUNK_BYTES = 1024 * 1024
EXTENSIONS = {
    "mov": "mov",
    "mp4": "mp4",
    "matroska": "mkv",
    "webm": "webm",
    "avi": "avi",
    "mxf": "mxf",
    "mpegts": "ts",
}


class Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


class OffsetMismatch(ApiError):
    status_code = 409
    code = "offset_mismatch"
    default_message = "The part does not start where the upload stands."


class ChecksumMismatch(ApiError):
    code = "checksum_mismatch"
    default_message = "The part's bytes do not match its sha256; it was not kept."


class UploadIncomplete(ApiError):
    status_code = 409
    code = "upload_incomplete"
    default_message = "Not every byte has arrived yet."


class InvalidVideo(ApiError):
    code = "invalid_video"
    default_message = "The file is not a video."


def upload_part_path(upload_id: uuid.UUID) -> Path:
    return Path(settings.VIDEO_UPLOAD_DIR) / f"{upload_id}.part"


def _discard(path: Path) -> None:
    path.unlink(missing_ok=True)


@transaction.atomic
def upload_create(
    *,
    user: User,
    project_id: uuid.UUID,
    title: str,
    filename: str,
    size: int,
    video_id: uuid.UUID | None = None,
) -> Upload:
    """Start an upload; with ``video_id`` (a video of the same project) it becomes the next
    version of that video's stack."""
    project = project_access(
        user=user, project_id=project_id, roles=MANAGERS, action="upload videos"
    ).project
    version_of = None
    if video_id is not None:
        version_of = Video.objects.filter(id=video_id, project=project).first()
        if version_of is None:
            raise NotFound("Video not found.")
    if size > settings.VIDEO_MAX_BYTES:
        raise RequestTooLarge(
            f"The file is {size} bytes; the limit is {settings.VIDEO_MAX_BYTES}.",
            details={"size": [f"At most {settings.VIDEO_MAX_BYTES} bytes."]},
        )
    upload = Upload.objects.create(
        project=project,
        created_by=user,
        title=title,
        filename=filename,
        size=size,
        version_of=version_of,
    )
    path = upload_part_path(upload.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return upload


def upload_get(*, user: User, upload_id: uuid.UUID) -> Upload:
    """An upload is seen only by the person who started it, while still a member."""
    upload = (
        Upload.objects.filter(id=upload_id, created_by=user, project__memberships__user=user)
        .distinct()
        .first()
    )
    if upload is None:
        raise NotFound("Upload not found.")
    return upload


def upload_append(
    *,
    user: User,
    upload_id: uuid.UUID,
    offset: int,
    length: int,
    stream: Readable,
    sha256: str | None = None,
) -> Upload:
    """Append ``length`` bytes read from ``stream`` at ``offset``.

    The part is written straight into the part file; if the body breaks off, what
    arrived is kept (the client resumes from the new offset). A part that would pass
    the declared size, or whose sha256 does not match, is cut off again.
    """
    upload = upload_get(user=user, upload_id=upload_id)
    if offset != upload.received:
        raise OffsetMismatch(
            f"The upload stands at byte {upload.received}; send the part from there.",
            details={"offset": [str(upload.received)]},
        )
    if offset + length > upload.size:
        raise RequestTooLarge(
            f"The part ends at byte {offset + length}, past the upload's {upload.size}."
        )
    path = upload_part_path(upload.id)
    digest = hashlib.sha256()
    written = 0
    with path.open("r+b") as part:
        part.seek(offset)
        part.truncate()
        try:
            while written < length:
                data = stream.read(min(CHUNK_BYTES, length - written))
                if not data:
                    break
                part.write(data)
                digest.update(data)
                written += len(data)
        finally:
            part.flush()
            if sha256 is not None and (written != length or digest.hexdigest() != sha256.lower()):
                part.truncate(offset)
                written = 0
            os.fsync(part.fileno())
            Upload.objects.filter(id=upload.id).update(received=offset + written)
    if sha256 is not None and written == 0 and length:
        raise ChecksumMismatch()
    upload.received = offset + written
    return upload


def upload_abort(*, user: User, upload_id: uuid.UUID) -> None:
    upload = upload_get(user=user, upload_id=upload_id)
    path = upload_part_path(upload.id)
    upload.delete()
    _discard(path)


def upload_complete(*, user: User, upload_id: uuid.UUID) -> Video:
    """Probe the whole file; a video is stored and queued for processing, anything else
    is refused and removed (no row, no file)."""
    upload = upload_get(user=user, upload_id=upload_id)
    if upload.received != upload.size:
        raise UploadIncomplete(
            f"{upload.received} of {upload.size} bytes have arrived.",
            details={"offset": [str(upload.received)]},
        )
    path = upload_part_path(upload.id)
    try:
        probed = probe(path)
    except NotAVideo as exc:
        upload.delete()
        _discard(path)
        raise InvalidVideo(str(exc), details={"file": [str(exc)]}) from exc
    video_id = uuid.uuid4()
    name = f"videos/{video_id}/original.{EXTENSIONS[probed.container]}"
    with path.open("rb") as part:
        stored = default_storage.save(name, File(part, name=name))
    try:
        with transaction.atomic():
            stack = _next_version(upload.version_of)
            video = Video.objects.create(
                id=video_id,
                stack_id=stack.stack_id,
                version=stack.version,
                project=upload.project,
                title=upload.title,
                url="",
                duration=probed.duration,
                fps=probed.fps_text,
                frame_count=probed.frame_count,
                width=probed.width,
                height=probed.height,
                status=VideoStatus.PROCESSING,
                source=stored,
                probe=probed.as_json(),
            )
            upload.delete()
            _on_commit_enqueue(video.id)
            if stack.others:
                notify_video_version_added(video, rooms=stack.others)
    except BaseException:
        default_storage.delete(stored)
        raise
    _discard(path)
    return video


@dataclass(frozen=True)
class _Stack:
    stack_id: uuid.UUID
    version: int
    others: list[uuid.UUID]


def _next_version(base: Video | None) -> _Stack:
    """Where a new video goes: its own stack, or after the last version of ``base``'s
    (the stack's rows are locked until the transaction ends)."""
    if base is None:
        return _Stack(stack_id=uuid.uuid4(), version=1, others=[])
    rows = list(
        Video.objects.select_for_update()
        .filter(stack_id=base.stack_id)
        .order_by("version")  # the rooms are told in version order, on every engine
        .values_list("id", "version")
    )
    return _Stack(
        stack_id=base.stack_id,
        version=max(version for _, version in rows) + 1,
        others=[video_id for video_id, _ in rows],
    )


def _on_commit_enqueue(video_id: uuid.UUID) -> None:
    from .tasks import video_process_task

    transaction.on_commit(lambda: video_process_task.enqueue(str(video_id)))


def video_process(*, video_id: uuid.UUID) -> None:
    """The worker's job: probe again, make the proxy (when browsers cannot play the
    original), the poster and the stills; then ``ready``, or ``failed`` with a reason.
    A video that is no longer ``processing`` (deleted, done) is left alone."""
    video = Video.objects.filter(id=video_id, status=VideoStatus.PROCESSING).first()
    if video is None:
        return
    try:
        with local_copy(video.source) as path:
            probed = probe(path)
            outputs = process(path, probed, f"videos/{video.id}", proxy=not probed.browser_playable)
    except Exception as exc:
        logger.exception("processing video %s failed", video_id)
        reason = str(exc) if isinstance(exc, NotAVideo) else "The video could not be decoded."
        with transaction.atomic():
            if Video.objects.filter(id=video.id, status=VideoStatus.PROCESSING).update(
                status=VideoStatus.FAILED, failure_reason=reason[:500]
            ):
                video.status, video.failure_reason = VideoStatus.FAILED, reason[:500]
                notify_video_updated(video)
        return
    fields = {
        "status": VideoStatus.READY,
        "playback": outputs.proxy or video.source,
        "poster": outputs.poster,
        "thumbnails": outputs.thumbnails,
        "duration": probed.duration,
        "fps": probed.fps_text,
        "frame_count": probed.frame_count,
        "width": probed.width,
        "height": probed.height,
        "probe": probed.as_json(),
    }
    with transaction.atomic():
        if not Video.objects.filter(id=video.id, status=VideoStatus.PROCESSING).update(**fields):
            transaction.on_commit(lambda: _delete_all(outputs.names()))
            return
        for name, value in fields.items():
            setattr(video, name, value)
        notify_video_updated(video)


def _delete_all(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
