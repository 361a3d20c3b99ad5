"""Contracts as code: Pact provider states, the OpenAPI document's generation and checks."""
