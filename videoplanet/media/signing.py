"""Signed media URLs: ``<MEDIA_URL>s/<timestamp>.<signature>/<storage name>``.

Media (screenshots, video originals and proxies, posters, thumbnails) is private to its
project. The API hands members URLs signed with Django's ``TimestampSigner``; the
serving view checks the signature and its age, nothing else, so a URL works in an
``<img>`` or ``<video>`` tag without credentials until it expires. The signature sits in
the path, not in a query string, so the URL still ends with the file's extension.

Signing times are rounded down to a slot of a third of the lifetime, so the same file
gets the same URL for a while (browsers and CDNs cache it) and every URL handed out
stays valid for at least two thirds of ``MEDIA_URL_TTL_SECONDS``: a page cached for
less than that never holds a dead link.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils.encoding import iri_to_uri

SALT = "videoplanet.media"
SEP = "."
PREFIX = "s/"


class _SlottedSigner(signing.TimestampSigner):
    def timestamp(self) -> str:
        slot = max(1, int(settings.MEDIA_URL_TTL_SECONDS) // 3)
        return signing.b62_encode(int(time.time()) // slot * slot)


def _signer() -> signing.TimestampSigner:
    return _SlottedSigner(salt=SALT, sep=SEP)


def media_token(name: str) -> str:
    """``<timestamp>.<signature>`` for a storage name."""
    return _signer().sign(name)[len(name) + 1 :]


def media_path(name: str) -> str:
    """The signed path (under MEDIA_URL) of a storage name."""
    return f"{settings.MEDIA_URL}{PREFIX}{media_token(name)}/{iri_to_uri(name)}"


def media_url(name: str, request: Any) -> str:
    """The absolute signed URL of a stored file: PUBLIC_MEDIA_URL's host (a CDN in front
    of this app) when set, else the request's."""
    path = media_path(name)
    base = settings.PUBLIC_MEDIA_URL
    if base:
        return f"{base.rstrip('/')}/{path[len(settings.MEDIA_URL) :]}"
    return str(request.build_absolute_uri(path))


def media_verify(token: str, name: str) -> int:
    """The seconds the URL stays valid; raises BadSignature (SignatureExpired) otherwise."""
    _signer().unsign(f"{name}{SEP}{token}", max_age=settings.MEDIA_URL_TTL_SECONDS)
    signed_at = signing.b62_decode(token.split(SEP, 1)[0])
    return max(0, int(signed_at + settings.MEDIA_URL_TTL_SECONDS - time.time()))
