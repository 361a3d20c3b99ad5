"""Contract monitoring: who may report, what was reported, hourly sums, all-time totals,
sightings.

Sized for about a million ``Violation`` rows (30 days of reports from several
consumers): every dashboard query filters on a time range or a column that leads an
index, and aggregates in SQL; trends and coverage add up ``ViolationHour`` sums rather
than the rows themselves.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

# What ``source`` holds for violations the server itself saw (its middleware and rooms).
SERVER_SOURCE = "server"


class Reporter(models.Model):
    """A consumer allowed to report violations. Only the token's SHA-256 digest is stored."""

    name = models.CharField(max_length=100, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # DRF's request.user is the reporter on the intake; it is an authenticated principal.
    is_authenticated = True

    def __str__(self) -> str:
        return self.name


class ViolationType(models.TextChoices):
    REQUEST = "request"
    RESPONSE = "response"
    MESSAGE = "message"


class Direction(models.TextChoices):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class Violation(models.Model):
    """One aggregated report entry: ``count`` violations of one key between two times."""

    source = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=255)
    type = models.CharField(max_length=10, choices=ViolationType.choices)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    count = models.PositiveIntegerField()
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    unique_errors = models.PositiveIntegerField()
    errors = models.JSONField(default=list)
    received_at = models.DateTimeField()

    class Meta:
        indexes = [
            # Newest first, the `since` filter, and the time ranges of trends, coverage
            # and pruning.
            models.Index(fields=["-last_seen", "-id"], name="monitoring_violation_recent"),
            # Newest first within one endpoint, source or type.
            models.Index(
                fields=["endpoint", "-last_seen", "-id"], name="monitoring_violation_endpoint"
            ),
            models.Index(
                fields=["source", "-last_seen", "-id"], name="monitoring_violation_source"
            ),
            models.Index(fields=["type", "-last_seen", "-id"], name="monitoring_violation_type"),
        ]

    def __str__(self) -> str:
        return f"{self.method}:{self.endpoint}:{self.type} x{self.count} from {self.source}"


class ViolationHour(models.Model):
    """SUM(count) of the violations last seen within one clock hour (UTC), per endpoint.

    ``services.violations_add`` adds every stored row to its hour, so the trends and the
    coverage matrix add up at most 24 rows per endpoint and day instead of every
    violation in the window (a week can hold a million). Pruned with the violations.
    """

    hour = models.DateTimeField()
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=255)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # Also the index of every read: a range of hours.
            models.UniqueConstraint(
                fields=["hour", "method", "endpoint"], name="monitoring_violation_hour_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method}:{self.endpoint} in the hour of {self.hour}: {self.count}"


class ViolationTotal(models.Model):
    """All-time count per key and source (Prometheus' counter); pruned once the key has
    not been reported for the retention period."""

    source = models.CharField(max_length=100)
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=255)
    type = models.CharField(max_length=10, choices=ViolationType.choices)
    count = models.BigIntegerField(default=0)
    last_reported = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "method", "endpoint", "type"], name="monitoring_total_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.method}:{self.endpoint}:{self.type} from {self.source}: {self.count}"


class DroppedTotal(models.Model):
    """All-time count of violations a source's bounded buffer could not keep; pruned like
    ``ViolationTotal``."""

    source = models.CharField(max_length=100, unique=True)
    count = models.BigIntegerField(default=0)
    last_reported = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.source}: {self.count} dropped"


class Sighting(models.Model):
    """When this server last handled an operation (or room message type) successfully.

    method: an HTTP method or ``WS``; endpoint: the OpenAPI path template or the message
    type. Written by each server process at most once per flush interval.
    """

    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=255)
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["method", "endpoint"], name="monitoring_sighting_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} at {self.last_seen}"


class UsageKind(models.TextChoices):
    CALL = "call"  # operation: "GET /api/v1/…", name: ""
    QUERY = "query"  # name: a documented query parameter, or "other"
    FIELD = "field"  # name: a documented request-body path ($.a.b[].c), or "other"
    STATUS = "status"  # name: 2xx, 3xx, 4xx or 5xx
    RECEIVED = "received"  # operation: a server message type its rooms received
    SENT = "sent"  # operation: a client message type it sent


class UsageHour(models.Model):
    """What one consumer (``X-Client`` name and version) did within one clock hour (UTC).

    Written by each server process at most once per ``MONITORING_SEEN_FLUSH_SECONDS``
    (``videoplanet.monitoring.usage``); read by ``manage.py usage_export`` and the
    coverage matrix; pruned with the violations. Every name is from a closed set.
    """

    hour = models.DateTimeField()
    consumer = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    operation = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=UsageKind.choices)
    name = models.CharField(max_length=255, default="")
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hour", "consumer", "version", "operation", "kind", "name"],
                name="monitoring_usage_hour_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.consumer}/{self.version} {self.operation} {self.kind} {self.name}"
