"""Contracts at runtime: the OpenAPI document's generation, the validator every request and
response passes through (middleware), and where violations go."""
