"""Settings for SprintLab, read only from environment variables.

The defaults are safe for production (no DEBUG, secure cookies behind HTTPS, a strict
Content-Security-Policy). ``make run`` sets ``SPRINTLAB_DEV=1`` to opt into local development.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SPRINTLAB_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEV_MODE = env_bool("SPRINTLAB_DEV")
DEBUG = env_bool("DEBUG", default=DEV_MODE)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEV_MODE:
        SECRET_KEY = "insecure-development-key-never-use-in-production"
    else:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("Set SECRET_KEY (or SPRINTLAB_DEV=1 for local development).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEV_MODE else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "sprintlab.core",
    "sprintlab.accounts",
    "sprintlab.sprints",
    "sprintlab.localsites",
    "sprintlab.registrations",
    "sprintlab.teams",
    "sprintlab.submissions",
    "sprintlab.judging",
    "sprintlab.library",
    "sprintlab.teamfinder",
    "sprintlab.programme",
    "sprintlab.mentoring",
    "sprintlab.announcements",
    "sprintlab.notifications",
    "sprintlab.api",
    "sprintlab.demo",
    # Only for its bundled Swagger UI files: the API docs page then loads nothing from a CDN.
    "ninja",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_countries",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.orcid",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    # First, so that it sees every error under /api/ and answers it as JSON (see sprintlab.api.errors).
    "sprintlab.api.errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the policy too.
    "sprintlab.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads input: NUL and lone surrogates answer 400 with a message per field.
    "sprintlab.core.unstorable_text.UnstorableTextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "sprintlab.core.middleware.TimezoneMiddleware",
    # Before the busy answer, so that a deadlock still answers 503, not the development mode's branded 500.
    "sprintlab.core.middleware.BrandedErrorPagesMiddleware",
    "sprintlab.core.middleware.TransientConflictMiddleware",
]

ROOT_URLCONF = "sprintlab.urls"
WSGI_APPLICATION = "sprintlab.wsgi.application"

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
                "sprintlab.core.context_processors.sprintlab",
                "sprintlab.sprints.context_processors.navigation",
            ],
        },
    }
]

# --- Database: SQLite file by default, PostgreSQL when DATABASE_URL is set -----------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # New connections cost far more than queries here: keep them open between requests.
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "sprintlab.sqlite3")),
            "OPTIONS": {
                # Writers wait for each other instead of failing with "database is locked".
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: Redis when REDIS_URL is set (shared by app processes), local memory otherwise ----
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions are read from the cache (and written through to the database): no query per request.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Seconds the live counts on a sprint page may be reused (0 = count on every view).
SPRINT_STATS_CACHE_SECONDS = int(os.environ.get("SPRINT_STATS_CACHE_SECONDS", "10"))
# Minutes a help request may wait for a mentor before organisers see it highlighted and are alerted.
HELP_UNCLAIMED_ALERT_MINUTES = int(os.environ.get("HELP_UNCLAIMED_ALERT_MINUTES", "15"))
# Check-in at a site opens this many hours before its doors open (early arrivals, set-up the day before).
CHECK_IN_OPENS_HOURS_BEFORE = float(os.environ.get("CHECK_IN_OPENS_HOURS_BEFORE", "24"))
# Reviewer assignment's affinity: a sentence-transformers model available locally (a path, or a name a
# package installed with its weights); empty, unloadable or without the package: TF-IDF (docs/judging.md).
JUDGING_EMBEDDING_MODEL = os.environ.get("JUDGING_EMBEDDING_MODEL", "")
# Seconds the parts of busy pages that every signed-in viewer shares may be reused (0 = render
# every time; see sprintlab.core.cache.shared_fragment): the same freshness anonymous visitors get.
SHARED_FRAGMENT_SECONDS = int(os.environ.get("SHARED_FRAGMENT_SECONDS", "5"))
# Seconds a part of one person's page (a registration card on "My sprints") is kept for them (0 =
# render every time; see sprintlab.core.cache.personal_fragments). Its key holds everything it
# shows, so this bounds only how long an unused copy takes up room.
PERSONAL_FRAGMENT_SECONDS = int(os.environ.get("PERSONAL_FRAGMENT_SECONDS", "300"))
# Serve the busiest public pages to anonymous visitors from a cache of a few seconds.
PUBLIC_PAGE_CACHE = env_bool("PUBLIC_PAGE_CACHE", True)

# --- Background tasks (DEP 14) -------------------------------------------------------------
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A task still marked running after its worker's last heartbeat is this old is run again
# (`sprintlab task-worker`, docs/outbox.md).
TASK_ABANDONED_AFTER_SECONDS = int(os.environ.get("TASK_ABANDONED_AFTER_SECONDS", "90"))

# --- Files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files on disk need someone to serve them at MEDIA_URL: in development this app does; in
# production a web server in front of it should (docs/operations.md), or set SERVE_MEDIA=1 to let the
# app serve them on a small single-machine deployment. Files on object storage come from its own URLs.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG) and not os.environ.get("AWS_STORAGE_BUCKET_NAME")
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Submitted reports and appendices are private until their project is published: on disk they live
# outside MEDIA_ROOT (nothing serves that folder), on object storage under their own prefix with
# signed URLs; either way the submissions app's own views serve them to the people allowed.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private"))
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    private_storage = {
        "BACKEND": default_storage["BACKEND"],
        "OPTIONS": {**default_storage["OPTIONS"], "location": "private", "querystring_expire": 300},
    }
else:
    private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    }
STORAGES = {
    "default": default_storage,
    "private": private_storage,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files bigger than this go to a temporary file while they arrive, not to memory: a
# deadline rush of 5 MB reports keeps the server's memory flat.
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every upload passes LimitedUploadHandler first: it stops reading a file at UPLOAD_FILE_MAX_BYTES and
# a request whose Content-Length is over UPLOAD_REQUEST_MAX_BYTES at its first file, so that an
# oversize upload is refused without being read whole (sprintlab.core.uploads).
FILE_UPLOAD_HANDLERS = [
    "sprintlab.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# A submission's PDF report and each appendix file (25 MB by default).
UPLOAD_FILE_MAX_BYTES = int(os.environ.get("UPLOAD_FILE_MAX_BYTES", 25 * 1024 * 1024))
# A whole upload request: the report, its appendices and the form fields.
UPLOAD_REQUEST_MAX_BYTES = int(os.environ.get("UPLOAD_REQUEST_MAX_BYTES", 60 * 1024 * 1024))
# Work spent on one submitted PDF: pages accepted, and the background text extraction's bounds.
SUBMISSION_PDF_MAX_PAGES = int(os.environ.get("SUBMISSION_PDF_MAX_PAGES", 300))
SUBMISSION_TEXT_MAX_CHARS = int(os.environ.get("SUBMISSION_TEXT_MAX_CHARS", 500_000))
SUBMISSION_TEXT_MAX_SECONDS = float(os.environ.get("SUBMISSION_TEXT_MAX_SECONDS", 20))

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "sprints:list"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
# Mandatory by default: only then can sign-up answer the same for a new and a taken address (the
# owner of a taken one gets an email instead), so that it never tells strangers who has an account.
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Rate limits on login, signup and password reset; they need a cache shared by all processes
# (set REDIS_URL) to hold across several app servers. Password guessing is throttled per (account,
# address) pair by the adapter (accounts/ratelimits.py), not here: allauth's per-account and
# per-address failure counts let a stranger lock anyone out. "login" only guards against floods.
ACCOUNT_RATE_LIMITS = {
    "login": "300/m/ip",
    "login_failed": None,
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    # Per address only: the per-email limit is kept per (email, address) by accounts.ratelimits, so
    # that no stranger can use up the owner's sign-in codes.
    "request_login_code": "20/m/ip",
}
# A sign-in code by email always works, even while password attempts are being slowed.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_FORMS = {"request_login_code": "sprintlab.accounts.forms.RequestLoginCodeForm"}
ACCOUNT_ADAPTER = "sprintlab.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "sprintlab.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {}
# Where each provider's sign-in form sends the browser (allauth POSTs, then redirects there), for
# the form-action directive of the Content-Security-Policy.
SOCIAL_AUTHORIZE_URLS = {
    "github": "https://github.com/login/oauth/authorize",
    "google": "https://accounts.google.com/o/oauth2/v2/auth",
    "orcid": "https://orcid.org/oauth/authorize",
}
for provider, prefix in (("github", "GITHUB"), ("google", "GOOGLE"), ("orcid", "ORCID")):
    client_id = os.environ.get(f"{prefix}_CLIENT_ID")
    if client_id:
        SOCIALACCOUNT_PROVIDERS[provider] = {
            "APPS": [{"client_id": client_id, "secret": os.environ.get(f"{prefix}_CLIENT_SECRET", ""), "key": ""}]
        }

# --- Email: the outbox hands messages to this backend from a task ---------------------------
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    # Default mode: messages go to the log (and stay readable by staff on the outbox page).
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds each SMTP step may take before the attempt fails (Django's default is to wait forever).
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "10"))
# How long a worker may hold an outgoing email while sending it; the send itself is cut off after half.
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "60"))
# Chat webhooks (announcements mirrored to Discord/Slack): seconds a post may take, and whether a
# webhook may point at a private or loopback address (never in production: it would let anyone who
# edits a sprint make the server post into its own network).
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "5"))
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# How many emails one delivery task claims, sends and records together (docs/outbox.md).
OUTBOX_BATCH_SIZE = int(os.environ.get("OUTBOX_BATCH_SIZE", "50"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SprintLab <noreply@sprintlab.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# An address whose incoming mail unsubscribes (the mailto: of List-Unsubscribe); empty: links only.
UNSUBSCRIBE_MAILTO = os.environ.get("UNSUBSCRIBE_MAILTO", "")
# How often an open page asks for the inbox's unread count (seconds).
INBOX_POLL_SECONDS = int(os.environ.get("INBOX_POLL_SECONDS", "30"))

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# The date styles every page and email uses (sprintlab/core/formats/en/formats.py, core/dates.py).
FORMAT_MODULE_PATH = ["sprintlab.core.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

# --- Security ------------------------------------------------------------------------------
HTTPS = env_bool("HTTPS", default=not DEV_MODE)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
# Behind a proxy every request comes from the proxy's address: rate limits must use the client's,
# the entry the nearest trusted proxy appended to X-Forwarded-For (counted from the right).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY") else "0"))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"


def media_origins() -> list[str]:
    """Origins that uploaded images (covers, logos) are served from when they are not this site."""
    if "CSP_MEDIA_ORIGINS" in os.environ:
        return env_list("CSP_MEDIA_ORIGINS")
    origins = []
    media = urlsplit(MEDIA_URL)
    if media.scheme:
        origins.append(f"{media.scheme}://{media.netloc}")
    if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        bucket = os.environ["AWS_STORAGE_BUCKET_NAME"]
        endpoint = os.environ.get("AWS_S3_ENDPOINT_URL")
        if endpoint:
            parts = urlsplit(endpoint)
            origins += [f"{parts.scheme}://{parts.netloc}", f"{parts.scheme}://{bucket}.{parts.netloc}"]
        else:
            origins.append(f"https://{bucket}.s3.amazonaws.com")
            if os.environ.get("AWS_S3_REGION_NAME"):
                origins.append(f"https://{bucket}.s3.{os.environ['AWS_S3_REGION_NAME']}.amazonaws.com")
    return origins


# Every response carries it (core.middleware), the admin and the API docs included: nothing inline,
# nothing from another origin except uploaded images on object storage and the configured OAuth
# providers' sign-in pages, which allauth's sign-in form redirects to.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        " ".join(["img-src 'self' data:", *media_origins()]),
        "font-src 'self'",
        "connect-src 'self'",
        " ".join(["form-action 'self'", *(SOCIAL_AUTHORIZE_URLS[name] for name in SOCIALACCOUNT_PROVIDERS)]),
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

# --- API -----------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
