"""Settings for lis1: one module, every value from the environment through strict helpers.

With no environment set the project runs as an embedded development service: a SQLite file
under var/, Celery tasks executed eagerly in-process, DEBUG on and a development secret.
DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis. DJANGO_ENV=production
demands real secrets and turns on every deployment safeguard that `check --deploy` knows.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from lis1.env import (
    check_redis_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_required,
    env_str,
    env_url,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("LIS1_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env_choice("DJANGO_ENV", ("development", "production"), "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be false when DJANGO_ENV=production.")

_DEV_SECRET = "dev-only-secret-never-used-in-production-4c1f7a0e9b2d43f8a6e5d1c0b9a8f7e6"  # noqa: S105
SECRET_KEY = (
    env_required("SECRET_KEY", "when DJANGO_ENV=production")
    if PRODUCTION
    else env_str("SECRET_KEY", _DEV_SECRET)
)

if PRODUCTION:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DJANGO_ENV=production (comma-separated host names)."
        )
else:
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Keys for national identity numbers: Fernet keys (newest first, so keys can be rotated)
# for the encrypted column, and a separate key for the keyed look-up hash.
_DEV_IDENTITY_KEY = "ZGV2LW9ubHkta2V5LWZvci1pZGVudGl0eS1udW1iZXI="  # base64 of 32 dev bytes
if PRODUCTION:
    IDENTITY_ENCRYPTION_KEYS = env_list("IDENTITY_ENCRYPTION_KEYS")
    if not IDENTITY_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "IDENTITY_ENCRYPTION_KEYS must be set when DJANGO_ENV=production "
            "(comma-separated Fernet keys, newest first)."
        )
    IDENTITY_HASH_KEY = env_required("IDENTITY_HASH_KEY", "when DJANGO_ENV=production")
else:
    IDENTITY_ENCRYPTION_KEYS = env_list("IDENTITY_ENCRYPTION_KEYS", [_DEV_IDENTITY_KEY])
    IDENTITY_HASH_KEY = env_str("IDENTITY_HASH_KEY", "dev-only-identity-hash-key")

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
    "django_filters",
    "django_htmx",
    "axes",
    "csp",
    "pgtrigger",
    "pghistory",
    "lis1.accounts",
    "lis1.jobs",
    "lis1.notifications",
    "lis1.rounds",
    "lis1.reports",
    "lis1.directorate",
    "applicants",
    "employers",
    "municipalities",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (policy below, CONTENT_SECURITY_POLICY).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lis1.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session past its absolute or idle limit (LIS1_SESSION_*_SECONDS, below).
    "lis1.accounts.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Names the acting user on audit events of rankings and placements (Postgres only).
    "lis1.rounds.audit.AuditContextMiddleware",
    # Last, as django-axes requires: it locks out after repeated failed log-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lis1.urls"
WSGI_APPLICATION = "lis1.wsgi.application"

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
                "lis1.accounts.context_processors.role",
                "lis1.accounts.context_processors.session_limits",
            ],
        },
    },
]

# Database: PostgreSQL from DATABASE_URL, otherwise an embedded SQLite file.
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": parse_database_url("DATABASE_URL", _database_url)}
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_ENV=production.")
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "lis1.sqlite3",
            # The web server and the worker share the file: write-ahead logging lets pages
            # read while a job writes, and IMMEDIATE transactions take the write lock up
            # front instead of failing half-way when another process holds it.
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when configured (log-in throttling and sessions must be shared across
# processes), otherwise in-process memory.
_redis_url = env_str("REDIS_URL")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": check_redis_url("REDIS_URL", _redis_url),
            "KEY_PREFIX": "lis1",
        }
    }
    # Sessions are read from the shared cache and written through to the database: a session
    # costs no query on most requests and survives a cache restart.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # An in-process cache is not shared between worker processes, so a session deleted at
    # log-out in one process could live on in another's cache: sessions stay in the database.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses log-ins while an address/user pair is locked out. Applicant
# log-in through ID-porten (OpenID Connect) is appended below when OIDC_RP_CLIENT_ID is set.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "lis1.accounts.backends.UserBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours: a lock-out lasts 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # one day

# Log-in through an OpenID Connect provider such as ID-porten (mozilla-django-oidc), turned on
# by OIDC_RP_CLIENT_ID alone: then the provider's endpoints are required, the backend and the
# /oidc/ URLs are added and the log-in page offers the provider. Unset, nothing of it exists.
# lis1.accounts.oidc says how a provider's person is matched to an applicant.
OIDC_RP_CLIENT_ID = env_str("OIDC_RP_CLIENT_ID")
OIDC_ENABLED = OIDC_RP_CLIENT_ID is not None
if OIDC_ENABLED:
    _oidc = "when OIDC_RP_CLIENT_ID is set"
    OIDC_RP_CLIENT_SECRET = env_required("OIDC_RP_CLIENT_SECRET", _oidc)
    OIDC_OP_AUTHORIZATION_ENDPOINT = env_url(
        "OIDC_OP_AUTHORIZATION_ENDPOINT", reason=_oidc, https_only=PRODUCTION
    )
    OIDC_OP_TOKEN_ENDPOINT = env_url("OIDC_OP_TOKEN_ENDPOINT", reason=_oidc, https_only=PRODUCTION)
    OIDC_OP_USER_ENDPOINT = env_url("OIDC_OP_USER_ENDPOINT", reason=_oidc, https_only=PRODUCTION)
    OIDC_RP_SIGN_ALGO = env_choice(
        "OIDC_RP_SIGN_ALGO", ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"), "RS256"
    )
    # The ID token's signature is checked against the provider's published keys.
    OIDC_OP_JWKS_ENDPOINT = env_url("OIDC_OP_JWKS_ENDPOINT", reason=_oidc, https_only=PRODUCTION)
    OIDC_RP_SCOPES = env_str("OIDC_RP_SCOPES", "openid profile")
    OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "ID-porten")
    # Levels of assurance accepted (ID-porten: idporten-loa-substantial,idporten-loa-high):
    # asked for in the authorisation request and checked in the ID token's `acr` claim.
    OIDC_ACR_VALUES = env_list("OIDC_ACR_VALUES")
    if OIDC_ACR_VALUES:
        OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": " ".join(OIDC_ACR_VALUES)}
    OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", default=True)  # ID-porten requires PKCE
    OIDC_TOKEN_USE_BASIC_AUTH = env_bool("OIDC_TOKEN_USE_BASIC_AUTH", default=False)
    OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10, minimum=1)  # seconds per call to the provider
    OIDC_CALLBACK_CLASS = "lis1.accounts.oidc.CallbackView"
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("lis1.accounts.oidc.IdentityNumberBackend")

# Internationalisation: Bokmål by default; the language act requires both written
# standards of Norwegian in a state body's self-service, and English serves foreign doctors.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates as each language writes them ("2. desember 2026 kl. 12.00", "2 December 2026, 12:00"):
# templates and messages use only the named formats (see lis1/formats).
FORMAT_MODULE_PATH = ["lis1.formats"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lis1_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))  # never served directly
# Applicants' PDFs (at most 10 MB, checked by the form) spill to a temporary file above 2.5 MB
# instead of memory; files are written with owner-only permissions.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
# Development serves static files straight from the source folders (no collectstatic step).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# E-mail: SMTP when EMAIL_HOST is set. Otherwise each e-mail is written to a file under
# var/mail/ (the demo's 1,200 results e-mails would flood a console), or printed when
# LIS1_EMAIL_CONSOLE is true. LIS1_EMAIL_BACKEND names another backend class and wins over both.
# Production needs a backend that delivers: e-mails carry names, results and password-reset
# links, and a console backend would write them all into the process log. A backend that keeps
# mail on the host (file, in-memory, dummy) needs LIS1_EMAIL_ALLOW_LOCAL=true; the console
# backend is never accepted in production.
# Links in e-mails point here (no request to take the host from in a worker).
LIS1_SITE_URL = env_str("LIS1_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "LIS1 <ikke-svar@lis1.no>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_CONSOLE_EMAIL = "django.core.mail.backends.console.EmailBackend"
_LOCAL_EMAIL_BACKENDS = {
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
_email_backend = env_str("LIS1_EMAIL_BACKEND")
if _email_backend:
    if "." not in _email_backend:
        raise ImproperlyConfigured(
            f"LIS1_EMAIL_BACKEND must be the dotted path of a class, got {_email_backend!r}."
        )
    EMAIL_BACKEND = _email_backend
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif env_bool("LIS1_EMAIL_CONSOLE", default=False):
    EMAIL_BACKEND = _CONSOLE_EMAIL
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
if EMAIL_BACKEND == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = VAR_DIR / "mail"
if PRODUCTION and EMAIL_BACKEND == _CONSOLE_EMAIL:
    raise ImproperlyConfigured(
        "The console e-mail backend would log every e-mail: "
        "set EMAIL_HOST when DJANGO_ENV=production."
    )
if (
    PRODUCTION
    and EMAIL_BACKEND in _LOCAL_EMAIL_BACKENDS
    and not env_bool("LIS1_EMAIL_ALLOW_LOCAL", default=False)
):
    raise ImproperlyConfigured(
        "EMAIL_HOST (or LIS1_EMAIL_BACKEND naming a delivering backend) must be set when "
        "DJANGO_ENV=production; LIS1_EMAIL_ALLOW_LOCAL=true accepts one keeping mail on the host."
    )

# Celery: Redis broker from CELERY_BROKER_URL. Without it (the embedded default) a real worker
# still runs the jobs, through kombu's filesystem transport under var/broker/, so that `make
# run` shows the same progress pages as production. CELERY_TASK_ALWAYS_EAGER=true runs tasks
# in-process instead (the test suite does).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
if CELERY_BROKER_URL and CELERY_BROKER_URL.startswith("filesystem://"):
    pass
elif CELERY_BROKER_URL:
    check_redis_url("CELERY_BROKER_URL", CELERY_BROKER_URL)
elif PRODUCTION:
    raise ImproperlyConfigured("CELERY_BROKER_URL must be set when DJANGO_ENV=production.")
else:
    CELERY_BROKER_URL = "filesystem://localhost/"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    # The worker and the web process share one folder: messages written by one are read by
    # the other (kombu's filesystem transport, one host only).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    if not CELERY_TASK_ALWAYS_EAGER:
        (_broker_dir / "queue").mkdir(parents=True, exist_ok=True)
else:
    # Redis re-delivers an unacknowledged task after the visibility timeout: keep it above
    # the longest task (a national match run or report takes well under an hour).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Periodic jobs (celery beat): deadline reminders hourly (one per applicant and deadline,
# so an hourly run is idempotent), and a retry of e-mails left in the outbox.
CELERY_BEAT_SCHEDULE = {
    "deadline-reminders": {
        "task": "lis1.rounds.tasks.deadline_reminders_task",
        "schedule": 60 * 60,
    },
    "outbox-retry": {
        "task": "lis1.notifications.tasks.notifications_retry_task",
        "schedule": 5 * 60,
    },
    # Fail jobs whose worker died, re-send jobs no worker took (lis1.jobs).
    "jobs-sweep": {"task": "lis1.jobs.tasks.jobs_sweep_task", "schedule": 60},
    "placements-expire": {
        "task": "lis1.rounds.tasks.placements_expire_task",
        "schedule": 15 * 60,
    },
}
# Job lifecycle (lis1.jobs): a running job beats every few seconds; one silent for longer
# than LIS1_JOB_STALE_SECONDS is failed by the sweep; a queued job waiting longer than
# LIS1_JOB_NO_WORKER_SECONDS is shown as "no worker is processing jobs".
LIS1_JOB_HEARTBEAT_SECONDS = env_int("LIS1_JOB_HEARTBEAT_SECONDS", 10, minimum=1)
LIS1_JOB_STALE_SECONDS = env_int("LIS1_JOB_STALE_SECONDS", 120, minimum=10)
LIS1_JOB_NO_WORKER_SECONDS = env_int("LIS1_JOB_NO_WORKER_SECONDS", 60, minimum=5)
# A job running longer than this is stuck: failed by the sweep even though its worker beats.
LIS1_JOB_MAX_SECONDS = env_int("LIS1_JOB_MAX_SECONDS", 3 * 60 * 60, minimum=60)
if LIS1_JOB_STALE_SECONDS < 3 * LIS1_JOB_HEARTBEAT_SECONDS:
    raise ImproperlyConfigured(
        "LIS1_JOB_STALE_SECONDS must be at least three heartbeats (LIS1_JOB_HEARTBEAT_SECONDS)."
    )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "lis1.api_errors.AutoSchema",  # documents 400/403/404 on every route
    # DRF's, but a page that is no whole number is 400, as the schema says.
    "DEFAULT_PAGINATION_CLASS": "lis1.api_pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # A broken rule is 409 with the rule's name, an invalid calendar 400 per field, in every API.
    "EXCEPTION_HANDLER": "lis1.api_errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "lis1 API",
    "DESCRIPTION": "Norway's national LIS1 application rounds.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get components of their own (`XRequest`): an upload is then binary, not
    # the URL the response gives, and read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "DocumentKindEnum": "applicants.models.DocumentKind",
        "PositionKindEnum": "lis1.rounds.enums.PositionKind",
        "JobStatusEnum": "lis1.jobs.models.JobStatus",
        "PlacementStatusEnum": "lis1.rounds.enums.PlacementStatus",
        "MatchRunKindEnum": "lis1.rounds.enums.MatchRunKind",
        "MatchRunStartKindEnum": "lis1.directorate.api.START_KINDS",
    },
}

# Security. Development keeps plain HTTP; production turns on every safeguard.
SESSION_COOKIE_HTTPONLY = True
# Sessions end 12 hours after log-in and after 30 minutes without activity (OWASP ASVS L2,
# 3.3.2 and 3.3.3), both enforced by lis1.accounts.sessions on pages and API alike. Pages with
# forms warn LIS1_SESSION_WARNING_SECONDS before the idle log-out and keep what was typed.
LIS1_SESSION_ABSOLUTE_SECONDS = env_int("LIS1_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
LIS1_SESSION_IDLE_SECONDS = env_int("LIS1_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
LIS1_SESSION_WARNING_SECONDS = env_int("LIS1_SESSION_WARNING_SECONDS", 2 * 60, minimum=10)
if LIS1_SESSION_IDLE_SECONDS > LIS1_SESSION_ABSOLUTE_SECONDS:
    raise ImproperlyConfigured(
        "LIS1_SESSION_IDLE_SECONDS must not exceed LIS1_SESSION_ABSOLUTE_SECONDS."
    )
if LIS1_SESSION_WARNING_SECONDS >= LIS1_SESSION_IDLE_SECONDS:
    raise ImproperlyConfigured(
        "LIS1_SESSION_WARNING_SECONDS must be shorter than LIS1_SESSION_IDLE_SECONDS."
    )
# The cookie and the stored session never outlive the absolute limit either.
SESSION_COOKIE_AGE = LIS1_SESSION_ABSOLUTE_SECONDS
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere. Scripts and
# styles come from our own static files only (no 'unsafe-inline', no nonces needed); no plugins,
# no framing, no <base>; forms post only to us (ID-porten's log-in starts from a link, and its
# answer comes back as a redirect to /oidc/callback/, so form-action needs no provider host).
# img-src allows data: for the design system's and Swagger UI's inline SVG icons. Violations are
# posted to /csp-report/ and logged (lis1.csp_reports). The Swagger UI keeps this policy (its
# split view loads its script as a file). One view has a policy of its own, documented there:
# the stored HTML report (lis1.directorate.reports), a self-contained document.
CSP_REPORT_PATH = "/csp-report/"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "report-uri": [CSP_REPORT_PATH],
    },
}
# Reports are small JSON documents; anything larger is refused unread.
LIS1_CSP_REPORT_MAX_BYTES = 16 * 1024
# At most this many reports are logged per minute (a page with a broken asset in many open
# tabs must not flood the log); the rest are answered but not logged.
LIS1_CSP_REPORTS_PER_MINUTE = env_int("LIS1_CSP_REPORTS_PER_MINUTE", 60, minimum=1)

LOG_LEVEL = env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # URL secrets (reset and confirmation tokens, OpenID Connect codes) are redacted from
    # every line: lis1/logredact.py.
    "filters": {"redact": {"()": "lis1.logredact.RedactFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # At DEBUG Django logs every missing template variable with the whole context: for an
        # e-mail that is the recipient, the body's data and a password-reset token. Never.
        "django.template": {"level": "INFO"},
    },
}

LIS1_DEMO_PASSWORD = "lis1-demo"  # noqa: S105  (the published password of the demo log-ins)
SITE_NAME = _("LIS1 application rounds")
