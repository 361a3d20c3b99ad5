"""Pact ↔ OpenAPI cross-check: the consumer's pacts must fit the provider's documents.

For every HTTP interaction in a pact file: its path, method and response status are
documented operations; its query parameters are documented; the example response body
validates against the operation's schema for that status, and so does the example
request body when the interaction expects success (an error contract sends an invalid
request on purpose). For every message
interaction: the example message passes the room's outgoing contract (the schemas the
AsyncAPI document is generated from). This is the consistency check behind what
PactFlow calls bi-directional contract testing; pact verification proves the running
server, this proves the documents.

    manage.py pact_crosscheck pacts/*.json     # part of `make contracts`
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from videoplanet_client.contract import NO_BODY

from videoplanet.contracts.validator import SchemaValidator, committed_validator


def _body(part: dict[str, Any]) -> Any:
    body = part.get("body")
    if not body:
        return None
    content = body.get("content")
    if isinstance(content, str) and "json" in body.get("contentType", ""):
        return json.loads(content)
    return content


def check_http(interaction: dict[str, Any], validator: SchemaValidator) -> list[str]:
    request, response = interaction["request"], interaction["response"]
    method, path = request["method"], unquote(request["path"])
    found = validator.operation(path, method)
    if found is None:  # the request's check says why: no such path, or no such method
        return validator.validate_request(path, method).errors
    problems = []
    query = {name: list(values) for name, values in request.get("query", {}).items()}
    parameters = validator.validate_request(path, method, query=query).problems
    for problem in parameters:
        # Error contracts send bad values on purpose, but only documented parameters.
        if problem.location != "body" and (
            response["status"] < 400 or problem.message == "not a documented parameter"
        ):
            problems.append(f"{method} {found}: {problem}")
    content_type = (request.get("body") or {}).get("contentType", "")
    if content_type and "json" not in content_type:
        # A raw body (an upload's part): the operation must document that type.
        operation = validator.document["paths"][found][method.lower()]
        documented = (operation.get("requestBody") or {}).get("content", {})
        if content_type.split(";")[0].strip() not in documented:
            problems.append(f"request: {method} {found} does not take {content_type}")
    elif response["status"] < 400:  # error contracts send invalid requests on purpose
        sent = _body(request) if request.get("body") else NO_BODY
        checked = validator.validate_request(path, method, sent)
        problems += [f"request: {error}" for error in checked.errors]
    checked = validator.validate_response(path, method, response["status"], _body(response))
    problems += [f"response {response['status']}: {error}" for error in checked.errors]
    return problems


def check_message(interaction: dict[str, Any]) -> list[str]:
    from videoplanet.realtime.contract import server_contract

    contents = interaction.get("contents", {})
    message = contents.get("content")
    if isinstance(message, str):
        message = json.loads(message)
    return list(server_contract().validate_outgoing(message).errors)


def check_pact(path: Path, validator: SchemaValidator | None = None) -> list[str]:
    """Every problem with one pact file, each prefixed with its interaction."""
    validator = validator or committed_validator()
    document = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for interaction in document.get("interactions", []):
        kind = interaction.get("type", "Synchronous/HTTP")
        if kind == "Synchronous/HTTP" or "request" in interaction:
            found = check_http(interaction, validator)
        elif kind == "Asynchronous/Messages":
            found = check_message(interaction)
        else:
            found = [f"interaction type {kind!r} is not checked"]
        problems += [f"{path.name}: {interaction['description']!r}: {p}" for p in found]
    return problems
