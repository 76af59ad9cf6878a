"""Settings shared by every environment; each value can be overridden from the environment."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url

from config.env import cache_from_url, env_bool, env_int, env_list, env_mapping, env_str
from registration.core.countries import django_countries_override

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("DJANGO_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "")
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "formtools",
    "django_countries",
    "captcha",
    "axes",
    "csp",
    "validators",
    # Background tasks: Django's tasks framework (the django-tasks backport) with its database backend.
    "django_tasks",
    "django_tasks_db",
    # The site: one app per concern (registration/<app>/), each with its models, migrations and templates.
    "registration.core",
    "registration.accounts",
    "registration.codes",
    "registration.registries",
    "registration.documents",
    "registration.payments",
    "registration.services",
    "registration.identity",
    "registration.profile",
    "registration.support",
    "registration.onboarding",
    "registration.privacy",
    "registration.scheduler",
    "registration.cabinet",
    "registration.workspace",
    "registration.demo",
]

MIDDLEWARE = [
    # First: every log record of the request carries its id (registration/core/logs.py); then the request
    # counters by URL name and status (registration/core/metrics.py).
    "registration.core.logs.RequestIdMiddleware",
    "registration.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Serves collected static files from every app server, with far-future caching headers.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL byte or broken UTF-8 in the URL: the translated 400 page, before anything reads it.
    "registration.core.text.InvalidTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A logged-in person's language is the one stored on the account (after LocaleMiddleware).
    "registration.core.i18n.PreferredLanguageMiddleware",
    # The clerks' workspace stays in Russian or English whatever the person's language.
    "registration.core.i18n.WorkspaceLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the outcome of authentication (django-axes' own advice).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "registration.core.context_processors.site",
            ],
        },
    },
]

# Databases: DATABASE_URL selects the engine; a SQLite file is the development default.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": cache_from_url(env_str("CACHE_URL", "locmem://"))}

# Sessions live in the database (or the cache in production): never in one process's memory. They hold
# wizard drafts, so they are stored encrypted (registration/core/sessions/: db, cached_db or cache).
SESSION_ENGINE = env_str("DJANGO_SESSION_ENGINE", "registration.core.sessions.db")
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_COOKIE_AGE", 60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A wizard step posted without its cookies (the session ended, cookies cleared) is explained, not refused.
CSRF_FAILURE_VIEW = "registration.onboarding.views.resume.csrf_failure"

AUTH_USER_MODEL = "accounts.Account"
LOGIN_URL = "registration:login"
LOGIN_REDIRECT_URL = "registration:cabinet"
LOGOUT_REDIRECT_URL = "registration:login"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "registration.accounts.backends.EmailOrPhoneBackend",
]

PASSWORD_HASHERS = [
    # Django's Argon2id in fewer lanes (registration/accounts/passwords.py); hashes of Django's own verify too.
    "registration.accounts.passwords.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Lanes (threads) of each Argon2 hash: at most the app server's cores, better fewer (see passwords.py).
REGISTRATION_ARGON2_PARALLELISM = env_int("REGISTRATION_ARGON2_PARALLELISM", 1)

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "registration.accounts.passwords.CharacterClassValidator"},
]

# Log-in lockout (django-axes counts): 5 failures from one client address lock that address for 15
# minutes. 5 failures against one account never lock it (anyone could then keep its owner out): within
# those 15 minutes its log-in asks for a one-time code after the password (registration.accounts.login).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
# Off: axes would also forget the address's failures, guesses at other accounts included, so that an
# attacker's own log-in (or registration) between guesses reset them. A correct log-in forgets the
# failures counted against that account only (registration.accounts.login.forget_own_failures).
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"
# Count failures per account, whether the person typed the e-mail (in any case or Unicode form, or a
# look-alike of it) or the phone.
AXES_USERNAME_CALLABLE = "registration.accounts.login.lockout_username"
AXES_LOCKOUT_TEMPLATE = "cabinet/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code"]
# The client's address, for lockouts, rate limits and the audit log alike: REMOTE_ADDR, or the
# address this many trusted proxies back in X-Forwarded-For (0: the header is never believed).
REGISTRATION_TRUSTED_PROXY_COUNT = env_int("REGISTRATION_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "registration.core.http.client_ip"

# Internationalisation: Russian by default; every language complete. Each language is named in its own
# script (the chooser shows these names as they are, untranslated); a first visit follows the browser's
# Accept-Language (LocaleMiddleware), and the person's choice is kept on the account (core/i18n.py).
LANGUAGE_CODE = "ru"
LANGUAGES = [
    ("ru", "Русский"),
    ("en", "English"),
    ("uz", "Oʻzbekcha"),
    ("tg", "Тоҷикӣ"),
    ("ky", "Кыргызча"),
    ("kk", "Қазақша"),
    ("zh-hans", "中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Country names from CLDR (Babel) in every language, wherever a country field shows one, and the
# stateless person's "citizenship" XX (registration/core/countries.py).
COUNTRIES_OVERRIDE = django_countries_override()
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y"]
# Dates show as DD.MM.YYYY in every language: config/formats/<lang>/formats.py override Django's.
FORMAT_MODULE_PATH = ["config.formats"]

# Static files and uploads.
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Identity-document scans and the wizard's temporary uploads are private: no base URL, so that
# nothing can build a public link to them; they are served only by permission-checked views.
SCANS_DIR = Path(env_str("SCANS_DIR", str(VAR_DIR / "scans")))
WIZARD_FILES_DIR = Path(env_str("WIZARD_FILES_DIR", str(VAR_DIR / "wizard")))
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = None
STORAGES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Encrypted at rest (registration/core/storage.py): the wrapped storage holds only ciphertext.
    "scans": {
        "BACKEND": "registration.core.storage.EncryptedStorage",
        "OPTIONS": {
            "storage": "django.core.files.storage.FileSystemStorage",
            "location": str(SCANS_DIR),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "wizard": {
        "BACKEND": "registration.core.storage.EncryptedStorage",
        "OPTIONS": {
            "storage": "django.core.files.storage.FileSystemStorage",
            "location": str(WIZARD_FILES_DIR),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
}
# Scans are up to 5 MB; allow a little for the rest of the form, refuse anything larger early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Django's handlers, remembering each file name's length in bytes (registration/core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "registration.core.uploads.MemoryFileUploadHandler",
    "registration.core.uploads.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600

# E-mail: Django's SMTP backend unless a development or test setting picks another.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Госуслуги для иностранных граждан <noreply@example.org>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# Captcha on the last wizard step (django-simple-captcha); REGISTRATION_CAPTCHA turns it off in tests.
# Digits, so that the audio alternative can read them in the person's language (registration/onboarding/captcha.py).
CAPTCHA_FONT_SIZE = 32
CAPTCHA_CHALLENGE_FUNCT = "registration.onboarding.captcha.digits_challenge"
CAPTCHA_TIMEOUT = 10

# Content-Security-Policy (django-csp) on every page: no third-party origins, no inline scripts.
# Inline style attributes stay allowed for the admin's own templates; scripts never are.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# The service's own settings (documented in the README). Each is read where it is used, with its
# default written there too, so override_settings works in tests; these lines make the choice explicit.
REGISTRATION_SMS_BACKEND = env_str("SMS_BACKEND", "registration.codes.sms.ConsoleBackend")
REGISTRATION_SMS_GATEWAY_URL = env_str("SMS_GATEWAY_URL", "")
REGISTRATION_SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
REGISTRATION_CAPTCHA = env_bool("REGISTRATION_CAPTCHA", True)
# Rate limits changed from registration/core/ratelimit.py's defaults, e.g. "send_sms_ip=200/1h,login_ip=60/10m".
REGISTRATION_RATE_LIMITS = env_mapping("REGISTRATION_RATE_LIMITS")
# Personal data at rest (registration/core/crypto.py): Fernet keys, newest first; unset, they are derived
# from SECRET_KEY and SECRET_KEY_FALLBACKS. The keyed hashes that find duplicates use the lookup key
# (derived from SECRET_KEY when unset); after changing either, run manage.py rotate_personal_data.
REGISTRATION_ENCRYPTION_KEYS = env_list("REGISTRATION_ENCRYPTION_KEYS")
REGISTRATION_LOOKUP_KEY = env_str("REGISTRATION_LOOKUP_KEY", "")
REGISTRATION_LOOKUP_KEY_FALLBACKS = env_list("REGISTRATION_LOOKUP_KEY_FALLBACKS")
# Certificates and CRLs of the certification authorities trusted for electronic signatures: outside the
# repository, under DJANGO_VAR_DIR; empty, the signature method is not offered (README, "Electronic signature").
REGISTRATION_TRUSTED_CA_DIR = env_str("REGISTRATION_TRUSTED_CA_DIR", str(VAR_DIR / "trusted-ca"))

# Background tasks (the registry checks): the database backend, run by `manage.py db_worker` (make run
# starts one). TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend runs them in the request.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# The agencies' registries (registration/registries/): the interagency exchange's address, its token and
# request-signing key. Unset, no registry is asked and every check waits as "registry unavailable".
REGISTRATION_REGISTRY_URL = env_str("REGISTRY_URL", "")
REGISTRATION_REGISTRY_TOKEN = env_str("REGISTRY_TOKEN", "")
REGISTRATION_REGISTRY_SIGNING_KEY = env_str("REGISTRY_SIGNING_KEY", "")
REGISTRATION_REGISTRY_TIMEOUT = env_int("REGISTRY_TIMEOUT", 5)
REGISTRATION_REGISTRY_RETRIES = env_int("REGISTRY_RETRIES", 2)
# Seconds until a question the registry could not answer is asked again (doubling each round).
REGISTRATION_REGISTRY_RECHECK_SECONDS = env_int("REGISTRY_RECHECK_SECONDS", 300)

# Payments (registration/payments/): the provider's API, the shop's id and secret (the request-signing key),
# the webhooks' key (empty: the secret) and the site's public address that the provider returns people
# and sends webhooks to. Unset PAYMENT_URL: no payment can be started ("the bank is unavailable").
REGISTRATION_PAYMENT_URL = env_str("PAYMENT_URL", "")
# The provider's payment pages, when they are not on PAYMENT_URL's origin: "https://pay.example.com,https://…".
REGISTRATION_PAYMENT_PAGE_ORIGINS = env_str("PAYMENT_PAGE_ORIGINS", "")
REGISTRATION_PAYMENT_SHOP_ID = env_str("PAYMENT_SHOP_ID", "")
REGISTRATION_PAYMENT_SECRET = env_str("PAYMENT_SECRET", "")
REGISTRATION_PAYMENT_WEBHOOK_SECRET = env_str("PAYMENT_WEBHOOK_SECRET", "")
REGISTRATION_PUBLIC_URL = env_str("PUBLIC_URL", "http://localhost:8000")
REGISTRATION_PAYMENT_TIMEOUT = env_int("PAYMENT_TIMEOUT", 10)
REGISTRATION_PAYMENT_RETRIES = env_int("PAYMENT_RETRIES", 2)
REGISTRATION_PAYMENT_PENDING_MINUTES = env_int("PAYMENT_PENDING_MINUTES", 15)
REGISTRATION_PAYMENT_EXPIRY_HOURS = env_int("PAYMENT_EXPIRY_HOURS", 24)

# Identity confirmation (registration/identity/). Read where used, with these defaults written there too.
# A service-centre clerk's confirmation activates the account at once (False), or issues a one-time code
# that the person types in the cabinet (True).
REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = env_bool("REGISTRATION_SERVICE_CENTRE_ISSUES_CODE", False)
REGISTRATION_SERVICE_CENTRE_CODE_DAYS = 7
# Letters by post: a code is valid 30 days; at most 3 letters in 30 days, 24 hours apart. Wrong entries
# are limited by the "post_letter_code" rate limit (5 in 10 minutes, registration/core/ratelimit.py).
REGISTRATION_POST_CODE_DAYS = 30
REGISTRATION_POST_LETTERS_PER_PERIOD = 3
REGISTRATION_POST_LETTER_PERIOD_DAYS = 30
REGISTRATION_POST_LETTER_INTERVAL_HOURS = 24
# Consulate codes: valid 30 days, 5 wrong entries kill a code ("consulate_code" rate limit on top).
REGISTRATION_CONSULATE_CODE_DAYS = 30
REGISTRATION_CONSULATE_CODE_MAX_ATTEMPTS = 5
# Wrong entries a post or service-centre code survives in total.
REGISTRATION_IDENTITY_CODE_MAX_ATTEMPTS = 10
# A video call can be booked until this many minutes before it starts.
REGISTRATION_VIDEO_BOOKING_NOTICE_MINUTES = 60
# The largest .p12/.pfx file accepted, in bytes.
REGISTRATION_SIGNATURE_MAX_FILE_SIZE = 64 * 1024
# The methods offered to people, in order (None: every registered method).
REGISTRATION_IDENTITY_METHODS = None
# The wizard, contact confirmation and log-in (registration.onboarding, registration.codes). Each value
# below is also the default written where it is read; rate limits live in registration/core/ratelimit.py.
REGISTRATION_CODE_LENGTH = 6  # digits in a phone or e-mail confirmation code
REGISTRATION_CODE_TTL = env_int("REGISTRATION_CODE_TTL", 10 * 60)  # seconds a code stays valid
REGISTRATION_CODE_MAX_ATTEMPTS = env_int("REGISTRATION_CODE_MAX_ATTEMPTS", 5)  # wrong tries per code
REGISTRATION_CODE_RESEND_COOLDOWN = env_int("REGISTRATION_CODE_RESEND_COOLDOWN", 60)  # seconds between sends
REGISTRATION_EMAIL_LINK_MAX_AGE = env_int("REGISTRATION_EMAIL_LINK_MAX_AGE", 60 * 60)  # seconds a link works
REGISTRATION_SMS_GATEWAY_TIMEOUT = env_int("SMS_GATEWAY_TIMEOUT", 5)  # seconds per gateway request
REGISTRATION_SMS_GATEWAY_RETRIES = env_int("SMS_GATEWAY_RETRIES", 2)  # extra tries after a failure
REGISTRATION_SMS_FILE_PATH = env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log"))  # for the file backend
REGISTRATION_LOGIN_CODE_MAX_AGE = 5 * 60  # seconds to type the log-in SMS code after the password
# Caller checks on the support line (registration/support/caller.py); each default is also written where it is read.
REGISTRATION_CALLER_VERIFIED_MINUTES = 15  # a match lets that operator act for that caller this long
REGISTRATION_CALLER_MAX_FAILURES = 3  # failed checks of one account that lock its verification...
REGISTRATION_CALLER_FAILURE_WINDOW_MINUTES = 60  # ...within this many minutes (and alert a supervisor)
# True: a data match verifies only once the phone code is read back too.
REGISTRATION_CALLER_CODE_REQUIRED = env_bool("REGISTRATION_CALLER_CODE_REQUIRED", False)
REGISTRATION_CALLER_CODE_MINUTES = 5  # validity of the code texted to the account's phone
REGISTRATION_CALLER_CODE_MAX_ATTEMPTS = 3  # wrong read-backs one code survives

# Operating the service: /metrics answers only with this bearer token (unset: 404); /readyz fails the task
# worker's check once a due task has waited this many seconds (registration/core/health.py).
REGISTRATION_METRICS_TOKEN = env_str("REGISTRATION_METRICS_TOKEN", "")
REGISTRATION_HEALTH_TASK_DELAY = env_int("REGISTRATION_HEALTH_TASK_DELAY", 600)
# The status file of the last successful backup (scripts/backup.py), read by /metrics at each scrape.
REGISTRATION_BACKUP_STATUS_FILE = env_str("REGISTRATION_BACKUP_STATUS_FILE", "")

# Server-error reports (the e-mails of AdminEmailHandler) hide every value that may be personal data:
# POST and query values, the user's e-mail, frame variables (registration/core/reporting.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "registration.core.reporting.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "registration.core.reporting.PersonalDataExceptionReporter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs and form field names only; bodies are never logged.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # One line per request (registration/core/logs.py): production logs them; runserver prints its own.
        "registration.requests": {"level": "WARNING"},
    },
}
