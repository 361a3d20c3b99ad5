"""Rate limits on signing in and up, kept in the shared cache (``CACHES["default"]``:
Redis when REDIS_URL is set, so every server process counts against the same limit).

Two kinds, both answering 429 with ``Retry-After``:

- per client address: DRF's ``ScopedRateThrottle`` with the ``auth`` scope
  (AUTH_THROTTLE_RATE) on the API views, and :class:`AuthAddressThrottle` (the same
  counter) on the admin's login page. The address is REMOTE_ADDR, or the one
  NUM_PROXIES from the right of X-Forwarded-For; never what a client chooses.
- per account, whatever the address: :data:`sign_in_failures` counts failed sign-ins
  for an email (SIGN_IN_FAILURE_RATE); past the limit every attempt on that email is
  refused, the right password included, and a success resets nothing.
  :data:`sign_up_attempts` counts sign-ups for an email (SIGN_UP_EMAIL_RATE), which is
  also how many emails one address can be sent.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import ScopedRateThrottle, SimpleRateThrottle


def normalise_email(email: str) -> str:
    return email.strip().lower()


class AuthAddressThrottle(ScopedRateThrottle):
    """The API's per-address ``auth`` limit, for views outside DRF (the admin's login)."""

    def __init__(self) -> None:
        self.scope = "auth"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def allow_request(self, request: Any, view: Any = None) -> bool:
        return SimpleRateThrottle.allow_request(self, request, view)

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """DRF's rate format: "10/hour" is (10, 3600)."""
    count, _, period = rate.partition("/")
    return int(count), _PERIODS[period.strip()[0]]


@dataclass(frozen=True)
class KeyedLimit:
    """At most N events per window for one key (an email), counted atomically in the
    shared cache in fixed windows. ``setting`` names the rate ("10/hour")."""

    name: str
    setting: str

    def _window(self, key: str) -> tuple[str, int, float]:
        """The cache key of the current window, the limit, and the seconds it has left."""
        limit, duration = parse_rate(getattr(settings, self.setting))
        now = time.time()
        index = int(now // duration)
        digest = hashlib.sha256(normalise_email(key).encode()).hexdigest()
        return f"limit:{self.name}:{digest}:{index}", limit, (index + 1) * duration - now

    def check(self, key: str) -> None:
        """Raise 429 when ``key`` has used up this window."""
        cache_key, limit, left = self._window(key)
        if (cache.get(cache_key) or 0) >= limit:
            raise Throttled(wait=left)

    def hit(self, key: str) -> int:
        """Count one event for ``key``; the count in this window so far."""
        cache_key, _, left = self._window(key)
        cache.add(cache_key, 0, timeout=int(left) + 1)
        try:
            return cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=int(left) + 1)
            return 1

    def hit_or_raise(self, key: str) -> None:
        """Count one event; raise 429 when it is over the limit."""
        _, limit, left = self._window(key)
        if self.hit(key) > limit:
            raise Throttled(wait=left)


sign_in_failures = KeyedLimit("sign_in_failures", "SIGN_IN_FAILURE_RATE")
sign_up_attempts = KeyedLimit("sign_up_attempts", "SIGN_UP_EMAIL_RATE")
