"""The test suite's API client holds every call to the OpenAPI document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from conftest import World

pytestmark = pytest.mark.django_db


def test_an_accepted_request_with_an_undocumented_field_fails_the_test(
    world: World, as_user: Any
) -> None:
    client = as_user(world.owner)
    with pytest.raises(AssertionError, match="the request breaks the OpenAPI contract"):
        client.post("/api/v1/projects", {"name": "Launch", "colour": "red"}, format="json")


def test_an_accepted_request_with_an_undocumented_query_parameter_fails_the_test(
    world: World, as_user: Any
) -> None:
    client = as_user(world.owner)
    with pytest.raises(AssertionError, match=r"query\.sort: not a documented parameter"):
        client.get("/api/v1/feedbacks", {"video_id": str(world.video.id), "sort": "new"})


def test_a_rejected_invalid_request_is_not_held_to_the_document(world: World, as_user: Any) -> None:
    response = as_user(world.owner).post("/api/v1/projects", {"name": 5}, format="json")
    assert response.status_code == 400


def test_an_undocumented_status_fails_the_test(world: World, as_user: Any) -> None:
    with pytest.raises(AssertionError, match=r"-> 405 breaks the OpenAPI contract"):
        as_user(world.owner).put("/api/v1/projects", {}, format="json")


@pytest.mark.contract_unchecked("shows that the named opt-out turns the checks off")
def test_the_named_marker_opts_out(world: World, as_user: Any) -> None:
    response = as_user(world.owner).post(
        "/api/v1/projects", {"name": "Launch", "colour": "red"}, format="json"
    )
    assert response.status_code == 201
