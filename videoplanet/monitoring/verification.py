"""The last provider verification of each pact, in one file the coverage matrix reads.

`make contracts` runs the provider verification with ``PACT_VERIFICATION_REPORT`` set
(``var/pact-verification.json``); each verification test then records its verifier's
JSON report there (``pact verifier --json`` for HTTP, pact-python's ``Verifier.results``
for messages: the same layout), under the pact's consumer and provider names
(``consumer/provider``; a record made without a consumer is keyed by the provider alone):

    {"VideoPlanet-Frontend/VideoPlanet-Backend": {"verified_at": "2026-11-23T10:00:00Z",
                             "report": {"result": true, "interactionResults": [
                                 {"description": "a request to list feedbacks",
                                  "result": "OK"}, ...]}}}

A failed verification is recorded too: it is the last result, and the one that matters.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PASSED = "OK"


@dataclass(frozen=True, slots=True)
class Verification:
    """One provider's last verification: when, and each interaction's result by description."""

    verified_at: datetime | None
    results: dict[str, str]
    """Interaction description -> ``OK``, ``Error``, ``Failed``, ..."""


def interaction_results(report: Mapping[str, Any]) -> dict[str, str]:
    """``{description: result}`` from a verifier JSON report (flat or nested per pact)."""
    found = report.get("interactionResults")
    if found is None:  # older layout: nested per pact source
        found = [
            item
            for source in report.get("results", [])
            if isinstance(source, Mapping)
            for item in source.get("interactionResults", [])
        ]
    out: dict[str, str] = {}
    for item in found:
        if not isinstance(item, Mapping):
            continue
        description = item.get("description") or item.get("interactionDescription")
        if isinstance(description, str):
            out[description] = str(item.get("result"))
    return out


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        logger.warning("pact verification report %s is unreadable; ignoring it", path)
        return {}
    return data if isinstance(data, dict) else {}


def verifications(path: Path) -> dict[str, Verification]:
    """Each provider's last recorded verification; ``{}`` when nothing was recorded."""
    out = {}
    for provider, entry in _read(path).items():
        if not isinstance(entry, Mapping) or not isinstance(entry.get("report"), Mapping):
            continue
        try:
            verified_at: datetime | None = datetime.fromisoformat(entry["verified_at"])
        except (KeyError, TypeError, ValueError):
            verified_at = None
        out[provider] = Verification(verified_at, interaction_results(entry["report"]))
    return out


def pact_key(consumer: str, provider: str) -> str:
    """Where one pact's verification is kept: two consumers of one provider are two pacts."""
    return f"{consumer}/{provider}" if consumer else provider


def verification_record(
    path: Path,
    *,
    provider: str,
    report: Mapping[str, Any],
    verified_at: datetime | None = None,
    consumer: str = "",
) -> None:
    """Store ``report`` as the last verification of ``consumer``'s pact with ``provider``,
    keeping the other pacts'."""
    data = _read(path)
    moment = (verified_at or datetime.now(UTC)).astimezone(UTC)
    data[pact_key(consumer, provider)] = {
        "verified_at": moment.isoformat().replace("+00:00", "Z"),
        "report": {k: v for k, v in report.items() if k != "output"},  # output: the log
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        json.dump(data, handle, indent=2, ensure_ascii=False)
    os.replace(handle.name, path)  # readers never see half a file
