"""Partywork settings. Everything that differs between installations comes from the environment.

The party's rule numbers are not settings: they are dated data with the regulation that set them
(``core/rules.py``), so a new decision is a new version from a date, recorded and audited.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.caches import cache_settings

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PARTYWORK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Take the key from the environment; in development keep a generated one under var/ (never in git)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "axes",
    "core",
    "audit",
    "accounts",
    "orgs",
    "members",
    "reorg",
    "jobs",
    "exchange",
    "lifecycle",
    "cadres",
    "bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed on the way out (static files come precompressed from WhiteNoise, which answers above).
    # BREACH: acceptable because Django masks the CSRF token anew in every response and adds random bytes to
    # each gzip stream (Django 4.2+), so no secret repeats across responses for an attacker to guess at.
    "django.middleware.gzip.GZipMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The HTTP bench (`manage.py bench --http`) starts its server with this on: each response says what it cost
# (bench/middleware.py) and a bare authenticated view answers at /bench/bare/ (the throughput baseline).
PARTYWORK_BENCH_HTTP = _env_bool("PARTYWORK_BENCH_HTTP", False)
if PARTYWORK_BENCH_HTTP:
    MIDDLEWARE.insert(0, "bench.middleware.BenchMetricsMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite by default (one file, WAL), PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # JIT compilation costs 35-56 ms on the word-table searches whose estimated cost passes jit_above_cost,
        # more than it saves on the short queries of a request (bench/RESULTS.md, search sections).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c jit=" + os.environ.get("PG_JIT", "off")).strip()
    # One test database per test process, so parallel runs on one server do not collide.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PARTYWORK_TEST_DB", f"test_partywork_{os.getpid()}")}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "partywork.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue instead of deadlocking.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA cache_size=-200000; PRAGMA temp_store=MEMORY;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Login throttling (django-axes): lock an account+IP after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "core.api.lockout_response"  # the page for people, JSON for /api/
AXES_CLIENT_IP_CALLABLE = "core.middleware.axes_client_ip"  # the address the audit records, not a forged one
AXES_ENABLED = _env_bool("AXES_ENABLED", True)

# --- Languages: Vietnamese is the users' own; the seeds arrive in ar, tr, de, ru.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "vi")
LANGUAGES = [
    ("vi", _("Vietnamese")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("tr", _("Turkish")),
    ("de", _("German")),
    ("ru", _("Russian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Each language's own dates and numbers (config/formats/<lang>/formats.py overrides what Django's modules lack:
# grouping in Vietnamese and Arabic, day-first dates). Numbers are grouped where shown as quantities (``intcomma``,
# ``core.l10n.number``), not everywhere: ids, years and card numbers in templates must stay ungrouped.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
_NODE = BASE_DIR / "node_modules"
for _pkg_dir in (_NODE / "htmx.org" / "dist", _NODE / "chart.js" / "dist"):
    if _pkg_dir.exists():
        STATICFILES_DIRS.append(("vendor", _pkg_dir))
# `collectstatic` writes each file under a name with its content's hash, plus gzip (and brotli, if the Brotli
# package is installed) copies; WhiteNoise serves those names compressed and cached for ten years (immutable),
# the plain names for WHITENOISE_MAX_AGE. Without DEBUG, pages need `collectstatic` first (scripts/demo.sh runs
# it); with DEBUG, {% static %} gives the plain names and the files come from the source folders.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = int(os.environ.get("WHITENOISE_MAX_AGE", "0" if DEBUG else "3600"))
MEDIA_ROOT = VAR_DIR / "media"

# --- Security: personal data of millions.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
_HTTPS = _env_bool("HTTPS", not DEBUG and bool(os.environ.get("SECRET_KEY")))
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if _HTTPS else 0
# Behind a reverse proxy: trust its X-Forwarded-Proto, and take the client's address from the X-Forwarded-For entry
# the outermost of TRUSTED_PROXY_COUNT proxies appended (the right-most for one), never the forgeable first one.
BEHIND_PROXY = _env_bool("BEHIND_PROXY", False)
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("API_RATE", "6000/min"),
        "login": os.environ.get("API_LOGIN_RATE", "10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Partywork API",
    "DESCRIPTION": "Organizations, members, history, roles and audit of the party's organizational work.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI is served from the sidecar package's static files: no CDN on a closed intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AuditEventEnum": "audit.models.AuditRecord.Event",
        "MemberHistoryEventEnum": "members.choices.HistoryEvent",
        "RuleKindEnum": "core.rules.RuleKind",
        "RegulationKindEnum": "core.rules.RegulationKind",
    },
}

# --- Caches and sessions shared by every web process: Redis with REDIS_URL, else the database (config/caches.py).
CACHES, SESSION_ENGINE = cache_settings(os.environ)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- The party's rule numbers are dated data (core/rules.py, the ``RuleVersion`` table), not settings: each app
# declares its rules in its ``rules.py``, ``migrate`` writes the shipped versions, administrators add later ones at
# /rules/. Each process keeps them in memory and checks this often (seconds) whether another process changed them.
PARTYWORK_RULES_RECHECK_SECONDS = float(os.environ.get("PARTYWORK_RULES_RECHECK_SECONDS", "5"))
LIST_PAGE_SIZE = 50
# Dashboard figures (core.charts): a subtree of this many members or more is "large": its current figures are kept
# this many seconds in the shared cache instead of counted for each reader, and `run_jobs` (or `manage.py
# warm_figures`) computes them ahead every PARTYWORK_FIGURES_WARM_EVERY_SECONDS (0: never) for the large
# organizations of the top PARTYWORK_FIGURES_WARM_DEPTH levels.
PARTYWORK_FIGURES_LIVE_MAX = int(os.environ.get("PARTYWORK_FIGURES_LIVE_MAX", "20000"))
PARTYWORK_FIGURES_RECENT_SECONDS = int(os.environ.get("PARTYWORK_FIGURES_RECENT_SECONDS", "300"))
PARTYWORK_FIGURES_WARM_EVERY_SECONDS = int(os.environ.get("PARTYWORK_FIGURES_WARM_EVERY_SECONDS", "240"))
PARTYWORK_FIGURES_WARM_DEPTH = int(os.environ.get("PARTYWORK_FIGURES_WARM_DEPTH", "2"))
# Background jobs: inline threads in development; production runs `manage.py run_jobs` as a service.
JOBS_INLINE = _env_bool("JOBS_RUN_INLINE", True)
# Files of finished jobs (uploads, results, error reports) are deleted after this many days, by
# `manage.py purge_job_files` and by `run_jobs` every PARTYWORK_JOB_FILES_PURGE_EVERY_SECONDS.
PARTYWORK_JOB_FILES_RETENTION_DAYS = int(os.environ.get("PARTYWORK_JOB_FILES_RETENTION_DAYS", "30"))
PARTYWORK_JOB_FILES_PURGE_EVERY_SECONDS = int(os.environ.get("PARTYWORK_JOB_FILES_PURGE_EVERY_SECONDS", "3600"))
# What one import file may hold (read through exchange.limits.import_limit): data rows, unpacked size of the
# workbook or size of the CSV, and how far a workbook may inflate (a zip bomb inflates by hundreds to one).
PARTYWORK_IMPORT_MAX_ROWS = int(os.environ.get("PARTYWORK_IMPORT_MAX_ROWS", "1000000"))
PARTYWORK_IMPORT_MAX_UNCOMPRESSED_MB = int(os.environ.get("PARTYWORK_IMPORT_MAX_UNCOMPRESSED_MB", "1024"))
PARTYWORK_IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("PARTYWORK_IMPORT_MAX_COMPRESSION_RATIO", "100"))
# Imports read and parse the file in a forked second process, pipelined with the writes ("auto": with more than
# one CPU, from the main thread of `run_jobs` or the CLI, for files of more than two batches; "on"; "off").
EXCHANGE_PARSE_PROCESS = os.environ.get("EXCHANGE_PARSE_PROCESS", "auto")
