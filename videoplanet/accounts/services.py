"""Writes for accounts: sign-up (with email verification), sign-in, tokens."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from videoplanet.api.errors import AuthenticationFailed, NotFound, ValidationFailed

from .emails import send_signup_attempt_notice, send_signup_link
from .models import ApiToken, SignupRequest, User, token_digest
from .throttling import normalise_email, sign_in_failures, sign_up_attempts

TOKEN_PREFIX = "vp_"
INVALID_SIGNUP_KEY = "This sign-up link is invalid, expired or already used."
SIGNUP_PASSWORD_MISMATCH = "Not the password this sign-up was made with."


def token_issue(*, user: User, name: str = "", key: str | None = None) -> str:
    """Create a token and return its key (the only time it is visible)."""
    key = key or TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, digest=token_digest(key), name=name)
    return key


def token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's tokens; another user's (or no) token is 404."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound("No such token.")


def user_register(*, name: str, email: str, password: str) -> str:
    """Start a sign-up: email a single-use link to the address, which creates the account
    when followed (:func:`signup_verify`).

    The caller learns nothing about whether the address has an account: both cases do the
    same work (hash the password, one lookup, one email) and return nothing. The owner of
    an address that has one is told someone tried instead. Signing up again before the
    link is followed replaces the pending sign-up and its link. Returns the address
    (normalised) the email went to.
    """
    email = normalise_email(email)
    try:
        validate_password(password, user=User(name=name, email=email))
    except ValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)}) from exc
    sign_up_attempts.hit_or_raise(email)
    password_hash = make_password(password)
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    fields = {
        "name": name,
        "password": password_hash,
        "key_digest": token_digest(key),
        "created_at": now,
        "expires_at": now + timedelta(hours=settings.SIGNUP_LINK_HOURS),
    }
    with transaction.atomic():
        SignupRequest.objects.filter(expires_at__lte=now).delete()
        taken = User.objects.filter(email=email).exists()
        if not taken:
            try:
                with transaction.atomic():
                    SignupRequest.objects.update_or_create(email=email, defaults=fields)
            except IntegrityError:  # a concurrent sign-up with the same email created it
                SignupRequest.objects.filter(email=email).update(**fields)
    if taken:
        send_signup_attempt_notice(to=email)
    else:
        send_signup_link(to=email, name=name, key=key)
    return email


def signup_verify(*, key: str, password: str) -> tuple[User, str]:
    """Follow a sign-up link: create the (verified) user and its first token. A key works
    once, until it expires; a bad, used or expired one is a 400 on ``key``.

    The password given at sign-up must be given again. Anyone may sign up with someone
    else's address, and the owner gets the link: without this, the owner following the
    newest link would create the account with a stranger's password. The key proves the
    mailbox, the password proves the sign-up; a wrong password keeps the link usable.
    """
    now = timezone.now()
    with transaction.atomic():
        pending = (
            SignupRequest.objects.select_for_update().filter(key_digest=token_digest(key)).first()
        )
        live = pending is not None and pending.expires_at > now
        if live and pending is not None and not check_password(password, pending.password):
            raise ValidationFailed.field("password", SIGNUP_PASSWORD_MISMATCH)
        if pending is not None:
            pending.delete()
            if pending.expires_at > now:
                try:
                    with transaction.atomic():
                        user = User.objects.create(
                            email=pending.email, name=pending.name, password=pending.password
                        )
                except IntegrityError:  # the address got an account another way meanwhile
                    pass
                else:
                    return user, token_issue(user=user, name="sign-up")
    raise ValidationFailed.field("key", INVALID_SIGNUP_KEY)


def user_sign_in(*, email: str, password: str) -> tuple[User, str]:
    email = normalise_email(email)
    sign_in_failures.check(email)
    user = authenticate(username=email, password=password)
    if not isinstance(user, User):
        sign_in_failures.hit(email)
        raise AuthenticationFailed("Email or password is wrong.")
    return user, token_issue(user=user, name="sign-in")
