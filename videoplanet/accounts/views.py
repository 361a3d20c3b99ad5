"""The Django admin's login page, with the API's sign-in rate limits."""

from __future__ import annotations

import math
from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from rest_framework.exceptions import Throttled

from .throttling import AuthAddressThrottle, sign_in_failures


def _too_many(wait: float | None) -> HttpResponse:
    seconds = max(1, math.ceil(wait or 1))
    response = HttpResponse(
        f"Too many sign-in attempts. Try again in {seconds} seconds.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(seconds)
    return response


def admin_login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    """``admin.site.login``, where each POST counts against the client address's ``auth``
    limit and a failed one against the account's failed sign-ins (429 past either)."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    address = AuthAddressThrottle()
    if not address.allow_request(request):
        return _too_many(address.wait())
    email = request.POST.get("username", "")
    try:
        sign_in_failures.check(email)
    except Throttled as exc:
        return _too_many(getattr(exc, "wait", None))
    response = admin.site.login(request, extra_context)
    if response.status_code != 302:  # the form again, with its error: a failed sign-in
        sign_in_failures.hit(email)
    return response
