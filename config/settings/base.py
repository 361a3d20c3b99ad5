"""Settings shared by every environment, read from the environment (12-factor).

Environment-specific modules import * from here and override; only production
refuses to start without a SECRET_KEY.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "videoplanet.api",
    "videoplanet.accounts",
    "videoplanet.projects",
    "videoplanet.feedback",
    "videoplanet.media",
    "videoplanet.contracts",
    "videoplanet.realtime",
    "videoplanet.monitoring",
    "videoplanet.pact",  # tooling: management commands, provider states when enabled
]

MIDDLEWARE = [
    "videoplanet.monitoring.middleware.RequestMetricsMiddleware",
    "videoplanet.api.middleware.RequestBodyLimitMiddleware",
    "videoplanet.contracts.middleware.ContractValidationMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Wait for a competing writer instead of failing with "database is locked", and take
    # the write lock when a transaction starts so two writers cannot deadlock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
# The reviewer web app, built by `make web` (Vite, base /static/app/): its assets are
# static files under /static/app/, its index.html answers every browser route.
WEB_DIST_DIR = Path(env.str("WEB_DIST_DIR", default=str(BASE_DIR / "web" / "dist")))
STATICFILES_DIRS = [("app", WEB_DIST_DIR)] if WEB_DIST_DIR.is_dir() else []
# Vite names its assets by content hash (index-<8 chars>.js): cache them for a year.
WHITENOISE_IMMUTABLE_FILE_TEST = r"^/static/app/assets/.+-[A-Za-z0-9_-]{8}\.[a-z0-9]+$"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Screenshots and videos, private to their project: served only at signed paths
# (MEDIA_URL + "s/<signature>/<name>", videoplanet.media), valid MEDIA_URL_TTL_SECONDS
# (at least two thirds of it from when the API hands the URL out: keep any page or
# response cache shorter). PUBLIC_MEDIA_URL, when set, is the absolute base clients get
# instead of this app's MEDIA_URL (a CDN that forwards to this app).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
PUBLIC_MEDIA_URL = env.str("PUBLIC_MEDIA_URL", default="")
MEDIA_URL_TTL_SECONDS = env.int("MEDIA_URL_TTL_SECONDS", default=6 * 60 * 60)
# Hand the bytes to a front server instead of streaming them from Python: nginx's
# X-Accel-Redirect to an internal location (e.g. "/protected-media/"), or a 302 to the
# storage's own URL (an S3 presigned URL with django-storages' querystring_auth).
MEDIA_X_ACCEL_REDIRECT = env.str("MEDIA_X_ACCEL_REDIRECT", default="")
MEDIA_REDIRECT_TO_STORAGE = env.bool("MEDIA_REDIRECT_TO_STORAGE", default=False)

# The largest request body the API reads (413 above it). A screenshot may be 5 MB
# decoded, which is about 6.7 MB as base64 inside JSON.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=8 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
# Larger (or smaller) limits for some paths: path prefix -> bytes, the longest prefix
# matching whole segments wins (videoplanet.api.limits), e.g. {"/api/v1/uploads": 5 GB};
# a prefix ending in "/" covers only the paths below it.
# From the environment: REQUEST_BODY_LIMITS="/api/v1/uploads=5368709120;/other=1000".
REQUEST_BODY_LIMITS: dict[str, int] = env.dict(
    "REQUEST_BODY_LIMITS", cast={"value": int}, default={}
)

# Video uploads (videoplanet.media): the largest file, where parts wait until the upload
# completes (local disk, shared by the server processes), the URL prefix of the upload
# endpoints (their request bodies may be up to VIDEO_UPLOAD_PART_MAX_BYTES instead of
# MAX_REQUEST_BODY_BYTES) and the proxy's libx264 preset and quality.
VIDEO_MAX_BYTES = env.int("VIDEO_MAX_BYTES", default=2 * 1024**3)
VIDEO_UPLOAD_DIR = env.path("VIDEO_UPLOAD_DIR", default=str(VAR_DIR / "uploads"))
VIDEO_UPLOAD_PATH_PREFIX = "/api/v1/uploads"
VIDEO_UPLOAD_PART_MAX_BYTES = env.int("VIDEO_UPLOAD_PART_MAX_BYTES", default=64 * 1024**2)
# An upload's part (PATCH /api/v1/uploads/{id}) may be that big; creating an upload is
# JSON like any other request. A limit from the environment wins.
REQUEST_BODY_LIMITS = {
    f"{VIDEO_UPLOAD_PATH_PREFIX}/": VIDEO_UPLOAD_PART_MAX_BYTES,
    **REQUEST_BODY_LIMITS,
}
VIDEO_PROXY_PRESET = env.str("VIDEO_PROXY_PRESET", default="veryfast")
VIDEO_PROXY_CRF = env.int("VIDEO_PROXY_CRF", default=20)

# Live rooms: with REDIS_URL, the channel layer and presence live in Redis so several
# server processes share rooms; without it, one process keeps both in memory.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="videoplanet")
PRESENCE_TTL_SECONDS = env.float("PRESENCE_TTL_SECONDS", default=30.0)
# Connections each server process may open to Redis (a burst of sockets closing at once
# needs one each); Redis itself allows 10000 clients by default.
REDIS_MAX_CONNECTIONS = env.int("REDIS_MAX_CONNECTIONS", default=1000)
# A process without a shared channel layer (make run's task worker) sends its room
# events to the server at this URL (videoplanet.realtime.relay); empty: it broadcasts.
ROOM_RELAY_URL = env.str("ROOM_RELAY_URL", default="")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": REDIS_URL,
                        # The layer's blocking read waits up to 5 s; redis-py 8 times
                        # reads out at 5 s by default, which dropped idle sockets.
                        "socket_timeout": 30,
                        "max_connections": REDIS_MAX_CONNECTIONS,
                    }
                ],
                "prefix": f"{REDIS_KEY_PREFIX}:asgi",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Shared state that must be the same in every server process: the sign-in and sign-up
# rate-limit counters and the live-room tickets. With REDIS_URL they live in Redis
# (several processes share them); without it, in this process's memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}:cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts (README "Accounts and sign-in").
# Sign-up emails a link to FRONTEND_URL/verify-email?key=...; it works once, for
# SIGNUP_LINK_HOURS. API tokens unused for API_TOKEN_IDLE_DAYS stop working.
FRONTEND_URL = env.str("FRONTEND_URL", default="http://127.0.0.1:8000").rstrip("/")
SIGNUP_LINK_HOURS = env.float("SIGNUP_LINK_HOURS", default=24.0)
API_TOKEN_IDLE_DAYS = env.float("API_TOKEN_IDLE_DAYS", default=30.0)
# Failed sign-ins per account (whatever the client's address) and sign-up attempts per
# email address, in DRF's rate format ("10/hour").
SIGN_IN_FAILURE_RATE = env.str("SIGN_IN_FAILURE_RATE", default="10/hour")
SIGN_UP_EMAIL_RATE = env.str("SIGN_UP_EMAIL_RATE", default="5/hour")

# Email: SMTP from EMAIL_URL (smtp+tls://user:password@host:587) or the EMAIL_HOST,
# EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS variables.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="VideoPlanet <noreply@localhost>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Live rooms, per connection: a client message larger than WS_MAX_MESSAGE_BYTES closes
# the socket (1009); messages beyond a burst of WS_MESSAGE_BURST refilled at
# WS_MESSAGES_PER_SECOND are dropped, and WS_MESSAGE_DROPS_BEFORE_CLOSE more drops (also
# refilled at that rate) close it (1008). Every WS_ACCESS_RECHECK_SECONDS an open socket
# re-checks its token and membership. A ticket (POST /realtime/tickets) opens one socket
# within REALTIME_TICKET_SECONDS.
WS_MAX_MESSAGE_BYTES = env.int("WS_MAX_MESSAGE_BYTES", default=4096)
WS_MESSAGE_BURST = env.int("WS_MESSAGE_BURST", default=30)
WS_MESSAGES_PER_SECOND = env.float("WS_MESSAGES_PER_SECOND", default=10.0)
WS_MESSAGE_DROPS_BEFORE_CLOSE = env.int("WS_MESSAGE_DROPS_BEFORE_CLOSE", default=300)
WS_ACCESS_RECHECK_SECONDS = env.float("WS_ACCESS_RECHECK_SECONDS", default=30.0)
REALTIME_TICKET_SECONDS = env.int("REALTIME_TICKET_SECONDS", default=30)

# Background tasks (Django's tasks API, django-tasks backport): "database" keeps the
# queue in the database and `manage.py db_worker` runs it (make run starts one); "rq"
# puts it on Redis (TASKS_REDIS_URL, default REDIS_URL) for
# `manage.py rqworker default --job-class django_tasks_rq.Job` (RQ's own job class fails
# every task).
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
INSTALLED_APPS += ["django_tasks"]
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("TASKS_REDIS_URL", default=REDIS_URL)}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "database":
    INSTALLED_APPS += ["django_tasks_db"]
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:  # "immediate" runs a task inside the request; "dummy" only records it (tests)
    TASKS = {
        "default": {
            "BACKEND": f"django_tasks.backends.{TASKS_BACKEND}.{TASKS_BACKEND.title()}Backend"
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "videoplanet.accounts.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["videoplanet.api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "videoplanet.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "videoplanet.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("AUTH_THROTTLE_RATE", default="20/min"),
        "invitations": env.str("INVITATION_THROTTLE_RATE", default="30/hour"),
    },
    # Rate limits key on the client's address: REMOTE_ADDR when 0 (uvicorn already puts
    # the real client there for the proxies in --forwarded-allow-ips), else the address
    # NUM_PROXIES from the right of X-Forwarded-For. Never a client-chosen header.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
}

# Project invitations: how long a key stays valid, and the web app's page that answers
# one ({key} is replaced by the key; empty: the email carries the key alone).
INVITATION_TTL_DAYS = env.int("INVITATION_TTL_DAYS", default=7)
INVITATION_URL = env.str("INVITATION_URL", default="")

SPECTACULAR_SETTINGS = {
    "TITLE": "VideoPlanet API",
    "DESCRIPTION": (
        "Timestamped video feedback, threaded comments and reactions. "
        "Every 4xx response uses the Error envelope."
    ),
    "VERSION": "2.0.0",
    "CONTACT": {"name": "VideoPlanet"},
    "LICENSE": {"name": "Proprietary"},
    "SERVERS": [{"url": "http://127.0.0.1:8000", "description": "make run"}],
    # One tag per resource (videoplanet.api.schema.resource_tag says which path has which).
    "TAGS": [
        {"name": name, "description": description}
        for name, description in {
            "auth": "Sign-up, email verification, sign-in, API tokens and the signed-in user.",
            "projects": "Projects and their members.",
            "videos": "A project's videos and their versions.",
            "uploads": "Resumable video uploads, each becoming a new video or a new version.",
            "feedback": "Feedback pinned to a moment of a video, with screenshot and drawing.",
            "comments": "Threaded comments on feedback, with @mentions and emoji reactions.",
            "invitations": "Invitations to a project: sent and withdrawn by its owner or "
            "admins, accepted or declined by the person invited.",
            "realtime": "Tickets for a browser's connection to a live review room (AsyncAPI).",
            "monitoring": "Contract violations reported by clients and the server; coverage.",
        }.items()
    ],
    # Operations are tagged by the first path segment after this prefix; fixed, so the
    # document does not depend on which other routes are mounted (/pact/ is only when
    # provider states are enabled).
    "SCHEMA_PATH_PREFIX": "/",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "FeedbackPriority": "videoplanet.feedback.models.Priority",
        "FeedbackStatus": "videoplanet.feedback.models.Status",
        "MemberRole": "videoplanet.projects.models.Role",
        "ShapeTwoPointType": "videoplanet.feedback.schema.TWO_POINT",
        "ShapeFreehandType": "videoplanet.feedback.schema.FREEHAND",
        "ShapeTextType": "videoplanet.feedback.schema.TEXT",
        "ContractViolationType": "videoplanet.monitoring.models.ViolationType",
        "ContractViolationDirection": "videoplanet.monitoring.models.Direction",
        "ContractViolationMethod": "videoplanet.monitoring.reports.METHODS",
        "CoverageKind": "videoplanet.monitoring.selectors.KINDS",
        "CoverageVerification": "videoplanet.monitoring.selectors.VERIFICATION_STATUSES",
        "CoverageStatus": "videoplanet.monitoring.selectors.STATUSES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "videoplanet.api.schema.postprocess_enums_and_blanks",
        "videoplanet.api.schema.postprocess_nullable_references",
        "videoplanet.api.schema.postprocess_response_links",
        "videoplanet.api.schema.postprocess_closed_objects",
        "videoplanet.api.schema.postprocess_response_descriptions",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Runtime contract validation of /api/v1 against contracts/openapi.json (see README):
# off | report (log and record violations, let the request through) | enforce (answer an
# invalid request 400 contract_violation before the view runs). Responses are only ever
# recorded. Violations go to every recorder listed (dotted paths of classes or factories).
CONTRACT_VALIDATION = env.str("CONTRACT_VALIDATION", default="report")
CONTRACT_VIOLATION_RECORDERS = env.list(
    "CONTRACT_VIOLATION_RECORDERS",
    default=[
        "videoplanet.contracts.violations.log_recorder",
        # counted per process and stored with source "server" (videoplanet.monitoring)
        "videoplanet.monitoring.recorder.monitor_recorder",
    ],
)
# The server's own violations: stored every MONITORING_REPORT_SECONDS (and at exit);
# more than CONTRACT_ALERT_THRESHOLD of one METHOD:endpoint:type within
# CONTRACT_ALERT_WINDOW_SECONDS raise one alert, logged and sent to the webhook and
# Sentry when configured.
MONITORING_REPORT_SECONDS = env.float("MONITORING_REPORT_SECONDS", default=60.0)
CONTRACT_ALERT_THRESHOLD = env.int("CONTRACT_ALERT_THRESHOLD", default=10)
CONTRACT_ALERT_WINDOW_SECONDS = env.float("CONTRACT_ALERT_WINDOW_SECONDS", default=60.0)
# At most this many alerts per window across keys; the keys beyond go in one summary.
CONTRACT_ALERT_MAX_PER_WINDOW = env.int("CONTRACT_ALERT_MAX_PER_WINDOW", default=20)
CONTRACT_ALERT_WEBHOOK_URL = env.str("CONTRACT_ALERT_WEBHOOK_URL", default="")
SENTRY_DSN = env.str("SENTRY_DSN", default="")

# The Pact provider-state endpoint resets the database: only `make provider` turns it on.
PACT_PROVIDER_STATES_ENABLED = False

# Contract monitoring (README "Contract monitoring"). Violations last seen longer ago
# than the retention are deleted by `manage.py monitoring_prune`; totals are kept.
MONITORING_RETENTION_DAYS = env.int("MONITORING_RETENTION_DAYS", default=30)
# The intake: reports per minute per reporter (429 beyond), and the distinct
# METHOD:endpoint:type keys one source may have before new ones count as `other`.
MONITORING_REPORT_RATE = env.str("MONITORING_REPORT_RATE", default="120/min")
MONITORING_MAX_KEYS_PER_SOURCE = env.int("MONITORING_MAX_KEYS_PER_SOURCE", default=200)
# How often each server process writes the operations it served to the coverage
# matrix's sightings (one small upsert per interval).
MONITORING_SEEN_FLUSH_SECONDS = env.float("MONITORING_SEEN_FLUSH_SECONDS", default=60.0)
# Who uses what (README "Who breaks?"): per consumer (X-Client or the SDK's User-Agent)
# and version, the operations, parameter and field names, status classes and room
# messages, in memory and written with the sightings; at most USAGE_MAX_CLIENTS_PER_HOUR
# consumer/version pairs per hour across all processes (the rest count as "other").
USAGE_RECORDING = env.bool("USAGE_RECORDING", default=True)
USAGE_MAX_CLIENTS_PER_HOUR = env.int("USAGE_MAX_CLIENTS_PER_HOUR", default=50)
# The consumer pacts and the last provider verification of each (`make contracts`
# writes it), both read by the coverage matrix.
PACT_DIR = env.path("PACT_DIR", default=str(BASE_DIR / "pacts"))
PACT_VERIFICATION_REPORT = env.path(
    "PACT_VERIFICATION_REPORT", default=str(VAR_DIR / "pact-verification.json")
)
# GET /metrics: with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>` gets
# in; without it, /metrics answers 404 unless METRICS_PUBLIC=true is set explicitly.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_PUBLIC = env.bool("METRICS_PUBLIC", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            # control characters in messages (client text among them) are escaped
            "class": "videoplanet.api.logs.EscapingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The demo clip `seed_demo` generates once (PyAV) and caches here, then stores as the
# demo video: DEMO_CLIP is its width, height, exact frame rate and length in seconds.
DEMO_MEDIA_DIR = env.path("DEMO_MEDIA_DIR", default=str(VAR_DIR / "demo"))
DEMO_CLIP = {"width": 1280, "height": 720, "fps": "24", "seconds": 30}
