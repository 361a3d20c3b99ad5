"""Settings for every server the benchmark starts: ``make run``'s settings, production-like.

Only what the measurement needs differs from ``config.settings.local``: no DEBUG (it
records every SQL query and makes whitenoise re-scan the disk), the URL map with the
naive baseline endpoints added, logging at WARNING, a sign-in throttle that cannot
interfere, and CONTRACT_VALIDATION=enforce as in production. DATABASE_URL and
MEDIA_ROOT come from the environment ``bench.run`` sets.
"""

from config.settings.local import *  # noqa: F403

DEBUG = False
WHITENOISE_AUTOREFRESH = False
ROOT_URLCONF = "bench.urls"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "100000/min"}}  # noqa: F405
# Production's default; the off-vs-enforce comparison (bench.contract) sets it per server.
CONTRACT_VALIDATION = env.str("CONTRACT_VALIDATION", default="enforce")  # noqa: F405
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

if env.str("BENCH_SERVER_PROFILE", default=""):  # noqa: F405
    from bench.server_profile import install

    install(
        env.str("BENCH_SERVER_PROFILE"),  # noqa: F405
        calls=env.bool("BENCH_SERVER_PROFILE_CALLS", default=True),  # noqa: F405
    )
