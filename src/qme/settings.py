"""Settings for QME Programme Office.

Every value that differs between a laptop demo and production comes from the environment, read
here and nowhere else, with a safe default for the demo. docs/deployment.md lists them.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envstr(name: str, default: str) -> str:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


DEBUG = envbool("QME_DEBUG", False)
# The demo key only protects a laptop demo; production sets QME_SECRET_KEY (docs/deployment.md).
SECRET_KEY = envstr("QME_SECRET_KEY", "demo-only-insecure-key-set-QME_SECRET_KEY-in-production")
ALLOWED_HOSTS = envlist("QME_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("QME_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = envstr("QME_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "qme.core",
    "qme.accounts",
    "qme.organisations",
    "qme.audit",
    "qme.positions",
    "qme.selection",
    "qme.training",
    "qme.feedback",
    "qme.graduation",
    "qme.reports",
    "qme.notifications",
    "qme.privacy",
    "qme.api",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    "auditlog",
    "django_htmx",
    "ninja",  # serves the API documentation's assets locally, never from a CDN
    "template_partials",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qme.accounts.middleware.SessionActivityMiddleware",
    "qme.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "qme.accounts.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "qme.urls"
WSGI_APPLICATION = "qme.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qme.core.context_processors.navigation",
            ],
        },
    }
]

# Form fields are rendered with Django's own Jinja2 widget templates: the same HTML as its
# template language gives, several times faster (a select with its options is one compiled
# template, not an include per option and per attribute; docs/performance.md).
FORM_RENDERER = "django.forms.renderers.Jinja2"

# --- Database: SQLite by default, PostgreSQL through DATABASE_URL -------------------------------
DATA_DIR = Path(envstr("QME_DATA_DIR", str(PROJECT_DIR / "var")))
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'qme.sqlite3'}"),
        conn_max_age=envint("QME_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker use the file at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif not envbool("QME_DB_JIT", False):
    # PostgreSQL's JIT compiler spends 0.1-0.5 s compiling the larger report and home page
    # queries, each of which runs in a few milliseconds without it (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- People and sign-in --------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "qme.accounts.backends.StaffModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = envstr("QME_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_SIGNUP_FORM_CLASS = "qme.accounts.forms.SignupForm"
# Confirming the e-mail address signs the applicant in and returns them to where they started.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_ADAPTER = "qme.accounts.adapter.AccountAdapter"
# Anyone may create an applicant account (and confirm the e-mail address) to apply for a position;
# staff accounts are created by the programme office.
QME_OPEN_SIGNUP = envbool("QME_OPEN_SIGNUP", True)
# Failed sign-ins: after 5 failures for one account within 15 minutes it is locked for the rest of
# that window; one address may try 10 times a minute across accounts before it is slowed down.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"10/m/ip,{envint('QME_LOGIN_ATTEMPTS_LIMIT', 5)}/{envint('QME_LOGIN_LOCK_SECONDS', 15 * 60)}s/key"
    ),
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[QME] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "QME Programme Office"
MFA_ADAPTER = "qme.accounts.adapter.MFAAdapter"
# Roles whose holders must have two-factor authentication before they can work.
QME_MFA_REQUIRED_ROLES = envlist("QME_MFA_REQUIRED_ROLES", "programme_office,examination_board")

# A session ends after QME_SESSION_IDLE_SECONDS without activity (the page warns two minutes
# before, and what the person was typing is kept as a draft), and after QME_SESSION_SECONDS
# whatever the activity. Activity is written at most once per SESSION_ACTIVITY_RESOLUTION seconds.
SESSION_IDLE_SECONDS = envint("QME_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_MAX_SECONDS = envint("QME_SESSION_SECONDS", 12 * 60 * 60)
SESSION_ACTIVITY_RESOLUTION = 60
SESSION_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = False

# --- Languages and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["qme.formats"]
LANGUAGE_COOKIE_NAME = "qme_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(envstr("QME_MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if envbool("QME_MANIFEST_STATIC", False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not envbool("QME_MANIFEST_STATIC", False)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Diplomas: the issuer's signing keys live outside the database, in this folder -----------------
QME_SIGNING_KEY_DIR = envstr("QME_SIGNING_KEY_DIR", str(DATA_DIR / "keys"))
# `qme verify` also knows the issuer's own keys (old ones included) from this installation.
GRADUATION_KEY_RESOLVER = "qme.graduation.issuing.installed_key_registry"

# --- E-mail ---------------------------------------------------------------------------------------
# Demo: every e-mail is written as a file to var/mail/ (and never leaves the machine).
EMAIL_BACKEND = envstr("QME_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = envstr("QME_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("QME_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("QME_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("QME_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("QME_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("QME_FROM_EMAIL", "QME Programme Office <noreply@qme.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -------------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": envstr("QME_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- Cache: files on one machine, Redis when several machines or many processes serve -----------
if envstr("QME_REDIS_URL", ""):
    CACHES = {
        "default": {
            "BACKEND": "qme.core.cache.RedisCache",
            "LOCATION": envstr("QME_REDIS_URL", ""),
        }
    }
    # Sessions read from the shared cache and written through to the database: a signed-in
    # request costs no session query, and a restart of Redis signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Files in the data folder: the web server, the worker and the scheduler of one machine
    # (`qme demo`) share what is kept, so a change made by one is seen by the others at once.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# Addresses the rate limits of the public pages never apply to (e.g. a monitoring probe or the
# benchmark's load driver on 127.0.0.1). Empty by default: everyone is limited.
RATELIMIT_TRUSTED = frozenset(
    a.strip() for a in envstr("QME_RATELIMIT_TRUSTED", "").split(",") if a.strip()
)

# Where to report a vulnerability in this installation (published at /.well-known/security.txt).
SECURITY_CONTACT = envstr("QME_SECURITY_CONTACT", "mailto:security@qme.example")

# --- Security -----------------------------------------------------------------------------------------
SECURE_HTTPS = envbool("QME_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and envbool("QME_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("QME_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
if envbool("QME_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app add to X-Forwarded-For: rate limits per address use the
# client's address, not the proxy's.
ALLAUTH_TRUSTED_PROXY_COUNT = envint(
    "QME_TRUSTED_PROXY_COUNT", 1 if envbool("QME_BEHIND_PROXY", False) else 0
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Content-Security-Policy: scripts only from the app's own static files (no inline script, no
# eval), nothing from another site, no framing. Inline style attributes stay allowed (htmx and
# the API documentation set them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# --- Audit -----------------------------------------------------------------------------------------------
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

# --- API -------------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "qme.api.pagination.BoundedLimitOffsetPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("QME_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
