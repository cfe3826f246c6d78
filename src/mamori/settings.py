"""Mamori settings: every value comes from the environment, with safe local defaults."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

# Lets generic Django classes be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("MAMORI_HOME", BASE_DIR.parent.parent))
VAR_DIR = Path(os.environ.get("MAMORI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("MAMORI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("MAMORI_SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "mamori.core",
    "mamori.accounts",
    "mamori.audit",
    "mamori.council",
    "mamori.consultations",
    "mamori.review",
    "mamori.vendors",
    "mamori.documents",
    "mamori.ledger",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mamori.ledger.middleware.DecryptionFailedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mamori.urls"
WSGI_APPLICATION = "mamori.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["mamori.core.templatetags.japanese"],
        },
    },
]


def database_config() -> dict[str, Any]:
    """The default database from DATABASE_URL, or an SQLite file under var/ in WAL mode."""
    url = os.environ.get("DATABASE_URL")
    if url:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    else:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "mamori.sqlite3"}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault(
            "init_command",
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        )
        config["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
        config["OPTIONS"].setdefault("timeout", 20)
    return config


DATABASES = {"default": database_config()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lock an account for a while after repeated failed sign-ins (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("MAMORI_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MAMORI_SIGNIN_LOCK_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語")]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]

# Uploaded files go through Django's storage API: the file system under var/ by default; an
# S3-compatible store by setting MAMORI_FILE_STORAGE to its backend (django-storages) and
# MAMORI_FILE_STORAGE_OPTIONS to its options as JSON. Files are never served as static media:
# each download passes the viewer's access check (see consultations.views_attachments).
MEDIA_ROOT = VAR_DIR / "files"
STORAGES = {
    "default": {
        "BACKEND": os.environ.get(
            "MAMORI_FILE_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("MAMORI_FILE_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Largest attachment accepted, in bytes (20 MB by default).
MAMORI_MAX_UPLOAD_BYTES = int(os.environ.get("MAMORI_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Business days (public holidays and the year-end closure skipped) a contractor has to return
# or erase the data once a contract ends.
MAMORI_ERASURE_DUE_BUSINESS_DAYS = int(os.environ.get("MAMORI_ERASURE_DUE_BUSINESS_DAYS", "10"))
# `mamori remind`: what is "due soon", and how far ahead a certification's expiry is reminded.
MAMORI_REMIND_SOON_DAYS = int(os.environ.get("MAMORI_REMIND_SOON_DAYS", "14"))
# The address people open Mamori at, for links in e-mails (https://mamori.city.example).
MAMORI_SITE_URL = os.environ.get("MAMORI_SITE_URL", "")
MAMORI_CERTIFICATION_WARNING_DAYS = int(os.environ.get("MAMORI_CERTIFICATION_WARNING_DAYS", "90"))
# Keys that encrypt residents' personal data at rest: "id:base64key,id:base64key", the first
# encrypts, all decrypt (`mamori data_key` prints a new key, `mamori rotate_keys` re-encrypts).
MAMORI_DATA_KEYS = os.environ.get("MAMORI_DATA_KEYS", "")
if not MAMORI_DATA_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured("MAMORI_DATA_KEYS must be set when DEBUG is off.")
    # Local use only: a key derived from the (local) secret key.
    _dev_key = hashlib.sha256(b"mamori-data-key-dev:" + SECRET_KEY.encode()).digest()
    MAMORI_DATA_KEYS = "dev:" + base64.urlsafe_b64encode(_dev_key).decode().rstrip("=")
# Working hours of the city office; room entries outside them (or on closed days) are flagged.
MAMORI_WORKING_HOURS = os.environ.get("MAMORI_WORKING_HOURS", "08:30-17:15")
# Days after an incident is known within which the prompt report (速報) is due: the PPC's
# guidance says 「概ね3～5日以内」.
MAMORI_INCIDENT_PROMPT_REPORT_DAYS = int(os.environ.get("MAMORI_INCIDENT_PROMPT_REPORT_DAYS", "5"))
# A HandlingRecord section may hold 500 rows of several inputs each, posted in one form.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# E-mail (Django 6.1 MAILERS): the console by default; SMTP when EMAIL_HOST is set.
_email_options: dict[str, Any] = {}
if os.environ.get("EMAIL_HOST"):
    _email_options = {
        "host": os.environ["EMAIL_HOST"],
        "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.smtp.EmailBackend"
            if _email_options
            else "django.core.mail.backends.console.EmailBackend",
        ),
        "OPTIONS": _email_options,
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mamori@localhost")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sign-in lockout is per account (the issue asks to lock an account); an office behind one
# address would otherwise lock everyone out together.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
