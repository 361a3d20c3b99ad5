"""OpenAPI links: declared per operation, moved onto the response they follow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from videoplanet.api.schema import link, postprocess_response_links, response_links
from videoplanet.contracts.openapi import generate


def document(**links: dict[str, Any]) -> dict[str, Any]:
    return {
        "paths": {
            "/things": {
                "post": {
                    "operationId": "things_create",
                    "responses": {"201": {"description": ""}},
                    **response_links(201, **links),
                }
            },
            "/things/{thing_id}": {
                "get": {
                    "operationId": "things_retrieve",
                    "parameters": [{"in": "path", "name": "thing_id"}],
                    "responses": {"200": {"description": ""}},
                }
            },
        }
    }


def test_links_move_from_the_extension_to_the_response() -> None:
    get = link("things_retrieve", "It.", parameters={"path.thing_id": "$response.body#/id"})
    result = postprocess_response_links(document(GetThing=get), None, None, True)
    operation = result["paths"]["/things"]["post"]
    assert operation["responses"]["201"]["links"] == {
        "GetThing": {
            "operationId": "things_retrieve",
            "description": "It.",
            "parameters": {"path.thing_id": "$response.body#/id"},
        }
    }
    assert not any(key.startswith("x-") for key in operation)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (link("things_destroy", "Gone."), "no operation things_destroy"),
        (
            link("things_retrieve", "It.", parameters={"query.thing_id": "$response.body#/id"}),
            "takes no query.thing_id",
        ),
    ],
)
def test_a_link_to_nothing_fails_the_generation(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        postprocess_response_links(document(Bad=bad), None, None, True)


def test_a_link_from_an_undocumented_status_fails_the_generation() -> None:
    doc = document()
    doc["paths"]["/things"]["post"].update(response_links(200, It=link("things_retrieve", "It.")))
    with pytest.raises(ImproperlyConfigured, match="undocumented 200"):
        postprocess_response_links(doc, None, None, True)


def test_creating_feedback_links_to_reading_changing_deleting_and_commenting_on_it() -> None:
    responses = {
        operation["operationId"]: operation["responses"]
        for item in generate()["paths"].values()
        for operation in item.values()
    }
    targets = {
        name: target["operationId"]
        for name, target in responses["feedbacks_create"]["201"]["links"].items()
    }
    assert {"feedbacks_retrieve", "feedbacks_partial_update", "feedbacks_destroy"} <= set(
        targets.values()
    )
    assert targets["AddComment"] == "comments_create"
    comment_targets = {
        t["operationId"] for t in responses["comments_create"]["201"]["links"].values()
    }
    assert comment_targets >= {"comment_reactions_create", "comments_create", "comments_list"}
