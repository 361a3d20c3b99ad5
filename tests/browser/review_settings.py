"""`make run`'s settings with a small demo clip (640×360, 24 fps, 2 s) for the review
page's browser test: the clip is made in a second, not the 30 s one's minute."""

from config.settings.local import *  # noqa: F403

DEMO_CLIP = {"width": 640, "height": 360, "fps": "24", "seconds": 2}
