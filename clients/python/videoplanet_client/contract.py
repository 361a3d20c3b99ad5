"""The contract validator and violation types, shared by the SDK and the server.

The documented import path for code outside the SDK (the server's middleware, its live
rooms, its test client and tooling) that checks messages against the OpenAPI document or
reports violations, so that every side runs the same code:

    from videoplanet_client.contract import NO_BODY, SchemaValidator

    validator = SchemaValidator.from_file("contracts/openapi.json")
    validator.validate_request("/api/v1/feedbacks", "POST", body)   # NO_BODY: no body
    validator.operation("/api/v1/feedbacks/<uuid>", "GET")         # a template, or None

The names that are also in ``videoplanet_client.__all__`` are the same objects.
"""

from ._recorders import FanOutRecorder, LoggingRecorder, MemoryRecorder
from ._results import Location, Problem, ValidationResult
from ._schema import to_json_schema
from ._validator import NO_BODY, NoBody, SchemaValidator
from ._violations import ContractViolation, Direction, ViolationRecorder, ViolationType

__all__ = [
    "NO_BODY",
    "ContractViolation",
    "Direction",
    "FanOutRecorder",
    "Location",
    "LoggingRecorder",
    "MemoryRecorder",
    "NoBody",
    "Problem",
    "SchemaValidator",
    "ValidationResult",
    "ViolationRecorder",
    "ViolationType",
    "to_json_schema",
]

for _name in ("NoBody", "to_json_schema"):  # the rest are named by the package itself
    globals()[_name].__module__ = __name__
