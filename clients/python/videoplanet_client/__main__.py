"""``python -m videoplanet_client``: see ``_cli``."""

import sys

from ._cli import main

sys.exit(main())
