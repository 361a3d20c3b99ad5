"""Pact tooling: provider states and their endpoint, the provider runner, the room messages
for message-pact verification, the pact/OpenAPI cross-check and the Pact Broker workflow.
Development and CI only; no domain app imports it (docs/architecture.md)."""
