"""Writes for accounts: sign-up, sign-in, tokens."""

from __future__ import annotations

import secrets

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from videoplanet.api.errors import AuthenticationFailed, ValidationFailed

from .models import ApiToken, User, token_digest

TOKEN_PREFIX = "vp_"


def token_issue(*, user: User, name: str = "", key: str | None = None) -> str:
    """Create a token and return its key (the only time it is visible)."""
    key = key or TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(key), name=name)
    return key


@transaction.atomic
def user_register(*, name: str, email: str, password: str) -> tuple[User, str]:
    email = email.strip().lower()
    candidate = User(name=name, email=email)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from exc
    if User.objects.filter(email=email).exists():
        raise ValidationFailed.field("email", "A user with this email already exists.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, name=name)
    except IntegrityError as exc:  # a concurrent sign-up with the same email
        raise ValidationFailed.field("email", "A user with this email already exists.") from exc
    return user, token_issue(user=user, name="sign-up")


def user_sign_in(*, email: str, password: str) -> tuple[User, str]:
    user = authenticate(username=email.strip().lower(), password=password)
    if not isinstance(user, User):
        raise AuthenticationFailed("Email or password is wrong.")
    return user, token_issue(user=user, name="sign-in")
