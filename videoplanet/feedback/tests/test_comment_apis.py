"""Threaded comments with @mentions, and emoji reactions."""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.apps import apps as django_apps
from django.db import connection

from tests.factories import CommentFactory, FeedbackFactory, MembershipFactory, UserFactory
from videoplanet.feedback.inputs import comment_cursor_encode
from videoplanet.feedback.models import Comment, Reaction
from videoplanet.feedback.services import TooManyReactions, reaction_add
from videoplanet.projects.models import Role

if TYPE_CHECKING:
    from conftest import World

URL = "/api/v1/comments"


@pytest.fixture
def feedback(world: World) -> Any:
    return FeedbackFactory(video=world.video, author=world.owner)


@pytest.mark.django_db
class TestCreate:
    def test_top_level_comment(self, world: World, feedback: Any, as_user: Any) -> None:
        response = as_user(world.reviewer).post(
            URL,
            {"feedback_id": str(feedback.id), "content": "Looks off", "mentions": []},
            format="json",
        )
        assert response.status_code == 201
        data = response.json()
        assert data["parent_id"] is None
        assert data["feedback_id"] == str(feedback.id)
        assert data["user"] == {"id": str(world.reviewer.id), "name": world.reviewer.name}
        assert data["mentions"] == []
        assert data["reactions"] == {}

    def test_reply_with_mentions_in_the_given_order(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        parent = CommentFactory(feedback=feedback, author=world.owner)
        mentions = [str(world.viewer.id), str(world.owner.id), str(world.viewer.id)]
        response = as_user(world.reviewer).post(
            URL,
            {
                "feedback_id": str(feedback.id),
                "parent_id": str(parent.id),
                "content": "This is a reply",
                "mentions": mentions,
            },
            format="json",
        )
        assert response.status_code == 201
        data = response.json()
        assert data["parent_id"] == str(parent.id)
        assert data["mentions"] == [
            {"id": str(world.viewer.id), "name": world.viewer.name},
            {"id": str(world.owner.id), "name": world.owner.name},
        ]
        assert set(Comment.objects.get(id=data["id"]).mentions.all()) == {world.viewer, world.owner}

    def test_mentioning_a_non_member_is_400_and_writes_nothing(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        stranger = UserFactory()
        response = as_user(world.reviewer).post(
            URL,
            {
                "feedback_id": str(feedback.id),
                "content": "hi",
                "mentions": [str(world.owner.id), str(stranger.id), str(world.outsider.id)],
            },
            format="json",
        )
        assert response.status_code == 400
        messages = response.json()["details"]["mentions"]
        assert [str(stranger.id) in messages[0], str(world.outsider.id) in messages[1]] == [
            True,
            True,
        ]
        assert not Comment.objects.filter(feedback=feedback).exists()

    def test_parent_must_be_on_the_same_feedback(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        elsewhere = CommentFactory(feedback=FeedbackFactory(video=world.video))
        response = as_user(world.reviewer).post(
            URL,
            {"feedback_id": str(feedback.id), "parent_id": str(elsewhere.id), "content": "x"},
            format="json",
        )
        assert response.status_code == 400
        assert "parent_id" in response.json()["details"]

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"content": ""}, "content"),
            ({"content": 5}, "content"),
            ({"mentions": "abc"}, "mentions"),
            ({"mentions": ["not-a-uuid"]}, "mentions.0"),
            ({"parent_id": "x"}, "parent_id"),
        ],
    )
    def test_invalid_fields(
        self, world: World, feedback: Any, as_user: Any, data: Any, field: str
    ) -> None:
        payload = {"feedback_id": str(feedback.id), "content": "ok", **data}
        response = as_user(world.reviewer).post(URL, payload, format="json")
        assert response.status_code == 400
        assert field in response.json()["details"], response.json()

    def test_viewer_cannot_comment(self, world: World, feedback: Any, as_user: Any) -> None:
        response = as_user(world.viewer).post(
            URL, {"feedback_id": str(feedback.id), "content": "x"}, format="json"
        )
        assert response.status_code == 403

    def test_other_projects_feedback_is_404(self, world: World, as_user: Any) -> None:
        response = as_user(world.owner).post(
            URL, {"feedback_id": str(world.other_feedback.id), "content": "x"}, format="json"
        )
        assert response.status_code == 404


@pytest.mark.django_db
class TestList:
    def test_replies_follow_their_parents(self, world: World, feedback: Any, as_user: Any) -> None:
        a = CommentFactory(feedback=feedback, content="a")
        b = CommentFactory(feedback=feedback, content="b")
        CommentFactory(feedback=feedback, parent=a, content="a.1")
        CommentFactory(feedback=feedback, parent=b, content="b.1")
        a2 = CommentFactory(feedback=feedback, parent=a, content="a.2")
        CommentFactory(feedback=feedback, parent=a2, content="a.2.1")
        CommentFactory(feedback=FeedbackFactory(video=world.video), content="elsewhere")
        response = as_user(world.viewer).get(URL, {"feedback_id": str(feedback.id)})
        assert response.status_code == 200
        assert [c["content"] for c in response.json()] == ["a", "a.1", "a.2", "a.2.1", "b", "b.1"]

    def test_list_shows_mentions_and_reactions(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        comment = CommentFactory(feedback=feedback)
        comment.mentions.add(world.editor)
        Reaction.objects.create(comment=comment, user=world.owner, emoji="👍")
        Reaction.objects.create(comment=comment, user=world.editor, emoji="👍")
        Reaction.objects.create(comment=comment, user=world.editor, emoji="🎉")
        [data] = as_user(world.viewer).get(URL, {"feedback_id": str(feedback.id)}).json()
        assert data["mentions"] == [{"id": str(world.editor.id), "name": world.editor.name}]
        assert data["reactions"] == {
            "👍": [str(world.owner.id), str(world.editor.id)],
            "🎉": [str(world.editor.id)],
        }

    def test_needs_a_valid_feedback_id(self, world: World, as_user: Any) -> None:
        client = as_user(world.owner)
        assert client.get(URL).status_code == 400
        assert client.get(URL, {"feedback_id": "x"}).status_code == 400
        assert client.get(URL, {"feedback_id": str(world.other_feedback.id)}).status_code == 404


@pytest.mark.django_db
class TestReactions:
    def test_add_is_idempotent_and_remove_takes_only_mine(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        comment = CommentFactory(feedback=feedback)
        url = f"{URL}/{comment.id}/reactions"
        reviewer, editor = as_user(world.reviewer), as_user(world.editor)
        first = reviewer.post(url, {"emoji": "👍"}, format="json")
        assert first.status_code == 200
        assert first.json() == {"success": True, "reactions": {"👍": [str(world.reviewer.id)]}}
        again = reviewer.post(url, {"emoji": "👍"}, format="json")
        assert again.json()["reactions"] == {"👍": [str(world.reviewer.id)]}
        both = editor.post(url, {"emoji": "👍"}, format="json").json()["reactions"]
        assert both == {"👍": [str(world.reviewer.id), str(world.editor.id)]}
        removed = reviewer.delete(f"{url}/{quote('👍')}")
        assert removed.status_code == 200
        assert removed.json() == {"success": True, "reactions": {"👍": [str(world.editor.id)]}}
        noop = reviewer.delete(f"{url}/{quote('👍')}")
        assert noop.json()["reactions"] == {"👍": [str(world.editor.id)]}

    @pytest.mark.parametrize("emoji", ["👍🏽", "👨‍👩‍👧", "🇰🇷", "1️⃣", "❤️"])
    def test_emoji_sequences_are_accepted(
        self, world: World, feedback: Any, as_user: Any, emoji: str
    ) -> None:
        comment = CommentFactory(feedback=feedback)
        client = as_user(world.reviewer)
        response = client.post(f"{URL}/{comment.id}/reactions", {"emoji": emoji}, format="json")
        assert response.status_code == 200
        assert list(response.json()["reactions"]) == [emoji]
        removed = client.delete(f"{URL}/{comment.id}/reactions/{quote(emoji)}")
        assert removed.json()["reactions"] == {}

    @pytest.mark.parametrize("emoji", ["", "a", "lol", "👍 👍", 1, None, "<script>", "👍" * 17])
    def test_non_emoji_is_400(self, world: World, feedback: Any, as_user: Any, emoji: Any) -> None:
        comment = CommentFactory(feedback=feedback)
        response = as_user(world.reviewer).post(
            f"{URL}/{comment.id}/reactions", {"emoji": emoji}, format="json"
        )
        assert response.status_code == 400
        assert "emoji" in response.json()["details"]
        assert not Reaction.objects.exists()

    def test_non_emoji_in_path_is_400(self, world: World, feedback: Any, as_user: Any) -> None:
        comment = CommentFactory(feedback=feedback)
        response = as_user(world.reviewer).delete(f"{URL}/{comment.id}/reactions/abc")
        assert response.status_code == 400

    def test_viewer_cannot_react_and_outsider_gets_404(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        comment = CommentFactory(feedback=feedback)
        url = f"{URL}/{comment.id}/reactions"
        assert as_user(world.viewer).post(url, {"emoji": "👍"}, format="json").status_code == 403
        assert as_user(world.outsider).post(url, {"emoji": "👍"}, format="json").status_code == 404
        assert as_user(world.outsider).delete(f"{url}/{quote('👍')}").status_code == 404
        assert not Reaction.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_reactions_lose_nothing(world: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is tested on PostgreSQL (make test)")
    feedback = FeedbackFactory(video=world.video, author=world.owner)
    comment = CommentFactory(feedback=feedback)
    people = [MembershipFactory(project=world.project, role=Role.REVIEWER).user for _ in range(8)]
    barrier = threading.Barrier(len(people) * 2)
    errors: list[BaseException] = []

    def react(user: Any, emoji: str) -> None:
        try:
            barrier.wait()
            reaction_add(user=user, comment_id=comment.id, emoji=emoji)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # Everyone reacts twice at the same moment: nothing may be lost, nothing doubled.
    threads = [threading.Thread(target=react, args=(u, "👍")) for u in people for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reaction.objects.filter(comment=comment, emoji="👍").count() == len(people)


EMOJI = ["👍", "👎", "😀", "🎉", "❤️", "🔥", "👀", "🚀", "✅", "🙏", "🤔"]


def test_ten_distinct_emoji_per_person_per_comment(world: World, as_user: Any) -> None:
    feedback = FeedbackFactory(video=world.video, author=world.owner)
    comment = CommentFactory(feedback=feedback)
    url = f"{URL}/{comment.id}/reactions"
    reviewer, editor = as_user(world.reviewer), as_user(world.editor)
    for emoji in EMOJI[:10]:
        assert reviewer.post(url, {"emoji": emoji}, format="json").status_code == 200
    eleventh = reviewer.post(url, {"emoji": EMOJI[10]}, format="json")
    assert eleventh.status_code == 400
    assert eleventh.json()["code"] == "too_many_reactions"
    assert "emoji" in eleventh.json()["details"]
    assert reviewer.post(url, {"emoji": "👍"}, format="json").status_code == 200  # a repeat
    assert editor.post(url, {"emoji": EMOJI[10]}, format="json").status_code == 200  # others
    other = CommentFactory(feedback=feedback)
    assert (
        reviewer.post(
            f"{URL}/{other.id}/reactions", {"emoji": EMOJI[10]}, format="json"
        ).status_code
        == 200
    )
    reviewer.delete(f"{url}/{quote('👍')}")  # taking one back makes room again
    assert reviewer.post(url, {"emoji": EMOJI[10]}, format="json").status_code == 200
    assert Reaction.objects.filter(comment=comment, user=world.reviewer).count() == 10


@pytest.mark.django_db(transaction=True)
def test_concurrent_reactions_respect_the_cap(world: World) -> None:
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; concurrency is tested on PostgreSQL (make test)")
    comment = CommentFactory(feedback=FeedbackFactory(video=world.video, author=world.owner))
    for emoji in EMOJI[:8]:
        reaction_add(user=world.reviewer, comment_id=comment.id, emoji=emoji)
    extra = ["🍕", "🍔", "🌮", "🍣", "🥗", "🍩"]
    barrier = threading.Barrier(len(extra))
    outcomes: list[str] = []

    def react(emoji: str) -> None:
        try:
            barrier.wait()
            reaction_add(user=world.reviewer, comment_id=comment.id, emoji=emoji)
            outcomes.append("added")
        except TooManyReactions:
            outcomes.append("refused")
        except BaseException as exc:  # pragma: no cover - reported below
            outcomes.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=react, args=(e,)) for e in extra]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added"] * 2 + ["refused"] * 4
    assert Reaction.objects.filter(comment=comment, user=world.reviewer).count() == 10


def _pages(client: Any, feedback_id: Any, limit: int) -> list[list[str]]:
    """Every page of the comment list, following the Link header."""
    pages: list[list[str]] = []
    response = client.get(URL, {"feedback_id": str(feedback_id), "limit": limit})
    while True:
        assert response.status_code == 200, response.content
        pages.append([c["content"] for c in response.json()])
        link = response.get("Link")
        if not link:
            return pages
        next_url = link.split(";")[0].strip("<>")
        assert next_url.startswith("http://testserver/api/v1/comments?")
        response = client.get(next_url.removeprefix("http://testserver"))


@pytest.mark.django_db
class TestPaging:
    def test_pages_keep_replies_right_after_their_parents(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        """Threads are created interleaved; paging by 2 still gives thread order."""
        reviewer = as_user(world.reviewer)

        def post(content: str, parent: str | None = None) -> str:
            data = {"feedback_id": str(feedback.id), "content": content, "parent_id": parent}
            response = reviewer.post(URL, data, format="json")
            assert response.status_code == 201
            return str(response.json()["id"])

        a = post("a")
        b = post("b")
        a1 = post("a.1", a)
        post("b.1", b)
        post("a.1.1", a1)
        post("a.2", a)
        post("c")
        post("b.2", b)
        pages = _pages(reviewer, feedback.id, 2)
        assert pages == [["a", "a.1"], ["a.1.1", "a.2"], ["b", "b.1"], ["b.2", "c"]]
        assert _pages(reviewer, feedback.id, 500) == [[c for page in pages for c in page]]

    def test_default_page_is_100_and_a_short_page_has_no_link(
        self, world: World, feedback: Any, as_user: Any
    ) -> None:
        parent = None
        for i in range(101):
            # every tenth comment starts a thread; the others reply to it
            comment = CommentFactory(
                feedback=feedback, parent=None if i % 10 == 0 else parent, content=str(i)
            )
            parent = comment if i % 10 == 0 else parent
        client = as_user(world.viewer)
        first = client.get(URL, {"feedback_id": str(feedback.id)})
        assert len(first.json()) == 100
        assert 'rel="next"' in first["Link"]
        assert _pages(client, feedback.id, 100)[1] == ["100"]

    @pytest.mark.parametrize("cursor", ["", "!!!", "WyJ4Il0", "WzFd"])
    def test_a_bad_cursor_is_400(
        self, world: World, feedback: Any, as_user: Any, cursor: str
    ) -> None:
        response = as_user(world.viewer).get(
            URL, {"feedback_id": str(feedback.id), "cursor": cursor}
        )
        assert response.status_code == 400
        assert "cursor" in response.json()["details"]

    @pytest.mark.parametrize("path", ["", "0" * 45, "g" * 46, "A" * 46, "0" * 46 * 52])
    def test_a_cursor_is_a_thread_position(
        self, world: World, feedback: Any, as_user: Any, path: str
    ) -> None:
        comment = CommentFactory(feedback=feedback)
        client = as_user(world.viewer)
        query = {"feedback_id": str(feedback.id)}
        before = client.get(URL, {**query, "cursor": comment_cursor_encode("0" * 46)})
        assert [c["id"] for c in before.json()] == [str(comment.id)]
        after = client.get(URL, {**query, "cursor": comment_cursor_encode(comment.thread_path)})
        assert after.json() == []
        bad = client.get(URL, {**query, "cursor": comment_cursor_encode(path)})
        assert bad.status_code == 400
        assert "cursor" in bad.json()["details"]

    @pytest.mark.parametrize("limit", [0, 501, "x"])
    def test_limit_is_1_to_500(self, world: World, feedback: Any, as_user: Any, limit: Any) -> None:
        response = as_user(world.viewer).get(URL, {"feedback_id": str(feedback.id), "limit": limit})
        assert response.status_code == 400
        assert "limit" in response.json()["details"]


def test_the_migration_gives_existing_comments_their_thread_order(
    world: World, as_user: Any
) -> None:
    migration = importlib.import_module("videoplanet.feedback.migrations.0002_comment_thread_path")
    feedback = FeedbackFactory(video=world.video)
    a = CommentFactory(feedback=feedback, content="a")
    b = CommentFactory(feedback=feedback, content="b")
    a1 = CommentFactory(feedback=feedback, parent=a, content="a.1")
    CommentFactory(feedback=feedback, parent=b, content="b.1")
    CommentFactory(feedback=feedback, parent=a1, content="a.1.1")
    Comment.objects.update(thread_path="")
    migration.fill_thread_paths(django_apps, None)
    listed = as_user(world.viewer).get(URL, {"feedback_id": str(feedback.id)}).json()
    assert [c["content"] for c in listed] == ["a", "a.1", "a.1.1", "b", "b.1"]
