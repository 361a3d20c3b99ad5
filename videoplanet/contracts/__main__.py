"""Contract tools that need no Django: ``python -m videoplanet.contracts COMMAND ...``.

diff OLD NEW [--json]   what changed between two OpenAPI documents, and what breaks
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def _diff(argv: list[str]) -> int:
    from videoplanet.apidiff.cli import main

    return main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {"diff": _diff}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
