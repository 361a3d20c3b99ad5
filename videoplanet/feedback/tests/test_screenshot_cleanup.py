"""A stored screenshot is deleted once no feedback uses it, however the feedback went, and
never while another request is storing the same picture."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from tests.factories import MembershipFactory, VideoFactory, image_data_url
from videoplanet.accounts.models import User
from videoplanet.feedback import services
from videoplanet.feedback.models import Feedback
from videoplanet.feedback.screenshots import screenshot_decode, screenshot_store
from videoplanet.projects.models import Project, Role, Video

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db

RED = image_data_url("PNG", color=(255, 0, 0))
BLUE = image_data_url("PNG", color=(0, 0, 255))


def stored() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "screenshots"
    return {path.name for path in root.glob("*")} if root.exists() else set()


def file_of(feedback: Feedback) -> str:
    return Path(feedback.screenshot).name


@pytest.fixture(autouse=True)
def _clean_media() -> None:
    root = Path(settings.MEDIA_ROOT) / "screenshots"
    for path in root.glob("*") if root.exists() else []:
        path.unlink()


def post(video: Video, author: User, picture: str) -> Feedback:
    return services.feedback_create(
        user=author,
        video_id=video.id,
        timestamp=1,
        content="Look",
        screenshot=screenshot_decode(picture),
    )


def test_deleting_a_video_deletes_the_screenshots_only_it_used(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    second_video = VideoFactory(project=world.project)
    shared = post(world.video, world.reviewer, RED)
    post(second_video, world.reviewer, RED)
    only_here = post(world.video, world.reviewer, BLUE)
    with django_capture_on_commit_callbacks(execute=True):
        world.video.delete()
    assert stored() == {file_of(shared)}  # the second video still uses it
    assert file_of(only_here) != file_of(shared)
    with django_capture_on_commit_callbacks(execute=True):
        second_video.delete()
    assert stored() == set()


def test_deleting_projects_in_bulk_deletes_their_screenshots(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    kept = post(world.other_video, world.outsider, RED)
    post(world.video, world.reviewer, RED)
    post(VideoFactory(project=world.project), world.reviewer, BLUE)
    with django_capture_on_commit_callbacks(execute=True):
        Project.objects.filter(pk=world.project.pk).delete()  # the admin's bulk action
    assert not Feedback.objects.filter(video__project=world.project.pk).exists()
    assert stored() == {file_of(kept)}  # the other project's feedback still uses it


def test_deleting_a_user_deletes_the_screenshots_only_their_feedback_used(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    colleague = MembershipFactory(project=world.project, role=Role.REVIEWER).user
    kept = post(world.video, colleague, RED)
    post(world.video, world.reviewer, RED)
    post(world.video, world.reviewer, BLUE)
    with django_capture_on_commit_callbacks(execute=True):
        world.reviewer.delete()
    assert list(Feedback.objects.filter(video=world.video)) == [kept]
    assert stored() == {file_of(kept)}


def test_deleting_feedback_in_bulk_deletes_its_screenshots(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    post(world.video, world.reviewer, RED)
    post(world.video, world.reviewer, BLUE)
    with django_capture_on_commit_callbacks(execute=True):
        Feedback.objects.filter(video=world.video).delete()
    assert stored() == set()


def test_a_deletion_that_rolls_back_keeps_the_file(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    feedback = post(world.video, world.reviewer, RED)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        world.video.delete()
        raise RuntimeError("changed my mind")
    assert Feedback.objects.filter(pk=feedback.pk).exists()
    assert stored() == {file_of(feedback)}


def test_a_picture_whose_file_went_missing_is_written_again(world: World) -> None:
    first = post(world.video, world.reviewer, RED)
    (Path(settings.MEDIA_ROOT) / first.screenshot).unlink()  # as if a cleaner had just run
    second = post(world.video, world.reviewer, RED)
    assert second.screenshot == first.screenshot
    assert stored() == {file_of(second)}


def test_a_failed_write_keeps_the_file_another_feedback_uses(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = post(world.video, world.reviewer, RED)

    def fail(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(Feedback.objects, "create", fail)
    with pytest.raises(DatabaseError):
        post(world.video, world.reviewer, RED)
    with pytest.raises(DatabaseError):
        post(world.video, world.reviewer, BLUE)
    assert stored() == {file_of(kept)}  # the blue file this call wrote is gone again


def test_prune_deletes_only_files_no_feedback_uses(world: World) -> None:
    used = post(world.video, world.reviewer, RED)
    root = Path(settings.MEDIA_ROOT) / "screenshots"
    (root / "left-behind.png").write_bytes(b"an orphan")
    out = io.StringIO()
    call_command("screenshots_prune", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 unused screenshots."
    assert stored() == {file_of(used)}


@pytest.mark.django_db(transaction=True)
def test_storing_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="transaction"):
        screenshot_store(screenshot_decode(RED))
    assert stored() == set()


@pytest.mark.django_db(transaction=True)
def test_deleting_while_the_same_picture_is_being_stored_loses_no_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The deletion's clean-up waits for the request storing the same bytes to commit."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is tested on PostgreSQL (make test)")
    old = post(world.video, world.reviewer, RED)
    inside, release, deleted = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []
    notify = services.notify_feedback_created

    def pause_before_commit(feedback: Feedback) -> None:
        notify(feedback)
        inside.set()  # the row is written, the file found present; not committed yet
        release.wait(timeout=60)

    monkeypatch.setattr(services, "notify_feedback_created", pause_before_commit)

    def run(work: Any, done: threading.Event | None = None) -> None:
        try:
            work()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()
            if done is not None:
                done.set()

    writer = threading.Thread(target=run, args=(lambda: post(world.video, world.reviewer, RED),))
    writer.start()
    assert inside.wait(timeout=60)
    deleter = threading.Thread(
        target=run, args=(lambda: Feedback.objects.filter(pk=old.pk).delete(), deleted)
    )
    deleter.start()
    # Let the writer commit once the deleter has either finished (no lock: the bug) or
    # is waiting for a lock the writer holds (the design).
    deadline = time.monotonic() + 60
    while not deleted.is_set() and not _waiting_for_a_lock():
        assert time.monotonic() < deadline, "the deleter neither finished nor waited"
        time.sleep(0.01)  # polling an observable condition, bounded by the deadline
    release.set()
    writer.join()
    deleter.join()
    assert errors == []
    [new] = Feedback.objects.filter(video=world.video)
    assert new.screenshot == old.screenshot
    assert stored() == {file_of(new)}


def _waiting_for_a_lock() -> bool:
    """Whether a session of this database waits for a lock: the file's advisory lock, or
    the row of the video's feedback-list version that the writer holds until it commits
    (videoplanet.feedback.cache), which orders the whole deletion after the writer."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN "
            "(SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
        )
        return bool(cursor.fetchone()[0])
