"""Contract tools that need no Django: ``python -m videoplanet.contracts COMMAND ...``.

diff OLD NEW [--json]           what changed between two OpenAPI or AsyncAPI documents,
                                and what breaks
impact OLD NEW --pacts DIR ...  which consumer each breaking change breaks (pacts, usage)
who-uses OPERATION [PATH] ...   every consumer, pact interaction and runtime use of an
                                operation or message, or of one field in it
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def _diff(argv: list[str]) -> int:
    from videoplanet.apidiff.cli import main

    return main(argv)


def _impact(argv: list[str]) -> int:
    from videoplanet.apidiff.cli import impact_main

    return impact_main(argv)


def _who_uses(argv: list[str]) -> int:
    from videoplanet.apidiff.cli import who_uses_main

    return who_uses_main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "diff": _diff,
    "impact": _impact,
    "who-uses": _who_uses,
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(__doc__, file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
