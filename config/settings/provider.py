"""`make provider`: the app on a throwaway database with the Pact provider-state endpoint on.

This is the only settings module in which that endpoint answers.
"""

from .local import *  # noqa: F403

DEBUG = False
PACT_PROVIDER_STATES_ENABLED = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "10000/min"}}  # noqa: F405
