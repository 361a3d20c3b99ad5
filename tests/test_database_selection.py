"""`make test`'s PostgreSQL pass (``--database-tests-only``) keeps exactly the tests that
can behave differently on another engine; each test here asks about itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.passes import uses_the_database

if TYPE_CHECKING:
    from conftest import World


def test_a_test_without_the_database_is_left_to_the_sqlite_pass(
    request: pytest.FixtureRequest, tmp_path: object, settings: object
) -> None:
    assert not uses_the_database(request.node)


def test_the_db_fixture_through_another_fixture_counts(
    request: pytest.FixtureRequest, world: World
) -> None:
    assert uses_the_database(request.node)


@pytest.mark.django_db
def test_the_django_db_mark_counts(request: pytest.FixtureRequest) -> None:
    assert uses_the_database(request.node)


def test_transactional_db_counts(request: pytest.FixtureRequest, transactional_db: None) -> None:
    assert uses_the_database(request.node)


@pytest.mark.database_url
def test_the_database_url_mark_counts(request: pytest.FixtureRequest) -> None:
    assert uses_the_database(request.node)
