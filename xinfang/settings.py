"""Django settings for xinfang.

Everything deployment-specific comes from the environment (see README "Configuration").
SQLite is the zero-setup default; ``DATABASE_URL=postgres://...`` switches to PostgreSQL.
"""

import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XINFANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("XINFANG_DEBUG", False)
# The demo and the tests run with a fixed development key; production sets XINFANG_SECRET_KEY
# (the deployment guide and `manage.py check --deploy` say so).
SECRET_KEY = os.environ.get("XINFANG_SECRET_KEY", "insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = [h for h in os.environ.get("XINFANG_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("XINFANG_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "xinfang.core",
    "xinfang.workdays",
    "xinfang.org",
    "xinfang.matters",
    "xinfang.documents",
    "xinfang.notifications",
    "xinfang.supervision",
    "xinfang.workbench",
    "xinfang.portal",
    "xinfang.demo",
    "xinfang.ledgers",
    "xinfang.routing",
    "xinfang.notices",
    "xinfang.tokens",
    "csp",
    "xinfang.leaders",
    "xinfang.figures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "xinfang.core.text_middleware.TextInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Security headers (docs/security.md): CSP, Permissions-Policy, no-store on personal data.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "xinfang.core.middleware.NoStoreMiddleware",
]

ROOT_URLCONF = "xinfang.urls"
WSGI_APPLICATION = "xinfang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xinfang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xinfang.core.context_processors.site",
                "xinfang.notices.context_processors.notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("XINFANG_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of
    # failing with "database is locked" on lock upgrade; the timeout lets them wait.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A file (not :memory:) so that tests with several threads share one test database.
    # Named per process so that parallel test runs never share (or delete) each other's file.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    # PostgreSQL: parameters bound on the server, so that psycopg prepares each statement a
    # connection runs repeatedly (from its fifth run) and PostgreSQL stops parsing and planning it
    # again: a third of the database's CPU per registration (issue 14, docs/benchmarks.md). Set
    # XINFANG_DB_SERVER_SIDE_BINDING=0 behind a pgbouncer in transaction pooling mode that does
    # not keep prepared statements (max_prepared_statements = 0).
    prepared = env_bool("XINFANG_DB_SERVER_SIDE_BINDING", True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": prepared, "prepare_threshold": 5 if prepared else None})
DATABASES["default"].setdefault("TEST", {})
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # persistent connections (CONN_MAX_AGE) survive a PostgreSQL restart
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "xinfang.workbench.login_guard.LoginCeilingBackend",  # per-username ceiling → image challenge
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# Login lockout (django-axes): 5 failures lock the username+address pair for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("XINFANG_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "xinfang.workbench.views.auth.lockout_response"  # Chinese lockout page
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env_bool("XINFANG_AXES_ENABLED", True)
# Per username across addresses (docs/security.md "登录与查询的防暴力破解"): at the ceiling, an image challenge.
XINFANG_LOGIN_USERNAME_LIMIT = int(os.environ.get("XINFANG_LOGIN_USERNAME_LIMIT", "10"))
XINFANG_LOGIN_USERNAME_WINDOW_HOURS = int(os.environ.get("XINFANG_LOGIN_USERNAME_WINDOW_HOURS", "24"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("XINFANG_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS: list = [BASE_DIR / "xinfang" / "static"]
# Front-end packages (htmx, chart library, fonts) are installed from the npm registry by the
# setup command into node_modules/ and served from here; nothing third-party is committed.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
# Only the packages' dist folders: WhiteNoise indexes every file it may serve, and the whole
# node_modules tree (1 700 files, 60 MB) made that slow for nothing.
for _package in ("htmx.org", "echarts"):
    if (NODE_MODULES_DIR / _package / "dist").exists():
        STATICFILES_DIRS.append((f"vendor/{_package}/dist", NODE_MODULES_DIR / _package / "dist"))
for _folder in ("js", "css"):  # the searchable pickers (tom-select): its built files, not the sources
    if (NODE_MODULES_DIR / "tom-select" / "dist" / _folder).exists():
        STATICFILES_DIRS.append((f"vendor/tom-select/dist/{_folder}", NODE_MODULES_DIR / "tom-select" / "dist" / _folder))
MEDIA_ROOT = Path(os.environ.get("XINFANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Uploads: limits checked before anything is stored (see xinfang/core/uploads.py).
XINFANG_UPLOAD_MAX_BYTES = int(os.environ.get("XINFANG_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
XINFANG_UPLOAD_MAX_FILES = int(os.environ.get("XINFANG_UPLOAD_MAX_FILES", "10"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Site identity: the fictional demo county by default.
XINFANG_SITE_NAME = os.environ.get("XINFANG_SITE_NAME", "示范县网上信访信息系统")
XINFANG_COUNTY_NAME = os.environ.get("XINFANG_COUNTY_NAME", "示范县")
XINFANG_MATTER_PREFIX = os.environ.get("XINFANG_MATTER_PREFIX", "XF")
XINFANG_PETITION_PREFIX = os.environ.get("XINFANG_PETITION_PREFIX", "XJ")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "xinfang.tokens.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "xinfang.core.api.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "xinfang.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "xinfang.core.api.errors.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "DEFAULT_THROTTLE_RATES": {"public_track": "20/hour", "token": "30/min"},
    # How many reverse proxies (nginx) stand in front: throttles then trust exactly that many
    # X-Forwarded-For entries. 0 (the default) ignores the header, so it cannot be forged.
    "NUM_PROXIES": int(os.environ.get("XINFANG_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "xinfang 网上信访信息系统 API",
    "DESCRIPTION": "REST API v1. See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReplyOutcomeEnum": "xinfang.matters.choices.ReplyOutcome",
        "DecisionOutcomeEnum": "xinfang.matters.choices.DecisionOutcome",
    },
}

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["XINFANG_REDIS_URL"]}
        if os.environ.get("XINFANG_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xinfang"}
    )
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE = {
    "daily-deadlines": {
        "task": "xinfang.supervision.tasks.run_deadlines_task",
        "schedule": 60 * 60,  # hourly; the engine is idempotent per day
    },
    "verify-audit-chain": {
        "task": "xinfang.core.tasks.verify_audit_chain_task",
        "schedule": 24 * 60 * 60,  # daily; a failure is shown to auditors (docs/security.md)
    },
    "notification-queue": {
        "task": "xinfang.notifications.tasks.send_pending_notifications_task",
        "schedule": 60,  # retries with exponential backoff (docs/notifications.md)
    },
    "document-rendering": {  # documents left pending by a process that died after commit
        "task": "xinfang.documents.tasks.render_pending_documents_task",
        "schedule": 300,
    },
    "audit-chain-seal": {  # events left unsealed by a process that died after commit
        "task": "xinfang.core.tasks.seal_audit_chain_task",
        "schedule": 60,
    },
}

EMAIL_BACKEND = os.environ.get("XINFANG_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("XINFANG_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("XINFANG_EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("XINFANG_EMAIL_FROM", "xinfang@localhost")

CSRF_FAILURE_VIEW = "xinfang.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_SECURE = env_bool("XINFANG_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("XINFANG_LOG_LEVEL", "WARNING")},
    "loggers": {"xinfang": {"level": os.environ.get("XINFANG_LOG_LEVEL", "INFO")}},
}

# Notifications to petitioners (docs/notifications.md). Senders are chosen at send time.
XINFANG_SMS_BACKEND = os.environ.get("XINFANG_SMS_BACKEND", "logging")  # logging | http | none | dotted path
XINFANG_EMAIL_ENABLED = env_bool("XINFANG_EMAIL_ENABLED", False)
XINFANG_SMS_GATEWAY = {
    "URL": os.environ.get("XINFANG_SMS_GATEWAY_URL", ""),
    "FORMAT": os.environ.get("XINFANG_SMS_GATEWAY_FORMAT", "json"),  # json | form
    "AUTH": os.environ.get("XINFANG_SMS_GATEWAY_AUTH", "key"),  # key | hmac
    "ACCESS_KEY": os.environ.get("XINFANG_SMS_GATEWAY_ACCESS_KEY", ""),
    "SECRET": os.environ.get("XINFANG_SMS_GATEWAY_SECRET", ""),
    "SIGN_NAME": os.environ.get("XINFANG_SMS_SIGN_NAME", ""),
    "TEMPLATES": json.loads(os.environ.get("XINFANG_SMS_TEMPLATES", "{}")),  # template key -> provider template id
    "TIMEOUT": float(os.environ.get("XINFANG_SMS_GATEWAY_TIMEOUT", "5")),
}
XINFANG_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("XINFANG_NOTIFY_MAX_ATTEMPTS", "5"))
XINFANG_NOTIFY_RETRY_BASE_SECONDS = int(os.environ.get("XINFANG_NOTIFY_RETRY_BASE_SECONDS", "60"))
XINFANG_NOTIFY_SEND_IMMEDIATELY = env_bool("XINFANG_NOTIFY_SEND_IMMEDIATELY", True)
XINFANG_PUBLIC_BASE_URL = os.environ.get("XINFANG_PUBLIC_BASE_URL", "")

# Public portal (docs/portal.md): flood protection and the petitioner's session.
XINFANG_PORTAL_SUBMIT_LIMIT_PER_IP = int(os.environ.get("XINFANG_PORTAL_SUBMIT_LIMIT_PER_IP", "5"))  # per hour
XINFANG_PORTAL_SUBMIT_LIMIT_PER_PHONE = int(os.environ.get("XINFANG_PORTAL_SUBMIT_LIMIT_PER_PHONE", "3"))  # per day
# recovery of a lost 查询码 by SMS (issue 15): per phone per 24 h, per client address per hour
XINFANG_PORTAL_RECOVERY_PHONE_LIMIT = int(os.environ.get("XINFANG_PORTAL_RECOVERY_PHONE_LIMIT", "3"))
XINFANG_PORTAL_RECOVERY_IP_LIMIT = int(os.environ.get("XINFANG_PORTAL_RECOVERY_IP_LIMIT", "10"))
XINFANG_PORTAL_TRACK_FAILURE_LIMIT = int(os.environ.get("XINFANG_PORTAL_TRACK_FAILURE_LIMIT", "5"))
XINFANG_PORTAL_TRACK_IP_FAILURE_LIMIT = int(os.environ.get("XINFANG_PORTAL_TRACK_IP_FAILURE_LIMIT", "20"))
XINFANG_PORTAL_TRACK_LOCKOUT_MINUTES = int(os.environ.get("XINFANG_PORTAL_TRACK_LOCKOUT_MINUTES", "15"))
XINFANG_PORTAL_MIN_FILL_SECONDS = int(os.environ.get("XINFANG_PORTAL_MIN_FILL_SECONDS", "3"))
XINFANG_PORTAL_SESSION_MINUTES = int(os.environ.get("XINFANG_PORTAL_SESSION_MINUTES", "30"))
XINFANG_PORTAL_REMINDER_INTERVAL_DAYS = int(os.environ.get("XINFANG_PORTAL_REMINDER_INTERVAL_DAYS", "7"))
XINFANG_PORTAL_CLIENT_IP_HEADER = os.environ.get("XINFANG_PORTAL_CLIENT_IP_HEADER", "")  # e.g. HTTP_X_REAL_IP behind nginx
XINFANG_BUREAU_RECEPTION_HOURS = os.environ.get(
    "XINFANG_BUREAU_RECEPTION_HOURS", "法定工作日 上午 8:30—12:00，下午 14:30—17:30（节假日除外）"
)

# Routing help (转送辅助, docs/routing.md): retrained by the daily engine when older than this many days;
# the rules that always apply (涉法涉诉 → 政法委, 检举控告 → 纪委监委) may be replaced as JSON.
XINFANG_ROUTING_RETRAIN_DAYS = int(os.environ.get("XINFANG_ROUTING_RETRAIN_DAYS", "7"))
XINFANG_ROUTING_MAX_SAMPLES = int(os.environ.get("XINFANG_ROUTING_MAX_SAMPLES", "50000"))
XINFANG_ROUTING_RULES = json.loads(os.environ.get("XINFANG_ROUTING_RULES", "null"))
# API tokens (docs/security.md): a new token per login, valid this many hours, revoked on logout
# and on password change.
XINFANG_TOKEN_TTL_HOURS = float(os.environ.get("XINFANG_TOKEN_TTL_HOURS", "12"))

# Security headers (docs/security.md). Everything is served by the deployment itself, so the
# policy is strict: no inline or eval'd script, no third-party origin. Inline style *attributes*
# stay allowed (templates use them for layout; they cannot run code); <style> elements do not.
from csp.constants import NONE, SELF, UNSAFE_INLINE  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
PERMISSIONS_POLICY: dict[str, list] = {
    feature: [] for feature in (
        "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
        "display-capture", "serial", "hid", "midi",
    )
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("XINFANG_HSTS_SECONDS", "31536000")) if SESSION_COOKIE_SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("XINFANG_HSTS_INCLUDE_SUBDOMAINS", False)
# Who renders document PDF/DOCX after the act commits: thread (in-process runner) | celery | inline
# (docs/documents.md "How a document comes into existence").
# Background Excel exports (workbench ExportJob): runners of other apps by job kind prefix, and the
# size above which a ledger's export leaves the request for the background job.
XINFANG_EXPORT_RUNNERS = {"ledger": "xinfang.ledgers.exports.run_job"}
XINFANG_LEDGER_INLINE_ROWS = int(os.environ.get("XINFANG_LEDGER_INLINE_ROWS", "2000"))
# Who runs the work that follows an act's commit (documents' bytes, the audit chain's seal, immediate
# notices): thread | celery | inline | pending (xinfang/core/background.py).
XINFANG_AFTER_COMMIT = os.environ.get("XINFANG_AFTER_COMMIT", "thread")

# The auditor's screen (docs/security.md): a notice when one person reveals this many full identities in a
# day; access-log rows are kept at least this many days (等保 2.0 level 3: six months or more).
XINFANG_AUDIT_REVEAL_ALERT = int(os.environ.get("XINFANG_AUDIT_REVEAL_ALERT", "20"))
XINFANG_ACCESS_LOG_RETENTION_DAYS = max(180, int(os.environ.get("XINFANG_ACCESS_LOG_RETENTION_DAYS", "180")))
