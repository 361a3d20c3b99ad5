"""The emails sign-up sends: the link that finishes it, or, for an address that already
has an account, a note to its owner. Both go through Django's email backend."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def signup_link(key: str) -> str:
    return f"{settings.FRONTEND_URL}/verify-email?{urlencode({'key': key})}"


def _send(subject: str, body: str, to: str) -> None:
    # The answer to a sign-up must not depend on whether mail went out (nor reveal which
    # mail it was), so a failure is logged for the operators rather than answered.
    try:
        send_mail(subject, body, None, [to])
    except Exception:
        logger.exception("could not send the %r email", subject)


def send_signup_link(*, to: str, name: str, key: str) -> None:
    hours = settings.SIGNUP_LINK_HOURS
    _send(
        "Finish signing up to VideoPlanet",
        f"Hello {name},\n\n"
        f"Follow this link to finish signing up to VideoPlanet "
        f"(it works once, within {hours:g} hours):\n\n"
        f"{signup_link(key)}\n\n"
        "If you did not sign up, ignore this email: no account is made without the link.\n",
        to,
    )


def send_signup_attempt_notice(*, to: str) -> None:
    _send(
        "Someone tried to sign up with your address",
        "Hello,\n\n"
        f"Someone, perhaps you, tried to sign up to VideoPlanet with {to}, which already "
        "has an account. Nothing was changed and no account was made.\n\n"
        f"If it was you, sign in at {settings.FRONTEND_URL} with your password. "
        "If it was not, you can ignore this email.\n",
        to,
    )
