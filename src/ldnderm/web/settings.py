"""Django settings for the ldnderm site, built from :mod:`ldnderm.web.config` (read once)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ldnderm.web import database
from ldnderm.web.config import from_env

CONFIG = from_env()
BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the API docs from local static files, not a CDN (offline, strict CSP)
    "ldnderm.web.accounts",
    "ldnderm.web.core",
    "ldnderm.web.evidence",
    "ldnderm.web.audit",
    "ldnderm.web.registry",
    "ldnderm.web.screening",
    "ldnderm.web.cds",
    "ldnderm.web.fhir",
    "ldnderm.web.mfa",
]

MIDDLEWARE = [
    # First: everything below sees the client's address and scheme, not the proxy's.
    "ldnderm.web.core.proxy.TrustedProxyMiddleware",
    "ldnderm.web.audit.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ldnderm.web.core.headers.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ldnderm.web.core.nostore.NoStoreMiddleware",
    "ldnderm.web.accounts.clinic_time.ClinicTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "ldnderm.web.accounts.sessions.AbsoluteSessionLimitMiddleware",
    "ldnderm.web.mfa.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "ldnderm.web.urls"
WSGI_APPLICATION = "ldnderm.web.wsgi.application"

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
                "ldnderm.web.core.context.site",
            ],
        },
    },
]

# SQLite: WAL, a busy timeout and IMMEDIATE write transactions (ldnderm.web.database).
DATABASES = {"default": database.from_url(CONFIG.database_url)}

# One cache shared by every server process: Redis when REDIS_URL is set (Django's RedisCache,
# which needs the redis package), else a table in the database (created by the core app's
# migration). Never per-process memory: with several workers it would disagree with itself.
if CONFIG.redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CONFIG.redis_url,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "ldnderm_cache",
        }
    }
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
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address, which TrustedProxyMiddleware takes from a trusted proxy's
# X-Forwarded-For (else the peer): behind a proxy, one client's lockout is not everyone's.
AXES_CLIENT_IP_CALLABLE = "ldnderm.web.core.proxy.client_ip"
# The page gets the lockout template, the API (token endpoint) JSON; both 429 + Retry-After.
AXES_LOCKOUT_CALLABLE = "ldnderm.web.accounts.lockout.lockout_response"
# The username axes stores is kept within its column (ldnderm.web.accounts.login_forms).
AXES_USERNAME_CALLABLE = "ldnderm.web.accounts.login_forms.axes_username"

# Email: the console (printed, nothing sent) unless LDNDERM_EMAIL_HOST names an SMTP server.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if CONFIG.email.host
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = CONFIG.email.host or "localhost"
EMAIL_PORT = CONFIG.email.port
EMAIL_HOST_USER = CONFIG.email.user
EMAIL_HOST_PASSWORD = CONFIG.email.password
EMAIL_USE_TLS = CONFIG.email.use_tls
EMAIL_USE_SSL = CONFIG.email.use_ssl
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = CONFIG.email.from_address
SERVER_EMAIL = CONFIG.email.from_address
# Where the CLI's set-password links point (pages use the host of the request).
LDNDERM_SITE_URL = CONFIG.site_url
# Set-password links (invitations, `ldnderm user add`, password resets) are Django's
# password-reset tokens: single use (they embed the password hash, which setting a password
# changes) and valid this long.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
# Password-reset requests per client address and per email address (ldnderm.web.accounts.throttle).
PASSWORD_RESET_LIMITS = {"ip": (5, 60 * 60), "email": (3, 60 * 60)}
# Second factor (ldnderm.web.mfa, docs/mfa.md): TOTP with single-use recovery codes, required for
# staff-side accounts when LDNDERM_REQUIRE_MFA is true (by default when LDNDERM_SECURE_COOKIES is).
LDNDERM_REQUIRE_MFA = CONFIG.require_mfa
OTP_TOTP_ISSUER = "ldnderm"

# Bearer tokens of POST /api/v1/auth/token expire after this; DELETE revokes one sooner.
API_TOKEN_LIFETIME = dt.timedelta(days=30)

# Cookies and headers. Secure-only cookies and HSTS are switched on for HTTPS deployments by
# LDNDERM_SECURE_COOKIES=true; local `make run` serves plain HTTP on loopback.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions end after 30 idle minutes (the cookie is renewed on every request) and, whatever the
# activity, 12 hours after log-in (ldnderm.web.accounts.sessions).
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_LIMIT_SECONDS = 12 * 60 * 60
# Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed
# (ldnderm.web.core.proxy); `ldnderm serve` gives gunicorn the same list.
LDNDERM_TRUSTED_PROXIES = CONFIG.trusted_proxies
if CONFIG.trust_proxy_https:
    # Deprecated (system check ldnderm.W001): believes X-Forwarded-Proto from any peer.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CONFIG.secure_cookies
CSRF_COOKIE_SECURE = CONFIG.secure_cookies
SECURE_SSL_REDIRECT = CONFIG.secure_cookies
SECURE_HSTS_SECONDS = 31536000 if CONFIG.secure_cookies else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = CONFIG.secure_cookies
# Submitting a domain to the browsers' HSTS preload list is the domain owner's decision, not
# the application's; everything else `check --deploy` asks for is set (tests/web/test_config.py).
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
LDNDERM_DEFAULT_TIME_ZONE = CONFIG.default_time_zone
"""The zone of a new clinic and of users without one (``ldnderm.web.accounts.clinic_time``)."""
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = CONFIG.var_dir / "static"
# whitenoise serves from the finders too (no collectstatic needed locally) but expects the root.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
