"""Settings for Commitment Tracker, read from the environment.

Every setting that differs between a laptop demo and a deployment comes from an
environment variable (or a `.env` file beside manage.py, which `make` creates with a
generated SECRET_KEY). The defaults are safe for a local demo only; README
"Deploying" lists what a production environment sets.
"""

import datetime
import os
import re
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (production) or in "
            ".env; for a laptop, remove an .env without one and run `make .env`, "
            "which writes a generated key."
        )
    SECRET_KEY = "insecure-development-only-key"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "commitments",
]

MIDDLEWARE = [
    # First, so the access log times the whole stack and sees every response.
    "tracker.middleware.RequestLogMiddleware",
    # Outside everything that may answer on its own (/healthz, 413, 503), so
    # every response carries both policies.
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    "tracker.middleware.PermissionsPolicyMiddleware",
    "tracker.middleware.DatabaseUnavailableMiddleware",
    # Errors at the COMMIT of a request's transaction reach only the middleware.
    "tracker.middleware.DatabaseConflictMiddleware",
    # Before the host check (CommonMiddleware) and the HTTPS redirect.
    "tracker.health.HealthCheckMiddleware",
    "tracker.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Where each request's reads go (a read replica, if any): outside the response
    # cache, which reads the data version where the view reads its data.
    "tracker.db_routers.ReadReplicaMiddleware",
    # Outside the session, common and authentication middleware: it sees the final
    # Vary, Content-Length and user of every response but static files.
    "tracker.caching.HttpCachingMiddleware",
    # Inside it, so that a kept response gets the same ETag, Cache-Control and
    # Vary as a fresh one; outside everything a hit skips.
    "tracker.caching.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, but unsafe methods are redirected to the slashed URL with 308.
    "tracker.redirects.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into its 429.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"

# The largest request body accepted, in bytes (2.5 MB, Django's default): a longer
# one gets 413 before it is read (tracker.middleware.RequestSizeLimitMiddleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2621440)

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

WSGI_APPLICATION = "tracker.wsgi.application"


def database(url):
    """The settings of a database alias, from its URL."""
    settings = env.db_url_config(url)
    settings["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A persistent connection is checked before each request reuses it, so the
    # service survives the database restarting under it.
    settings["CONN_HEALTH_CHECKS"] = True
    if settings["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer fails the request (503) in seconds
        # rather than holding a worker until the WSGI server's timeout kills it.
        settings.setdefault("OPTIONS", {})
        settings["OPTIONS"].setdefault(
            "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
        )
        # No statement runs longer than DATABASE_STATEMENT_TIMEOUT (below).
        settings["OPTIONS"].setdefault(
            "options", f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT * 1000}"
        )
    if settings["ENGINE"] == "django.db.backends.sqlite3":
        # Writers queue for the lock up front (IMMEDIATE) and wait for it
        # (timeout) instead of failing with "database is locked" mid-transaction.
        settings["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return settings


# No statement runs longer than this many seconds on PostgreSQL (0: no limit), so
# no request holds PostgreSQL after gunicorn has killed its worker
# (GUNICORN_TIMEOUT, which it stays below by default); the request gets a 503
# instead.
DATABASE_STATEMENT_TIMEOUT = env.int(
    "DATABASE_STATEMENT_TIMEOUT",
    default=env.int("GUNICORN_TIMEOUT", default=30) * 2 // 3,
)

# SQLite by default (the laptop demo); PostgreSQL when DATABASE_URL says so.
DATABASES = {
    "default": database(
        env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests use a file too, not memory: a live server's threads then get
    # connections of their own, so concurrent requests really run in parallel.
    # One file per test run (the process id), so two runs in one checkout never
    # share (and destroy) each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / f"db.sqlite3-test-{os.getpid()}")
    }

# A read replica of the database (README "A read replica of PostgreSQL"): the
# reads of anonymous requests go to it, everything else to `default`
# (tracker/db_routers.py). Its reads run outside any transaction: one that sees
# only committed data needs none (no ATOMIC_REQUESTS).
READ_REPLICA = None
if env.str("DATABASE_REPLICA_URL", default=""):
    READ_REPLICA = "replica"
    DATABASES[READ_REPLICA] = database(env.str("DATABASE_REPLICA_URL"))
# Without READ_REPLICA the router sends nothing anywhere but to `default`.
DATABASE_ROUTERS = ["tracker.db_routers.ReadReplicaRouter"]

_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator"},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

LOGIN_URL = "admin:login"

# Who this tracker is, for identifiers that must never change (Atom ids, calendar
# UIDs): a tag URI authority and date (RFC 4151), `tag:<domain or email>,<date>`,
# named once for the life of the data, whatever host names serve it.
SITE_IDENTITY = env.str("SITE_IDENTITY", default="tag:commitment-tracker.invalid,2018")
if not re.fullmatch(r"tag:[^\s,:]+,\d{4}(-\d{2}(-\d{2})?)?", SITE_IDENTITY):
    raise ImproperlyConfigured(
        "SITE_IDENTITY must read tag:<domain>,<YYYY[-MM[-DD]]>, e.g. "
        "tag:tracker.example.org,2026 (a domain you held on that date)."
    )

# Proxies in front of the web processes, each appending to X-Forwarded-For: 0 (no
# proxy) takes the client's address from the socket and ignores the header, which
# a client can write; 1 behind one load balancer. The sign-in limits count failures
# per address, so this must match the deployment.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)

# Sign-in limits (tracker/signin.py, README "Sign-in limits"): one count of failures
# for the API's token login and the admin's login page, in the database.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=6)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env.int(
    "LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=100
)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked account or address before any password is checked.
    "tracker.signin.SignInLimitBackend",
    # Django's ModelBackend, its permissions read in one query.
    "tracker.auth_backends.OneQueryModelBackend",
]
AXES_HANDLER = "tracker.signin.SignInFailureHandler"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = datetime.timedelta(seconds=LOGIN_LOCKOUT_SECONDS)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "tracker.signin.account_key"
AXES_CLIENT_IP_CALLABLE = "tracker.signin.client_address"
AXES_LOCKOUT_CALLABLE = "tracker.signin.lockout_response"
# A lockout ends at its documented time: attempts while locked do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Only failures are kept; successful sign-ins are not logged by axes.
AXES_DISABLE_ACCESS_LOG = True
# Quiet start-up (management commands print JSON on stdout), and log lines that
# name only what is counted.
AXES_VERBOSE = False

# Sessions live in the database (Django's default), and so do the cache and the
# sign-in failures: a web process keeps no state of its own, so any number of
# replicas can serve behind a load balancer. Migration 0003 creates the cache table.
CACHES = {
    "default": env.cache("CACHE_URL", default="dbcache://tracker_cache"),
    # The anonymous API reads every replica may answer from (tracker.caching.
    # ResponseCacheMiddleware): shared, like the default. Entries of older data
    # versions are never read again; they expire or are culled.
    "responses": {
        **env.cache("RESPONSE_CACHE_URL", default="dbcache://tracker_cache"),
        "KEY_PREFIX": "response",
        "TIMEOUT": env.int("RESPONSE_CACHE_SECONDS", default=3600),
        "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4},
    },
}
# In the database, culled oldest first (tracker.caching.DatabaseCache). Both
# caches share the table and each counts all of it against its MAX_ENTRIES: the
# default's is the same as the responses', or its next write with more than
# Django's default of 300 entries in the table would drop a third of them.
for _cache in CACHES.values():
    if _cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
        _cache["BACKEND"] = "tracker.caching.DatabaseCache"
        _cache.setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 20000)
# Off, every read is worked out afresh (bench/run.py measures both ways).
RESPONSE_CACHE = env.bool("RESPONSE_CACHE", default=True)

# Content-Security-Policy (django-csp 4) on every response: nothing loads unless
# listed. The public site runs no script; its stylesheet and images come from this
# origin, and its status meters size their segments in style attributes. Pages
# that need more add it: the admin and the browsable API (tracker.middleware.
# ContentSecurityPolicyMiddleware) and the API docs (tracker/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "form-action": [SELF],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page uses, refused to every page and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), "
    "payment=(), publickey-credentials-get=(), screen-wake-lock=(), usb=(), "
    "xr-spatial-tracking=()"
)

# HTTPS. A deployment sets HTTPS_ONLY=true (README "Deploying"); the demo on
# http://127.0.0.1:8000/ leaves it off. Each setting can still be set on its own.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS_ONLY)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS_ONLY)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS_ONLY)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS_ONLY else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS_ONLY
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
# Only behind a proxy that terminates TLS and sets X-Forwarded-Proto itself
# (dropping any the client sent); otherwise a client could claim HTTPS.
if env.bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs go to stdout, one line per request (tracker.middleware), each line of a
# request carrying its request id.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()

# The method page (/method/) tells readers where to report an error and how often
# the record is reviewed.
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
REVIEW_INTERVAL_DAYS = env.int("REVIEW_INTERVAL_DAYS", default=30)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tracker.middleware.RequestIdFilter"}},
    "formatters": {
        "line": {
            "format": "%(asctime)s %(levelname)s %(name)s "
            "request_id=%(request_id)s %(message)s",
        },
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": "line",
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Replaces Django's own console handler (DEBUG only) so no line is doubled.
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # The access line already records every 4xx; keep django.request for
        # errors and their tracebacks.
        "django.request": {"level": "ERROR"},
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commitments.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "commitments.api.permissions.ModelPermissionsOrAnonReadOnly",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["commitments.api.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": (
        "commitments.api.negotiation.ContentNegotiation"
    ),
    "DEFAULT_FILTER_BACKENDS": ["commitments.api.filters.FilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "commitments.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "commitments.api.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "commitments.api.exceptions.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(days=env.int("API_TOKEN_TTL_DAYS", default=30)),
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Commitment Tracker API",
    "DESCRIPTION": "The commitments made in government announcements and a dated, "
    "sourced timeline of progress against each one. Anyone reads; writes need "
    "`Authorization: Token <token>` from `POST /api/v1/auth/token/`.",
    "VERSION": "1",
    # OpenAPI 3.1: its schemas are JSON Schema, so a nullable field is a type
    # array (["string", "null"]) that every generator and validator reads alike.
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ serves Swagger UI from our own static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Separate request and response components: requests send slugs where
    # responses expand agencies, and read-only fields appear only in responses.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "commitments.models.Status",
        "KindEnum": "commitments.models.Commitment.Kind",
        "ChangeKindEnum": "commitments.models.ChangeEntry.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "commitments.api.openapi.document_error_responses",
        "commitments.api.openapi.components_as_served",
        "commitments.api.openapi_links.document_links",
    ],
}
