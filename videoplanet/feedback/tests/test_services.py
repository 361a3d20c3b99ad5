"""The feedback services check the caller's access themselves: whoever calls them (a
view, the provider states, demo data) gets the same answer for the same caller."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.factories import CommentFactory, FeedbackFactory
from videoplanet.api.errors import NotFound, PermissionDenied
from videoplanet.feedback.models import Comment, Feedback, Reaction
from videoplanet.feedback.services import (
    comment_create,
    feedback_create,
    feedback_delete,
    feedback_update,
    reaction_add,
)

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db


def test_a_viewer_cannot_post_feedback(world: World) -> None:
    with pytest.raises(PermissionDenied):
        feedback_create(user=world.viewer, video_id=world.video.id, timestamp=1, content="no")
    assert not Feedback.objects.filter(content="no").exists()


def test_another_projects_video_does_not_exist_for_the_caller(world: World) -> None:
    with pytest.raises(NotFound):
        feedback_create(user=world.owner, video_id=world.other_video.id, timestamp=1, content="x")
    assert not Feedback.objects.filter(video=world.other_video, content="x").exists()


def test_only_the_author_or_a_manager_changes_feedback(world: World) -> None:
    feedback = FeedbackFactory(video=world.video, author=world.reviewer)
    with pytest.raises(PermissionDenied):
        feedback_update(user=world.viewer, feedback_id=feedback.id, changes={"content": "v"})
    updated = feedback_update(
        user=world.reviewer, feedback_id=feedback.id, changes={"content": "mine"}
    )
    assert updated.content == "mine"
    with pytest.raises(NotFound):
        feedback_delete(user=world.outsider, feedback_id=feedback.id)
    feedback_delete(user=world.editor, feedback_id=feedback.id)
    assert not Feedback.objects.filter(id=feedback.id).exists()


def test_comment_row_lists_mentions_in_the_order_given(world: World) -> None:
    feedback = FeedbackFactory(video=world.video, author=world.owner)
    row = comment_create(
        user=world.reviewer,
        feedback_id=feedback.id,
        content="@editor @owner",
        mention_ids=[world.editor.id, world.owner.id],
    )
    assert [m.id for m in row.mentions] == [world.editor.id, world.owner.id]
    assert row.author.id == world.reviewer.id
    assert row.reactions == {}
    assert Comment.objects.get(id=row.id).thread_path == row.thread_path


def test_reactions_need_a_contributor_of_the_comments_project(world: World) -> None:
    comment = CommentFactory(feedback=FeedbackFactory(video=world.video, author=world.owner))
    with pytest.raises(PermissionDenied):
        reaction_add(user=world.viewer, comment_id=comment.id, emoji="👍")
    with pytest.raises(NotFound):
        reaction_add(user=world.outsider, comment_id=comment.id, emoji="👍")
    assert not Reaction.objects.filter(comment=comment).exists()
    assert reaction_add(user=world.reviewer, comment_id=comment.id, emoji="👍") == {
        "👍": [str(world.reviewer.id)]
    }
