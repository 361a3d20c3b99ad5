"""A string the OpenAPI document allows is one the strict field accepts, and back."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from videoplanet.accounts.apis import AuthTokenApi
from videoplanet.api.fields import StrictNumberField, misleading_characters
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
@example("a\u202eb")
@example("\u2066x\u2069")
@example("x\U000e0041")
@example("\u00ad")
@example("a\u200db\u200c")
@example("tag\U000e0001")
@settings(max_examples=300, deadline=None)
def test_document_and_field_agree_on_a_trimmed_string(name: str) -> None:
    documented = committed_validator().validate("ProjectCreateInput", {"name": name}).valid
    assert Project(data={"name": name}).is_valid() == documented, repr(name)


@given(st.text(max_size=130))
@example("")
@example("   ")
@example("\x00")
@example("pass\u202eword")
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


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("invoice\u202egpj.exe", ["U+202E"]),
        ("\u202a\u202b\u202c\u202d", ["U+202A", "U+202B", "U+202C", "U+202D"]),
        ("\u2066\u2067\u2068\u2069", ["U+2066", "U+2067", "U+2068", "U+2069"]),
        ("\u200e\u200f\u061c", ["U+200E", "U+200F", "U+061C"]),
        ("zero\u200bwidth\ufeff", ["U+200B", "U+FEFF"]),
        ("tags above the BMP reorder nothing\U000e0041", []),
        ("\u202e\u202e", ["U+202E"]),
        ("family 👨\u200d👩\u200d👧 ❤\ufe0f", []),
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", []),  # Persian needs ZWNJ
        ("plain text", []),
    ],
)
def test_misleading_characters(text: str, found: list[str]) -> None:
    assert misleading_characters(text) == found


def test_emoji_may_hold_flag_tags_but_no_other_format_character() -> None:
    england = "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    assert misleading_characters(england, emoji=True) == []
    assert misleading_characters("🏴\U000e0001", emoji=True) == ["U+E0001"]
    assert misleading_characters("👍\u202e", emoji=True) == ["U+202E"]


def test_every_format_character_python_knows_is_refused_unless_allowed() -> None:
    """The spelled-out lists cover Unicode's Cf category (as far as this Python knows):
    text refuses those up to U+FFFF but the joiners, emoji all but ZWJ and flag tags."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) != "Cf":
            continue
        text_ok = char in "\u200c\u200d" or code > 0xFFFF
        emoji_ok = char == "\u200d" or 0xE0020 <= code <= 0xE007F
        assert bool(misleading_characters(char)) != text_ok, f"U+{code:04X}"
        if char != "\u200c":
            assert bool(misleading_characters(char, emoji=True)) != emoji_ok, f"U+{code:04X}"


def test_a_refused_character_is_named_in_the_field_details() -> None:
    data = Project(data={"name": "Trailer\u202e"})
    assert not data.is_valid()
    assert data.errors["name"] == ["Must not contain invisible formatting characters (U+202E)."]
