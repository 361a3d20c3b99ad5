"""A string the OpenAPI document allows is one the strict field accepts, and back."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from videoplanet.accounts.apis import AuthTokenApi
from videoplanet.contracts.validator import committed_validator
from videoplanet.projects.apis import ProjectCollectionApi

Project = ProjectCollectionApi.ProjectCreateInputSerializer  # name: trimmed, at most 200
SignIn = AuthTokenApi.AuthTokenInputSerializer  # password: not trimmed


@given(st.text(max_size=205))
@example("")
@example("   ")
@example("\u3000\x1c\x85")
@example("\x00")
@example("a\x00")
@example(" a ")
@example(" " * 200 + "a")
@example("a" * 200)
@settings(max_examples=300, deadline=None)
def test_document_and_field_agree_on_a_trimmed_string(name: str) -> None:
    documented = committed_validator().validate("ProjectCreateInput", {"name": name}).valid
    assert Project(data={"name": name}).is_valid() == documented, repr(name)


@given(st.text(max_size=130))
@example("")
@example("   ")
@example("\x00")
@settings(max_examples=200, deadline=None)
def test_document_and_field_agree_on_an_untrimmed_string(password: str) -> None:
    data = {"email": "someone@example.com", "password": password}
    documented = committed_validator().validate("AuthTokenInput", data).valid
    assert SignIn(data=data).is_valid() == documented, repr(password)


def test_a_nul_character_is_reported_once() -> None:
    serializer = Project(data={"name": "a\x00b"})
    assert not serializer.is_valid()
    assert serializer.errors == {"name": ["Null characters are not allowed."]}
