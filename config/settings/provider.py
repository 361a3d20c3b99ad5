"""`make provider`: the app on a throwaway database with the Pact provider-state endpoint on.

This is the only settings module in which that endpoint answers. The endpoint replaces
the database's contents for anyone who can reach it, so these settings refuse to load
unless the database is a SQLite file under the system's temporary directory (what
`make provider` creates) and the server binds a loopback address (PROVIDER_HOST, set by
`make provider` to the address it serves on; 127.0.0.1 when unset).
"""

from django.core.exceptions import ImproperlyConfigured

from videoplanet.pact.provider import DEFAULT_HOST, provider_start_problems

from .local import *  # noqa: F403
from .local import env

PROVIDER_HOST = env.str("PROVIDER_HOST", default=DEFAULT_HOST)
_problems = provider_start_problems(database=DATABASES["default"], host=PROVIDER_HOST)  # noqa: F405
if _problems:
    raise ImproperlyConfigured(
        "config.settings.provider refuses to start: " + "; ".join(_problems) + "."
    )

DEBUG = False
# Only requests addressed to this machine's loopback names.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# Pacts are verified against what production does.
CONTRACT_VALIDATION = "enforce"
PACT_PROVIDER_STATES_ENABLED = True
# State changes create users; a slow password hash would make each one take ~1 s and
# trip the verifier's request timeout. The database is thrown away afterwards.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auth": "10000/min", "invitations": "10000/min"},
}
SIGN_IN_FAILURE_RATE = "10000/min"
SIGN_UP_EMAIL_RATE = "10000/min"
# Sign-up and invitation emails go nowhere (the pact's pending sign-up and invitations
# have their own known keys), unless the SDK's end-to-end tests ask for them in files
# (EMAIL_BACKEND=...filebased.EmailBackend).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
