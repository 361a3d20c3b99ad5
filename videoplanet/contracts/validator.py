"""The server's view of the OpenAPI validator: the committed document, compiled once.

The validator itself is the SDK's (``videoplanet_client.contract.SchemaValidator``), so the
server's middleware, the test client, the pact cross-check and the SDK check messages
with the same code against the same document.
"""

from __future__ import annotations

from functools import cache

from videoplanet_client.contract import SchemaValidator, ValidationResult

from .openapi import COMMITTED

__all__ = ["SchemaValidator", "ValidationResult", "committed_validator"]


@cache
def committed_validator() -> SchemaValidator:
    """``contracts/openapi.json``, loaded and compiled on first use."""
    return SchemaValidator.from_file(COMMITTED)
