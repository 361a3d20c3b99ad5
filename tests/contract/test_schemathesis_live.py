"""Schemathesis against a live `make provider` process, with every check that fits.

The provider (``tests/server.py``) serves the app on a throwaway database. The provider
state "comment has a reaction" builds the world: John Doe (token ``valid-token``) owns a
project with a video, feedback on it, a comment and a reaction, and Jane Doe is a
member. Every request carries ``Authorization: Bearer valid-token``. The schema is the
committed ``contracts/openapi.json`` (the drift test holds it equal to what the server
serves).

- ``test_operation_conforms``: one test per operation, through Schemathesis's coverage
  (boundary values, missing and wrong-typed fields, a missing token, unexpected methods)
  and fuzzing phases, with valid and invalid data.
- ``test_links_hold``: the stateful phase. Schemathesis builds a state machine from the
  links the views declare (``response_links``) and chains calls with the ids the server
  returned: create a project, add a video, invite someone and revoke the invitation,
  pin feedback, read, change and delete it, comment, reply, react and take the reaction
  back. Links Schemathesis could
  infer on its own are off, so what runs is what the document says, and it sends valid
  data only (invalid data is the stateless test's job). Afterwards every declared link
  must have been followed to a 2xx at least once.

``HINTS`` mix the world's ids (and a real emoji, cursor, screenshot and registered
email) into half of the generated values of the fields that take them, so requests
reach real objects instead of only random ids that 404. Invalid data never takes a hint.

Every response goes through ``CHECKS``. ``object_level_authorization`` is not among them:
it needs several identities (a Web Fuzzing Commons auth file); access across projects
is ``tests/test_authorization.py``'s job. An exclusion switches one check off for one
operation; with fields, only for a 400 ``validation_error`` naming nothing but those
fields. ``EXCLUSIONS`` holds them with their reasons, and a test keeps this list in step:

- auth_register, positive_data_acceptance (password): Django's password validators
  also refuse common passwords, all-digit ones and ones like the name or email.
- auth_verify, positive_data_acceptance (key): only a key the server emailed is valid.
- comment_reactions_create, positive_data_acceptance (emoji): an emoji is a Unicode
  property (a symbol with its modifiers and joiners) that no portable JSON Schema
  pattern states; the document gives its length.
- comment_reactions_destroy, positive_data_acceptance (emoji): the same, in the path.
- comments_create, positive_data_acceptance (parent_id, mentions): the parent must be a
  comment on the same feedback and mentions must be members of the project.
- feedbacks_create, positive_data_acceptance (screenshot, timestamp, timestamp_end,
  frame, frame_end, drawing_data.shapes.*.coordinates): a screenshot must decode as a
  real image; timestamps must lie within the video's duration, timestamp_end not before
  timestamp; a frame needs the video's frame rate and must be below its frame count; a
  freehand shape takes an even number of coordinates, which JSON Schema cannot say.
- feedbacks_list, ignored_auth: the check takes the configured Authorization header for a
  generated one when the operation also has a header parameter (If-None-Match) and then
  calls the 200 an ignored authentication; the list answers 401 without a token and with
  a bad one, cached page or not (feedback/tests/test_list_cache.py, test_authorization.py).
- feedbacks_list, positive_data_acceptance (cursor): a cursor is opaque; only one the
  server put in a Link header (or the hint) is valid.
- comments_list, positive_data_acceptance (cursor): the same (a thread position; the
  feedback list's cursor hint is not one).
- project_invitations_create, positive_data_acceptance (email): Django's email validator
  is stricter than ``format: email``, and a member's address cannot be invited.
- project_members_leave, positive_data_acceptance: John is the only owner of every
  project he is in, and the last owner cannot leave (400 ``last_owner``).
- videos_list, positive_data_acceptance (cursor): the same as the feedback list's.
- uploads_partial_update, positive_data_acceptance: a part must start at the upload's
  offset, fit within its declared size and match its ``sha256``.
- videos_create, positive_data_acceptance (url): Django's URL validator (http, https,
  ftp or ftps; host name, TLD and length rules) is stricter than ``format: uri``.
- comments_create, comments_list, comment_reactions_create, comment_reactions_destroy,
  ensure_resource_availability: comments hang off feedback by an id in the query or
  body, not under ``/feedbacks/{id}/`` in the path, so the check cannot see that
  deleting the feedback took its comments with it, and reads the 404 that follows as
  the comment just created going missing. (A reply is also a POST to the same
  collection, and the check treats its body-only request as fully linked even when
  Schemathesis swapped the linked feedback_id for a generated one.)

Hypothesis runs derandomized with no example database, so every run generates the same
data; the module takes about a minute on two cores.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import httpx
import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure
from schemathesis.generation.stateful import run_state_machine_as_test
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    positive_data_acceptance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from tests.factories import image_data_url
from tests.server import ProviderServer
from videoplanet.contracts.openapi import COMMITTED
from videoplanet.feedback.inputs import comment_cursor_encode, cursor_encode
from videoplanet.pact import provider_states as ps

pytestmark = pytest.mark.server

CHECKS: list[Callable[..., Any]] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    positive_data_acceptance,
    missing_required_header,
    unsupported_method,
    allow_header_conformance,
    ignored_auth,
    use_after_free,
    ensure_resource_availability,
]


@dataclass(frozen=True)
class Exclusion:
    """One check switched off for one operation, and why.

    With ``fields``, only a 400 ``validation_error`` whose ``details`` name nothing but
    those fields (``fnmatch`` patterns) gets past the check; anything else still fails.
    """

    operation_id: str
    check: str
    reason: str
    fields: tuple[str, ...] = ()


def _comments_are_not_under_feedback(operation_id: str) -> Exclusion:
    return Exclusion(
        operation_id,
        "ensure_resource_availability",
        "Deleting a feedback deletes its comments, which live outside its path.",
    )


EXCLUSIONS: list[Exclusion] = [
    Exclusion(
        "auth_register",
        "positive_data_acceptance",
        "Password validators refuse common, all-digit and look-alike passwords.",
        fields=("password",),
    ),
    Exclusion(
        "auth_verify",
        "positive_data_acceptance",
        "Only a key the server emailed is valid.",
        fields=("key",),
    ),
    Exclusion(
        "comment_reactions_create",
        "positive_data_acceptance",
        "No portable pattern states what an emoji is.",
        fields=("emoji",),
    ),
    Exclusion(
        "comment_reactions_destroy",
        "positive_data_acceptance",
        "No portable pattern states what an emoji is.",
        fields=("emoji",),
    ),
    Exclusion(
        "comments_create",
        "positive_data_acceptance",
        "The parent must be on the same feedback; mentions must be members.",
        fields=("parent_id", "mentions"),
    ),
    Exclusion(
        "feedbacks_create",
        "positive_data_acceptance",
        "Screenshots must be real images, timestamps and frames within the video (a frame "
        "needs its frame rate), freehand coordinates even in number.",
        fields=(
            "screenshot",
            "timestamp",
            "timestamp_end",
            "frame",
            "frame_end",
            "drawing_data.shapes.*.coordinates",
        ),
    ),
    Exclusion(
        "feedbacks_list",
        "ignored_auth",
        "The check mistakes the configured token for a generated one beside If-None-Match.",
    ),
    Exclusion(
        "feedbacks_list",
        "positive_data_acceptance",
        "A cursor is opaque: only one from a Link header is valid.",
        fields=("cursor",),
    ),
    Exclusion(
        "videos_list",
        "positive_data_acceptance",
        "A cursor is opaque: only one from a Link header is valid.",
        fields=("cursor",),
    ),
    Exclusion(
        "uploads_partial_update",
        "positive_data_acceptance",
        "A part must start at the upload's offset, fit in its declared size and match its "
        "sha256: relations between the upload and the bytes that no schema states.",
    ),
    Exclusion(
        "comments_list",
        "positive_data_acceptance",
        "A cursor is opaque: only one from a Link header is valid.",
        fields=("cursor",),
    ),
    Exclusion(
        "project_invitations_create",
        "positive_data_acceptance",
        "Django's email validator is stricter than `format: email`; members cannot be invited.",
        fields=("email",),
    ),
    Exclusion(
        "project_members_leave",
        "positive_data_acceptance",
        "John is the only owner of all his projects; the last owner cannot leave.",
    ),
    Exclusion(
        "videos_create",
        "positive_data_acceptance",
        "Django's URL validator is stricter than `format: uri`.",
        fields=("url",),
    ),
    _comments_are_not_under_feedback("comments_create"),
    _comments_are_not_under_feedback("comments_list"),
    _comments_are_not_under_feedback("comment_reactions_create"),
    _comments_are_not_under_feedback("comment_reactions_destroy"),
]

WORLD = "comment has a reaction"
HEADERS = {"Authorization": f"Bearer {ps.VALID_TOKEN}"}
MAX_EXAMPLES = 20  # fuzzing examples per operation; the coverage phase adds its own cases
STATEFUL_SCENARIOS = 200
STATEFUL_STEPS = 12

# dictionary → (its one value, the fields it may fill)
HINTS: dict[str, tuple[str, list[str]]] = {
    "project": (str(ps.PROJECT_ID), ["path.project_id", "query.project_id", "body.project_id"]),
    "video": (str(ps.VIDEO_ID), ["path.video_id", "query.video_id", "body.video_id"]),
    # Not path.feedback_id: a DELETE would take the world's feedback and comment with it.
    "feedback": (str(ps.FEEDBACK_ID), ["query.feedback_id", "body.feedback_id"]),
    "comment": (str(ps.COMMENT_ID), ["path.comment_id", "body.parent_id"]),
    "member": (str(ps.JOHN_ID), ["body.mentions[*]"]),
    "emoji": ("👍", ["path.emoji", "body.emoji"]),
    "cursor": (cursor_encode(30.5, ps.FEEDBACK_ID), ["query.cursor"]),  # after the feedback
    "screenshot": (image_data_url("PNG"), ["body.screenshot"]),
}
# A member of none of the projects John creates while the tests run.
INVITEE_EMAIL = "ada@example.com"
HINT_PROBABILITY = 0.5


def _config() -> schemathesis.Config:
    def hint(dictionary: str) -> dict[str, Any]:
        return {"dictionary": dictionary, "probability": HINT_PROBABILITY}

    return schemathesis.Config.from_dict(
        {
            "headers": HEADERS,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
            "dictionaries": {
                **{name: {"values": [value]} for name, (value, _) in HINTS.items()},
                # the feedback list's cursor, and the comment list's (before any comment)
                "cursor": {"values": [HINTS["cursor"][0], comment_cursor_encode("0" * 46)]},
                "email": {"values": [INVITEE_EMAIL]},
                "feedback_cursor": {"values": [HINTS["cursor"][0]]},
                "comment_cursor": {"values": [comment_cursor_encode("0" * 46)]},
            },
            "parameters": {key: hint(name) for name, (_, keys) in HINTS.items() for key in keys},
            "operations": [
                *(
                    {
                        "include-operation-id": op,
                        "parameters": {"path.feedback_id": hint("feedback")},
                    }
                    for op in ("feedbacks_retrieve", "feedbacks_partial_update")
                ),
                {
                    "include-operation-id": "project_invitations_create",
                    "parameters": {"body.email": hint("email")},
                },
                # each list takes its own kind of cursor: offer only that one, and mostly
                {
                    "include-operation-id": "comments_list",
                    "parameters": {
                        "query.cursor": {"dictionary": "comment_cursor", "probability": 0.9}
                    },
                },
                {
                    "include-operation-id": "feedbacks_list",
                    "parameters": {
                        "query.cursor": {"dictionary": "feedback_cursor", "probability": 0.9}
                    },
                },
            ],
            "phases": {
                "stateful": {
                    "inference": {"algorithms": []},
                    "generation": {"mode": "positive"},
                }
            },
        }
    )


schema = schemathesis.openapi.from_path(COMMITTED, config=_config())


def checks_for(case: Any) -> dict[str, Any]:
    """``checks`` and ``excluded_checks`` for ``case.validate_response``, per EXCLUSIONS."""
    operation_id = case.operation.definition.raw["operationId"]
    exclusions = {e.check: e for e in EXCLUSIONS if e.operation_id == operation_id}
    checks, excluded = [], []
    for check in CHECKS:
        exclusion = exclusions.get(check.__name__)
        if exclusion is None:
            checks.append(check)
        elif exclusion.fields:
            checks.append(_unless_only(check, exclusion.fields))
        else:
            excluded.append(check)
    return {"checks": checks, "excluded_checks": excluded}


def _unless_only(check: Callable[..., Any], fields: tuple[str, ...]) -> Callable[..., Any]:
    def wrapped(ctx: Any, response: Any, case: Any) -> bool | None:
        try:
            return check(ctx, response, case)  # type: ignore[no-any-return]
        except Failure:
            if _names_only(response, fields):
                return None
            raise

    wrapped.__name__ = check.__name__
    return wrapped


def _names_only(response: Any, fields: tuple[str, ...]) -> bool:
    if response.status_code != 400:
        return False
    body = response.json()
    named = body.get("details", {}) if body.get("code") == "validation_error" else {}
    return bool(named) and all(any(fnmatchcase(n, pattern) for pattern in fields) for n in named)


@pytest.fixture(scope="module")
def provider() -> Iterator[ProviderServer]:
    with ProviderServer() as server:
        build_world(server)
        yield server


def build_world(server: ProviderServer) -> None:
    response = httpx.post(f"{server.url}/pact/provider-states", json={"state": WORLD})
    assert response.status_code == 200, response.text


# Signing out, or revoking a token by a generated id, may revoke John's `valid-token`,
# which every later request needs: the world is built again after each of their cases.
REVOKE_TOKENS = {"auth_token_destroy", "auth_tokens_destroy"}


@schema.parametrize()
def test_operation_conforms(case: Any, provider: ProviderServer) -> None:
    try:
        case.call_and_validate(base_url=provider.url, **checks_for(case))
    finally:
        if case.operation.definition.raw["operationId"] in REVOKE_TOKENS:
            build_world(provider)


def test_links_hold(provider: ProviderServer) -> None:
    build_world(provider)  # the same start whatever ran before
    outcomes: dict[str, Counter[int]] = defaultdict(Counter)

    class Links(schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": provider.url}

        def step(self, input: Any) -> Any:
            output = super().step(input)
            if input.transition is not None:
                outcomes[input.transition.id][output.response.status_code] += 1
            return output

        def validate_response(
            self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            case.validate_response(
                response,
                transport_kwargs=kwargs or None,
                recorder=self.recorder,
                **checks_for(case),
            )

    run_state_machine_as_test(
        Links,
        settings=hypothesis.settings(
            max_examples=STATEFUL_SCENARIOS,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        ),
    )
    succeeded = {
        link for link, statuses in outcomes.items() if any(200 <= s < 300 for s in statuses)
    }
    missing = declared_links() - succeeded
    assert not missing, f"links never followed to a 2xx: {sorted(missing)}\n" + "\n".join(
        f"{link}: {dict(statuses)}" for link, statuses in sorted(outcomes.items())
    )


def declared_links() -> set[str]:
    """Every link in the document, named as Schemathesis names a transition."""
    document = json.loads(COMMITTED.read_text(encoding="utf-8"))
    label = {
        operation["operationId"]: f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    return {
        f"{label[operation_id]} -> [{status}] {name} -> {label[link['operationId']]}"
        for operation_id, operation in _operations(document).items()
        for status, response in operation["responses"].items()
        for name, link in response.get("links", {}).items()
    }


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        operation["operationId"]: operation
        for item in document["paths"].values()
        for operation in item.values()
    }


def test_every_exclusion_names_a_real_operation_and_check_and_is_explained() -> None:
    operations = _operations(json.loads(COMMITTED.read_text(encoding="utf-8")))
    checks = {check.__name__ for check in CHECKS}
    bullets = [" ".join(b.split()) for b in (__doc__ or "").split("\n- ")[1:]]
    for exclusion in EXCLUSIONS:
        assert exclusion.operation_id in operations, exclusion
        assert exclusion.check in checks, exclusion
        words = {exclusion.operation_id, exclusion.check, *exclusion.fields}
        assert any(words <= set(re.findall(r"[\w.*]+", bullet)) for bullet in bullets), (
            f"no bullet of the module docstring explains {exclusion}"
        )
