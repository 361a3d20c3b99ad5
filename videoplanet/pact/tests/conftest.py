"""``provider_states_on``: the settings and URL map of config.settings.provider, in process."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import clear_url_caches


def urls_reload() -> None:
    """config.urls decides when it is imported whether /pact/ is routed."""
    import config.urls

    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def provider_states_on(settings: Any) -> Iterator[None]:
    settings.PACT_PROVIDER_STATES_ENABLED = True
    urls_reload()
    yield
    settings.PACT_PROVIDER_STATES_ENABLED = False
    urls_reload()
