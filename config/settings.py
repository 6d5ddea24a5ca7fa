"""Settings for the customer-centricity scan.

Everything that differs between machines comes from environment variables (or a `.env`
file beside manage.py). The defaults are safe for development: SQLite, DEBUG on, the
console email backend. `DJANGO_ENV=production` switches to the hardened configuration,
which refuses to start without a real secret key.
"""

import os
import tempfile
from pathlib import Path

import environ
import plotly
import xstatic.pkg.bootstrap
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEVELOPMENT_SECRET_KEY = "development-only-not-secret-0f3b9c1e7a"  # noqa: S105

ENVIRONMENT = env.str("DJANGO_ENV", default="development")
PRODUCTION = ENVIRONMENT == "production"

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "DJANGO_ENV=production needs DJANGO_SECRET_KEY set to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "questionnaires",
    "assessment",
    "reports",
    "config",  # the deploy checks (config/checks.py) and the log-in failure counter
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "config.ratelimit.RespondentBodyMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.sessions.SlidingSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.ratelimit.RateLimitMiddleware",
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
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# SQLite by default, tuned for a workshop burst of concurrent submits: WAL lets readers
# and one writer work side by side, IMMEDIATE transactions take the write lock up front
# (so no transaction fails half-way on a lock upgrade) and the timeout makes writers queue.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
    ),
}
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # A file (not memory) so that threaded and live-server tests share one database;
    # one per process so that two test runs on one machine never collide.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"klantscan-test-{os.getpid()}.sqlite3")
    }
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Connections are kept between requests: opening one (and, for SQLite, running the PRAGMAs
# above) costs more than the queries of a respondent's page.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# A kept connection is checked (one `SELECT 1` round trip, on PostgreSQL) before a
# request's first query: without it, the first request of every worker after a database
# restart or failover would fail, a respondent's page with it.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rate limits below count in this cache. Local memory counts per server process; set
# CACHE_URL (e.g. `dbcache://klantscan_cache` after `manage.py createcachetable`, or a
# memcached/redis URL) to count across processes.
CACHES = {
    "default": env.cache_url("CACHE_URL", default="locmemcache://klantscan"),
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessment:organisation_list"
LOGOUT_REDIRECT_URL = "home"

# Login lockout: five failures lock the username + address pair for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the rate limits (REMOTE_ADDR, or the proxy's header when
# RATELIMIT_CLIENT_IP_HEADER is set), so a forged X-Forwarded-For never escapes a lockout.
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_ip"

# Rate limits (config/ratelimit.py): "N/m", "N/h", "N/15m"; empty for no limit. Over a
# limit: HTTP 429. The respondent limits are sized for the largest room we expect: 200
# people behind one NAT address answering the full scan, the longest questionnaire (38
# pages: 1 start + 38 pages + 1 submit = 40 POSTs a person, 8,000 in all).
# * Per respondent cookie, which counts every POST after the start: a page of three or
#   four statements takes at least 10 seconds to read, so even sending every page twice
#   a person stays under 12 POSTs a minute; 120/m is ten times that.
# * Per address, which counts only the POSTs without a valid respondent cookie: the start
#   (one a person), resume codes, a post after clearing cookies. The whole room starting
#   in the same minute is 200 in one window; 600/m leaves room for retries and a second
#   room on the same network. Counting all 8,000 POSTs per address instead would need
#   more than 1,200 a minute (all 200 sending a 10-second page at once), too many to stop
#   a flood; 600/m on every POST refused 38 to 120 of 200 quick-scan respondents.
# * The numbers above are site-wide totals, which is what a shared cache (CACHE_URL)
#   counts. Counted per process (the local-memory cache, W gunicorn workers), each worker
#   sees only its share, so what fits the total fits there too, and a flooding address
#   gets up to W times these limits.
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)
RATELIMIT_CACHE = "default"
RATELIMIT_RESPONDENT_PER_IP = env.str("RATELIMIT_RESPONDENT_PER_IP", default="600/m")
RATELIMIT_RESPONDENT_PER_COOKIE = env.str("RATELIMIT_RESPONDENT_PER_COOKIE", default="120/m")
RATELIMIT_RESUME_PER_IP = env.str("RATELIMIT_RESUME_PER_IP", default="60/m")
# Failed log-ins per address across all user names (django-axes above locks one user name
# per address after five): four users' worth of typos a quarter, and a password sprayed
# over many user names gets 20 guesses per quarter instead of five per name.
RATELIMIT_LOGIN_FAILURES_PER_IP = env.str("RATELIMIT_LOGIN_FAILURES_PER_IP", default="20/15m")
# Invitation and reminder posts per consultant, and the e-mails they send: a 200-person
# workshop invited and half of it reminded within the hour fits in 300.
RATELIMIT_INVITATIONS_PER_USER = env.str("RATELIMIT_INVITATIONS_PER_USER", default="20/h")
RATELIMIT_INVITATION_EMAILS_PER_USER = env.str(
    "RATELIMIT_INVITATION_EMAILS_PER_USER", default="300/h"
)
# Every request to a read-only report link (/r/...), per address: a management team of
# ten behind one address opening the dashboard, changing filters and waiting for a PDF
# (its progress page asks twice a second) stays far below; a script does not.
RATELIMIT_SHARED_REPORT_PER_IP = env.str("RATELIMIT_SHARED_REPORT_PER_IP", default="300/m")
# Behind a reverse proxy REMOTE_ADDR is the proxy: name the header the proxy sets
# (`HTTP_X_FORWARDED_FOR`) and how many proxies append to it; the client address is
# taken that many entries from the right. Leave empty when clients connect directly.
RATELIMIT_CLIENT_IP_HEADER = env.str("RATELIMIT_CLIENT_IP_HEADER", default="")
RATELIMIT_TRUSTED_PROXIES = env.int("RATELIMIT_TRUSTED_PROXIES", default=1)
# Says that a proxy is in front (production says so itself, see SECURE_PROXY_SSL_HEADER):
# `check --deploy` then warns while RATELIMIT_CLIENT_IP_HEADER is empty (config.W001).
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Vendor assets come from their PyPI packages, served as our own static files (no CDN).
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/plotly", Path(plotly.__file__).parent / "package_data"),
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="scan@localhost")
# Where the app is reached, for links in mails sent outside a request (the reminders of
# `send_action_reminders`, run by a scheduler).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Keep request bodies small: the largest legitimate post is a CSV import.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# The respondent's pages take no files and at most this many bytes (config/ratelimit.py).
# A browser sends at most about 25 KB (a 2,000-character comment, the textarea's
# maxlength, of 4-byte characters percent-encoded is 24 KB); the margin lets an over-long
# paste from a client that ignores maxlength (50,000 accented characters are 300 KB
# url-encoded) reach the page's own check, which names the maximum and keeps the answers.
RESPONDENT_MAX_BODY_SIZE = 512 * 1024

# Consultants are logged out after a working day without a request: a request renews the
# session, written at most every SESSION_RENEW_AFTER seconds (config/sessions.py).
# Respondents have no session (their signed cookie, valid 30 days, lets them resume), so
# this writes nothing on their pages.
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_RENEW_AFTER = 5 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The load balancer's health check may speak plain HTTP to the node.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Only our own scripts and styles, in every environment, so tests see what production sees.
# `data:` images are Bootstrap's form icons and chart exports.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="WARNING")},
}

# Chromium used by kaleido to draw the PDF charts; empty means "look on PATH".
CHROMIUM_PATH = env.str("CHROMIUM_PATH", default="")

# Background work (PDF reports) on Django's task framework. The default, the database
# backend, needs a worker: `manage.py db_worker` (`make run` starts one beside the
# development server; in production one or more per machine, see docs/deploy.md). With
# TASK_BACKEND=django_tasks.backends.immediate.ImmediateBackend a report is made inside
# the request instead, and no worker is needed.
TASKS = {"default": {"BACKEND": env.str("TASK_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# A report job whose worker has not beaten for this long is presumed dead and queued
# again (reports/report_jobs.py); the worker beats every REPORT_HEARTBEAT_SECONDS.
REPORT_JOB_STALE_SECONDS = env.float("REPORT_JOB_STALE_SECONDS", default=60.0)
REPORT_HEARTBEAT_SECONDS = env.float("REPORT_HEARTBEAT_SECONDS", default=2.0)

# Finished PDF reports, served only through the app's own permission checks. By default
# files under var/reports of this machine; with several app nodes, a store they share:
# an S3-compatible bucket (REPORT_S3_BUCKET, `pip install -e ".[s3]"`, credentials in
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or a shared directory (REPORT_DIR).
REPORT_DIR = env.path("REPORT_DIR", default=BASE_DIR / "var" / "reports")
REPORT_S3_BUCKET = env.str("REPORT_S3_BUCKET", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "reports": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": REPORT_S3_BUCKET,
                "endpoint_url": env.str("REPORT_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("REPORT_S3_REGION", default="") or None,
                "location": env.str("REPORT_S3_PREFIX", default="reports"),
                # No ACL on the objects: new AWS buckets refuse ACLs ("bucket owner
                # enforced"); the bucket is kept private by its own policy and Block
                # Public Access, and the app never hands out an object's URL.
                "default_acl": None,
                "file_overwrite": True,
            },
        }
        if REPORT_S3_BUCKET
        else {
            "BACKEND": "reports.report_storage.ReportFileStorage",
            "OPTIONS": {"location": REPORT_DIR},
        }
    ),
}
