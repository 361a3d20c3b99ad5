"""Hostile input for the API: the operations that take JSON, and a caller who can reach
every object their paths name."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.factories import CommentFactory, FeedbackFactory, UserFactory
from videoplanet.accounts.services import token_issue
from videoplanet.contracts.validator import committed_validator
from videoplanet.monitoring.services import reporter_issue

if TYPE_CHECKING:
    from conftest import World

MODES = ("off", "report", "enforce")


def json_operations() -> list[tuple[str, str]]:
    """(METHOD, template) of every documented operation with a JSON request body."""
    document = committed_validator().document
    return [
        (method.upper(), template)
        for template, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def needs_credentials(method: str, template: str) -> bool:
    operation = committed_validator().document["paths"][template][method.lower()]
    security = operation.get("security")
    return bool(security) and {} not in security


class Caller:
    """Fills path parameters with objects the world's owner may reach, and holds the
    credentials each operation takes (a user's, a reporter's, a staff user's)."""

    def __init__(self, world: World) -> None:
        feedback = FeedbackFactory(video=world.video, author=world.owner)
        comment = CommentFactory(feedback=feedback, author=world.owner)
        self.ids = {
            "project_id": world.project.id,
            "video_id": world.video.id,
            "feedback_id": feedback.id,
            "comment_id": comment.id,
            "emoji": "👍",
        }
        self.user_token = token_issue(user=world.owner)
        self.staff_token = token_issue(user=UserFactory(is_staff=True))
        self.reporter_token = reporter_issue(name="hostile-input")[1]

    def path(self, template: str) -> str:
        """A concrete path; a KeyError names a path parameter this class should fill."""
        return template.format(**self.ids)

    def credentials(self, template: str) -> str:
        return self.reporter_token if template.startswith("/api/monitoring/") else self.user_token


def assert_envelope(response: Any, status: int, codes: set[str]) -> None:
    assert response.status_code == status, response.content[:300]
    error = response.json()
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] in codes, error
