"""`make run`: SQLite, in-memory channel layer, local media served by the app."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="local-only-insecure-key-change-me-0123456789abcdef")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True  # serve static files straight from the apps, no collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
