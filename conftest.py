"""Shared fixtures: a two-project world with every role, and API clients whose every
response is checked against the committed OpenAPI document."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from videoplanet_client.contract import NO_BODY, MemoryRecorder

from tests.factories import (
    FeedbackFactory,
    MembershipFactory,
    ProjectFactory,
    VideoFactory,
    image_data_url,
)
from tests.passes import servers_first, uses_the_database
from videoplanet.accounts.models import User
from videoplanet.accounts.services import token_issue
from videoplanet.contracts.validator import committed_validator
from videoplanet.feedback.models import Feedback
from videoplanet.projects.models import Project, Role, Video

CHECKED_PREFIXES = ("/api/v1/", "/api/monitoring/")


class ContractCheckedClient(APIClient):
    """An APIClient that fails the test when a request or response is not in the OpenAPI
    document.

    Every /api/v1 and /api/monitoring response must be documented (status and body). A
    request must be too (body, query and path parameters) whenever the server accepted
    it with a 2xx: a server that accepts what its document forbids, or a field the
    document does not list, is a drift someone would notice. Requests that fail are
    often invalid on purpose and are not held to the document. Opt out per test with
    ``@pytest.mark.contract_unchecked("why")``.
    """

    check_contract = True
    _sent: tuple[Any, str | None] = (None, None)

    def generic(self, method: str, path: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        data = args[0] if args else kwargs.get("data", "")
        content_type = args[1] if len(args) > 1 else kwargs.get("content_type")
        self._sent = (data, content_type)
        return super().generic(method, path, *args, **kwargs)

    def request(self, **kwargs: Any) -> Any:
        response = super().request(**kwargs)
        request = response.wsgi_request
        if self.check_contract and request.path.startswith(CHECKED_PREFIXES):
            self._check(request, response)
        return response

    def _check(self, request: Any, response: Any) -> None:
        validator = committed_validator()
        body = None
        if response.content:
            assert response["Content-Type"].startswith("application/json"), response.content
            body = response.json()
        result = validator.validate_response(
            request.path, request.method, response.status_code, body
        )
        assert result.valid, (
            f"{request.method} {request.path} -> {response.status_code} breaks the "
            f"OpenAPI contract: {result.errors}\nbody: {body}"
        )
        if not 200 <= response.status_code < 300:
            return
        data, content_type = self._sent
        sent = json.loads(data) if data and content_type == "application/json" else NO_BODY
        query = {name: request.GET.getlist(name) for name in request.GET}
        result = validator.validate_request(request.path, request.method, sent, query=query)
        assert result.valid, (
            f"{request.method} {request.path} was accepted with {response.status_code} but "
            f"the request breaks the OpenAPI contract: {result.errors}\nsent: {sent}"
        )


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests whose outcome can depend on the database engine: those "
        "that use Django's test database (the django_db mark, or a db fixture directly or "
        "through another fixture) and those marked database_url (`make test`'s second pass)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--database-tests-only"):
        kept = [item for item in items if uses_the_database(item)]
        config.hook.pytest_deselected(items=[i for i in items if not uses_the_database(i)])
        items[:] = kept
    if os.environ.get("PYTEST_XDIST_WORKER"):
        servers_first(items)


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media() -> Iterator[None]:
    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def client_factory(
    request: pytest.FixtureRequest,
) -> Callable[[User | None], ContractCheckedClient]:
    unchecked = request.node.get_closest_marker("contract_unchecked") is not None

    def make(user: User | None = None) -> ContractCheckedClient:
        client = ContractCheckedClient()
        client.check_contract = not unchecked
        if user is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)}")
        return client

    return make


@pytest.fixture
def anon(client_factory: Callable[[User | None], ContractCheckedClient]) -> ContractCheckedClient:
    return client_factory(None)


@dataclass
class World:
    """Project A with one member per role and a video; project B belongs to someone else."""

    project: Project
    owner: User
    editor: User
    reviewer: User
    viewer: User
    video: Video
    other_project: Project
    outsider: User
    other_video: Video
    other_feedback: Feedback


@pytest.fixture
def world(db: None) -> World:
    project = ProjectFactory()
    members = {
        role: MembershipFactory(project=project, role=role).user
        for role in (Role.OWNER, Role.EDITOR, Role.REVIEWER, Role.VIEWER)
    }
    other = ProjectFactory()
    outsider = MembershipFactory(project=other, role=Role.OWNER).user
    other_video = VideoFactory(project=other)
    return World(
        project=project,
        owner=members[Role.OWNER],
        editor=members[Role.EDITOR],
        reviewer=members[Role.REVIEWER],
        viewer=members[Role.VIEWER],
        video=VideoFactory(project=project, duration=120.0),
        other_project=other,
        outsider=outsider,
        other_video=other_video,
        other_feedback=FeedbackFactory(video=other_video, author=outsider),
    )


@pytest.fixture
def as_user(
    client_factory: Callable[[User | None], ContractCheckedClient],
) -> Callable[[User], ContractCheckedClient]:
    return lambda user: client_factory(user)


@pytest.fixture
def violations(monkeypatch: pytest.MonkeyPatch) -> MemoryRecorder:
    """Every contract violation the server records during the test."""
    recorder = MemoryRecorder()
    monkeypatch.setattr("videoplanet.contracts.violations.server_recorder", lambda: recorder)
    return recorder


@pytest.fixture
def png_data_url() -> str:
    return image_data_url("PNG")


__all__ = ["ContractCheckedClient", "World"]
