"""Settings for the partnership portal.

Everything comes from environment variables. The defaults run the whole portal on one
machine with nothing else installed (SQLite, a filesystem Celery broker and email written
to files, all under ``var/``); production points the same variables at real services.
A malformed value stops start-up with a message naming the variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean strictly: anything but a clear true or false is an error."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_url(name: str, parse, default: str):
    """Parse a service URL with django-environ, naming the variable when it is malformed."""
    raw = os.environ.get(name, "").strip() or default
    try:
        return parse(raw)
    except Exception as exc:  # django-environ raises several types for bad URLs
        raise ImproperlyConfigured(f"{name} is not a valid URL ({exc}).") from None


DEBUG = env_bool("DEBUG", False)

VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "local-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the portal's host names when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the portal, used in links inside emails and PDFs.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PORTAL_NAME = "Campus & Police Partnership Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "simple_history",
    "core",
    "accounts",
    "partnerships",
    "agreements",
    "training",
    "people",
    "notifications",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Moves a signed-in session's expiry (the idle timeout) at most once a minute, rather
    # than writing the session on every request.
    "core.middleware.SessionIdleExpiryMiddleware",
    # Administrators and police liaison officers (and anyone who has set it up) must confirm
    # a one-time code before anything else.
    "accounts.middleware.TwoFactorMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.AuthorisationFailureLogMiddleware",
    # Records the signed-in user on every history row a request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

if not os.environ.get("DATABASE_URL", "").strip():
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded SQLite database lives here
_database_url = os.environ.get("DATABASE_URL", "").strip()
if _database_url and _database_url.split(":", 1)[0] not in ("postgres", "postgresql", "pgsql", "sqlite"):
    raise ImproperlyConfigured("DATABASE_URL is not a valid URL: use postgres://user:password@host:5432/name.")
DATABASES = {"default": env_url("DATABASE_URL", environ.Env.db_url_config, f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env_int("DATABASE_CONN_MAX_AGE", 60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # PostgreSQL's JIT compiler costs seconds on the portal's large annotated queries (health)
    # and saves nothing on short ones: measured 3.5 s of a 3.6 s dashboard query at national
    # scale (benchmarks/README.md, scale.py). Off for the portal's connections.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The web process, the worker and beat share the file: wait for a lock rather than fail,
    # and take the write lock when a transaction begins so two writers never deadlock.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after this many seconds without a request (saved on every request).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT", 60 * 60 * 2)
SESSION_SAVE_EVERY_REQUEST = False  # core.middleware.SessionIdleExpiryMiddleware
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lock out a username from one address after repeated failures, for a limited time, so
# nobody can lock another person out for good.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# The client's address behind this many proxies (X-Forwarded-For), for the lockouts, the rate
# limits and the addresses the portal records: see core/client.py. 0 ignores the header.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
if PROXY_COUNT < 0:
    raise ImproperlyConfigured("PROXY_COUNT must be 0 or more (the number of proxies in front of the portal).")
AXES_CLIENT_IP_CALLABLE = "core.client.client_address"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# History rows' change reasons (such as "Agreement in force: <title>") can be long: store text.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: files in var/mail/ unless EMAIL_URL names a real server (smtp://user:pass@host:587).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Partnership Portal <portal@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_URL", "").strip():
    globals().update(env_url("EMAIL_URL", environ.Env.email_url_config, ""))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Celery: a filesystem broker in var/ unless CELERY_BROKER_URL names Redis or RabbitMQ.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast messages (remote control) too; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
elif not CELERY_BROKER_URL.startswith(("redis://", "rediss://", "amqp://", "amqps://")):
    raise ImproperlyConfigured("CELERY_BROKER_URL must start with redis://, rediss://, amqp:// or amqps://.")
else:
    # Publishing from a request gives up quickly (about half a second) when the broker is down:
    # the request still succeeds and the sweep queues the work later. Workers reconnect on
    # their own terms (CELERY_BROKER_CONNECTION_RETRY*), which these options do not touch.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.5,
        "socket_connect_timeout": 2,
        # Redis redelivers an unacknowledged message after this long: longer than the longest
        # retry wait of a notification email (an hour), so a waiting retry is not doubled.
        "visibility_timeout": 2 * 60 * 60,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
# Periodic tasks live in the database (django-celery-beat), so they can be seen and changed in
# Django admin: notifications' migration 0002 creates the reminder sweep (every 5 minutes) and
# the nightly erasure of expired information shares (02:15); agreements' migration 0006 the daily
# run (00:05) that puts signed agreements in force on their effective date
# (agreements.tasks.bring_agreements_into_force); partnerships' migration 0009 the nightly check
# of each partnership's stored health (00:20, partnerships/stored_health.py); core's migration
# 0002 the nightly folding of the counts' ledger (01:10, core/tally.py). Run exactly one beat
# process.
CELERY_BEAT_SCHEDULE = {}

# Notifications: a failed email is retried after this many seconds, doubling each time (at
# most an hour). A mail server that does not answer fails the attempt after EMAIL_TIMEOUT.
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Information shares (UK GDPR storage limitation): how long their free text is kept.
SHARE_RETENTION_MONTHS_AFTER_FEEDBACK = env_int("SHARE_RETENTION_MONTHS_AFTER_FEEDBACK", 12)
SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK = env_int("SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK", 18)
for _name in ("SHARE_RETENTION_MONTHS_AFTER_FEEDBACK", "SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1 (months).")

# HTTPS: on by default in production. Turn off only behind a trusted local setup.
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Nothing in the portal uses these browser features: deny them to any page and frame.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)

# Content-Security-Policy (django-csp): scripts, styles and everything else from the portal
# itself only; no inline script or style, no eval, no framing, forms post only to the portal.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Two-factor authentication (django-otp: TOTP apps and one-time recovery codes). Required for
# these roles; anyone else may turn it on for themselves, and is then always asked for a code.
# A signatory whose turn it is to sign is reminded every this many days until they sign or decline.
SIGNATURE_REMINDER_DAYS = env_int("SIGNATURE_REMINDER_DAYS", 7)

TWO_FACTOR_REQUIRED_ROLES = ["administrator", "police_liaison", "senior_sponsor"]

# How long the link in an invitation to the portal works (people/services.py).
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
OTP_TOTP_ISSUER = "Partnership Portal"
# Signing, new recovery codes, turning two-factor off and changing the password ask again for
# the password and a current code; a check is good for this many seconds (signing: every time).
REAUTHENTICATION_SECONDS = env_int("REAUTHENTICATION_SECONDS", 5 * 60)

# Rate limits (requests per client address per window), kept in the cache: set CACHE_URL to
# a shared Redis in production so that every web process counts together.
RATE_LIMITS = {
    "password_reset": (env_int("RATE_LIMIT_PASSWORD_RESET", 5), 15 * 60),
    "verify": (env_int("RATE_LIMIT_VERIFY", 30), 60),
    "two_factor": (env_int("RATE_LIMIT_TWO_FACTOR", 10), 5 * 60),
    "invitation": (env_int("RATE_LIMIT_INVITATION", 30), 60),
    # Invitations sent or sent again, per address: each is an email to an address someone typed.
    "invitation_send": (env_int("RATE_LIMIT_INVITATION_SEND", 30), 60 * 60),
}
if os.environ.get("CACHE_URL", "").strip():
    CACHES = {"default": env_url("CACHE_URL", environ.Env.cache_url_config, "")}

# Published at /.well-known/security.txt (RFC 9116).
SECURITY_CONTACT = os.environ.get("SECURITY_CONTACT", "mailto:security@example.org")
SECURE_CONTENT_TYPE_NOSNIFF = True

# Paths with a secret in them (core/logging.py): an invitation link, a password-reset link.
LOG_REDACT = [r"(/people/invitation/)[^/\s\"']+", r"(/accounts/reset/[^/\s]+/)[^/\s\"']+"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_secrets": {"()": "core.logging.RedactSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "portal.security": {"level": "INFO"},
        # WeasyPrint logs every layout step at INFO; keep its warnings (refused fetches, CSS errors).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
