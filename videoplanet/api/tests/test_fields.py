"""A string the OpenAPI document allows is one the strict field accepts, and back."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from videoplanet.accounts.apis import AuthTokenApi
from videoplanet.api.fields import StrictNumberField
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


@pytest.mark.parametrize(
    "value",
    [10**400, -(10**400), float("nan"), float("inf"), -float("inf"), "1", True],
    ids=["huge-int", "huge-negative-int", "nan", "inf", "-inf", "string", "bool"],
)
def test_a_number_no_double_holds_is_invalid_not_an_overflow(value: object) -> None:
    field = StrictNumberField(min_value=0)
    with pytest.raises(serializers.ValidationError) as caught:
        field.run_validation(value)
    assert caught.value.detail == ["Must be a number."]


def test_a_long_integer_a_double_holds_is_a_number_with_its_range_checked() -> None:
    assert StrictNumberField().run_validation(10**30) == 10**30
    with pytest.raises(serializers.ValidationError):
        StrictNumberField(max_value=50).run_validation(10**30)
