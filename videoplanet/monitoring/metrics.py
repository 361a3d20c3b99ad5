"""The Prometheus exposition behind ``GET /metrics``.

- ``contract_violations_total{method,endpoint,type,source}`` and
  ``contract_violations_dropped_total{source}`` are read from the database at each
  scrape (``ViolationTotal``, ``DroppedTotal``), so every process answers the same;
- ``videoplanet_http_requests_total{method,endpoint,status}`` and
  ``videoplanet_ws_messages_total{type,direction}`` are counted in the process that
  served them (``monitoring.sightings``). With several worker processes, set
  ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory shared by all of them (wiped before
  they start): prometheus_client then keeps the counters in files there and each scrape
  sums every process's.

Every label value comes from a closed set, never from what a client sent: methods, the
OpenAPI path templates and room message types (else ``other``, or ``unknown`` for a
room message type), violation types, directions, status codes, and reporter names
(which staff create).
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from .selectors import dropped_totals, violation_totals


class ContractViolationsCollector(Collector):
    """The all-time violation totals, from the database."""

    def collect(self) -> Iterator[Metric]:
        violations = CounterMetricFamily(
            "contract_violations",
            "Contract violations reported, by key and source (the server's own: source=server).",
            labels=["method", "endpoint", "type", "source"],
        )
        for total in violation_totals():
            violations.add_metric(
                [total.method, total.endpoint, total.type, total.source], total.count
            )
        yield violations
        dropped = CounterMetricFamily(
            "contract_violations_dropped",
            "Violations a reporter's bounded buffer could not keep, by source.",
            labels=["source"],
        )
        for row in dropped_totals():
            dropped.add_metric([row.source], row.count)
        yield dropped


def exposition() -> bytes:
    """Everything ``/metrics`` serves, in the Prometheus text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process: CollectorRegistry = CollectorRegistry()
        MultiProcessCollector(process)
    else:
        process = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(ContractViolationsCollector())
    return generate_latest(process) + generate_latest(database)


def scrape_hint(base_url: str) -> str:
    """How to read ``/metrics`` on this server, for a ready banner: the curl command with
    the token, or why there is nothing to scrape."""
    url = f"{base_url.rstrip('/')}/metrics"
    if settings.METRICS_TOKEN:
        header = shlex.quote(f"Authorization: Bearer {settings.METRICS_TOKEN}")
        return f"curl -H {header} {url}"
    if settings.METRICS_PUBLIC:
        return f"curl {url}"
    return f"{url} is closed: set METRICS_TOKEN (or METRICS_PUBLIC=true)"
