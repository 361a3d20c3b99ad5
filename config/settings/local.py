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
# Emails (the sign-up link) are printed on the console.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
# Sign-up links point at this server (`make run PORT=...`) unless FRONTEND_URL says otherwise.
FRONTEND_URL = env.str(
    "FRONTEND_URL", default=f"http://127.0.0.1:{env.int('PORT', default=8000)}"
).rstrip("/")
# Invitation emails link to the web app's page that accepts them.
INVITATION_URL = env.str("INVITATION_URL", default=f"{FRONTEND_URL}/invitations/{{key}}")
