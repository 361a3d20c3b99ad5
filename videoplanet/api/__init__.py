"""The HTTP API's shared layer: the error envelope, strict JSON fields, request limits."""
