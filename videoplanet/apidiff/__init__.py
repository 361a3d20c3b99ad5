"""What changed between two OpenAPI documents, and what of it breaks existing clients.

A small package with no Django in it, so CI can run it on two files alone:

- ``rules``: the table of change kinds and their severities;
- ``document``: reading a document, ``$ref`` resolution and ``allOf`` merging;
- ``differ``: the comparison and the release gate;
- ``cli``: ``python -m videoplanet.contracts diff OLD NEW [--json]``.
"""

from .differ import diff, unversioned_breaking_changes
from .document import RELEASED, DiffError, latest_release, load
from .rules import KINDS, SEVERITIES, Change, Severity

__all__ = [
    "KINDS",
    "RELEASED",
    "SEVERITIES",
    "Change",
    "DiffError",
    "Severity",
    "diff",
    "latest_release",
    "load",
    "unversioned_breaking_changes",
]
