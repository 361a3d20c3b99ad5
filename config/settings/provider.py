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
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"auth": "10000/min", "invitations": "10000/min"},
}
# Invitation emails stay in memory: nothing is sent from a contract-test server.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
