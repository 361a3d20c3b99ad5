"""The test suite: SQLite in memory unless DATABASE_URL names another database."""

import tempfile

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-key-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="videoplanet-test-media-")
# A tiny demo clip, cached inside the test media directory (removed after the run).
DEMO_MEDIA_DIR = f"{MEDIA_ROOT}/demo-cache"
DEMO_CLIP = {"width": 64, "height": 36, "fps": "12", "seconds": 1}
VIDEO_UPLOAD_DIR = f"{MEDIA_ROOT}-uploads"
VIDEO_PROXY_PRESET = "ultrafast"
# Tests run the processing task themselves (or through a real worker process, with the
# database backend); in-process, an enqueued task is only recorded.
if env.str("TASKS_BACKEND", default="dummy") == "dummy":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests that need Redis start their own server processes with REDIS_URL; in-process
# tests use the in-memory channel layer and presence.
REDIS_URL = ""
ROOM_RELAY_URL = ""
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
FRONTEND_URL = "http://testserver"
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
# Connections opened in database_sync_to_async threads must not outlive their test, or
# PostgreSQL refuses to drop the test database at the end.
DATABASES["default"]["CONN_MAX_AGE"] = 0
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auth": "1000/min", "invitations": "1000/min"},
    "NUM_PROXIES": 0,
}
SIGN_IN_FAILURE_RATE = "1000/min"
SIGN_UP_EMAIL_RATE = "1000/min"
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
# The intake's rate limit is tested on its own (monitoring/tests/test_intake.py).
MONITORING_REPORT_RATE = "100000/min"
# Sightings are flushed by the tests that look at them, never by the clock.
MONITORING_SEEN_FLUSH_SECONDS = float("inf")
# No monitor thread per test process: tests that store the server's violations build
# their own monitor and flush it (videoplanet/monitoring/tests/test_recorder.py).
CONTRACT_VIOLATION_RECORDERS = ["videoplanet.contracts.violations.log_recorder"]
