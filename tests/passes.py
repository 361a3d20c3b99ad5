"""Which tests `make test` runs in which pass, and in what order its workers get them.

conftest.py applies these; they live here so that tests can import them (``conftest``
is not one importable module: clients/python/tests has its own).
"""

from __future__ import annotations

from collections import Counter

import pytest

# The fixtures through which a test reaches Django's test database (pytest-django's).
DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def uses_the_database(item: pytest.Item) -> bool:
    """Whether ``item`` can behave differently on another DATABASE_URL: it uses Django's
    test database (the django_db mark, or a database fixture directly or through another
    fixture) or is marked database_url. Every other test touches no database, or (the
    server processes) a SQLite file of its own whatever DATABASE_URL is: running it again
    on PostgreSQL repeats the same run."""
    if item.get_closest_marker("django_db") or item.get_closest_marker("database_url"):
        return True
    return not DATABASE_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


def servers_first(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`: ``--dist loadscope --no-loadscope-reorder``, one
    module to one worker), hand out first the modules with the most tests marked
    ``server``: the long ones, so that none of them starts while the others are idle.
    The order within a module, and of the other modules, stays as collected."""
    servers: Counter[str] = Counter(
        item.nodeid.partition("::")[0] for item in items if item.get_closest_marker("server")
    )
    order = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (-servers[item.nodeid.partition("::")[0]], order[id(item)]))
