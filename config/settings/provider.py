"""`make provider`: the app on a throwaway database with the Pact provider-state endpoint on.

This is the only settings module in which that endpoint answers.
"""

from .local import *  # noqa: F403

DEBUG = False
# Pacts are verified against what production does.
CONTRACT_VALIDATION = "enforce"
PACT_PROVIDER_STATES_ENABLED = True
# State changes create users; a slow password hash would make each one take ~1 s and
# trip the verifier's request timeout. The database is thrown away afterwards.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "10000/min"}}  # noqa: F405
SIGN_IN_FAILURE_RATE = "10000/min"
SIGN_UP_EMAIL_RATE = "10000/min"
# Sign-up links go nowhere (the pact's pending sign-up has its own known key), unless the
# SDK's end-to-end tests ask for them in files (EMAIL_BACKEND=...filebased.EmailBackend).
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.locmem.EmailBackend")  # noqa: F405
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")  # noqa: F405
