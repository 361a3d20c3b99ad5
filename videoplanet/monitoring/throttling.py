"""How often one reporter may post to the intake: ``MONITORING_REPORT_RATE`` per reporter.

DRF's throttle on the default cache, keyed on the reporter (not the address: one
reporter token may serve many instances behind one NAT, and many reporters one host).
Over the rate the intake answers 429 ``rate_limited`` with ``Retry-After``; the SDK's
monitor keeps the report and tries again after that. The count is as shared as the
cache: give every server process the same cache (``CACHES``, e.g. Redis) for one limit
across them.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from .models import Reporter


class ReporterRateThrottle(SimpleRateThrottle):
    scope = "monitoring_report"

    def get_rate(self) -> str:
        return str(settings.MONITORING_REPORT_RATE)

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if not isinstance(request.user, Reporter):
            return None  # refused before this by authentication
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
