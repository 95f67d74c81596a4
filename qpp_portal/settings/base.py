"""Settings shared by every environment. Each value can be set from the environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_minutes, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# The development key is public; production.py refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-qpp-portal-development-key-never-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Salt for the key that encrypts SSN and date of birth at rest (django-fernet-encrypted-fields).
SALT_KEY = env_list("FIELD_ENCRYPTION_SALTS", ["qpp-portal-development-salt"])
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")
# Key of the keyed digests (backup codes, SSN lookups, contact-change codes); empty means
# SECRET_KEY. Old keys stay valid for checking while listed in the fallbacks
# (accounts.models.digest_keys), so either key can be rotated.
DIGEST_KEY = env_str("DIGEST_KEY")
DIGEST_KEY_FALLBACKS = env_list("DIGEST_KEY_FALLBACKS")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # django.contrib.admin, with the portal's sign-in and second factor (qpp_portal.admin).
    "qpp_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_email",
    # Passkeys as a second factor (accounts/passkeys.py).
    "django_otp_webauthn",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "qpp_portal",
    "audit",
    "accounts",
    "proofing",
    "organizations",
    "roles",
    "feedback",
    "submissions",
    "registrations",
    "helpdesk",
    # Background delivery (Django's Tasks API; django-tasks until Django 6).
    "django_tasks",
    "django_tasks_db",
    "outbox",
    "health_check",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A request id for the logs and the X-Request-ID header (qpp_portal.logging).
    "qpp_portal.logging.RequestIdMiddleware",
    # Before anything reads the path or the body (qpp_portal/request_guards.py).
    "qpp_portal.request_guards.RejectNulBytesMiddleware",
    "qpp_portal.request_guards.RequestBodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's OTPMiddleware, with the session's device kept in the shared cache.
    "accounts.middleware.CachedDeviceOTPMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.AccountSetupMiddleware",
    # Cache-Control: no-store on every page sent to a signed-in person.
    "qpp_portal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Answers a request over settings.RATE_LIMITS with RATELIMIT_VIEW (429), not 403.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks, so it sees the response of the sign-in view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qpp_portal.urls"
WSGI_APPLICATION = "qpp_portal.wsgi.application"

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
                "qpp_portal.context_processors.portal",
            ],
        },
    },
]
# Every form renders through templates/forms/: USWDS markup, errors beside the field.
FORM_RENDERER = "qpp_portal.forms.USWDSFormRenderer"
# A form refused by the CSRF check gets the portal's own page (templates/403_csrf.html).
CSRF_FAILURE_VIEW = "qpp_portal.views.csrf_failure"
# Links in emails and texts are absolute from here, also when no request is at hand
# (daily commands, background tasks): qpp_portal.links.absolute_url.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Connections are kept between requests and checked before reuse.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", True
):
    # Parameters bound by the server let psycopg prepare a query a kept connection runs
    # often (its fifth time), so PostgreSQL parses and plans it once per connection, not
    # once per request. Searches by name are planned for their words each time
    # (organizations.selectors). Off behind a pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "qpp_portal.cache.PortalRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    # Each process's own: parts of pages that are the same for everyone until a deploy,
    # e.g. the empty sign-in form (templates/accounts/sign_in.html, {% cache %}).
    "page_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "page-fragments",
    },
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user ID or client address.
    "axes.backends.AxesStandaloneBackend",
    # Lets a correct password on a deactivated account say so instead of "LOGIN FAILED"
    # (the sign-in view refuses inactive accounts itself); reads the signed-in person
    # through the shared cache.
    "accounts.backends.AccountBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "accounts.validators.PasswordCharacterClassesValidator"},
    {"NAME": "accounts.validators.PasswordPersonalInformationValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "accounts.validators.PasswordHistoryValidator", "OPTIONS": {"history_size": 6}},
]
# User IDs are unique case-insensitively by a functional UniqueConstraint, which this
# check does not recognise. django-axes warns that it does not count client addresses: they
# are counted apart, in RATE_LIMITS["sign_in_address"] (accounts/throttles.py).
SILENCED_SYSTEM_CHECKS = ["auth.W004", "axes.W006"]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"

# Sessions: 15 minutes idle, 12 hours in all (SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_minutes("SESSION_IDLE_TIMEOUT_MINUTES", 15)
SESSION_ABSOLUTE_TIMEOUT = env_minutes("SESSION_ABSOLUTE_TIMEOUT_MINUTES", 12 * 60)
SESSION_TIMEOUT_WARNING = env_minutes("SESSION_TIMEOUT_WARNING_MINUTES", 2)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
# Sessions read from the shared cache, written through to the database.
SESSION_ENGINE = env_str("SESSION_ENGINE", "django.contrib.sessions.backends.cached_db")
# The last activity is stored at most this often; idle time is measured to within it.
SESSION_ACTIVITY_WRITE_INTERVAL = env_int("SESSION_ACTIVITY_WRITE_SECONDS", 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Sign-in lockout (django-axes). django-axes counts failures within the cool-off period,
# so the window in which failures add up equals the lock's duration.
AXES_FAILURE_LIMIT = env_int("SIGN_IN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_minutes("SIGN_IN_LOCKOUT_MINUTES", 30)
# django-axes locks accounts only; failures per client address are counted apart, in
# RATE_LIMITS["sign_in_address"] (accounts/throttles.py), which no success resets and which
# slows the address down instead of locking the accounts behind it.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.signin.locked_out"
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password", "username"]
AXES_VERBOSE = False

# Two-factor authentication (django-otp and this portal's own devices).
OTP_SENT_CODE_VALIDITY = env_int("OTP_SENT_CODE_VALIDITY_SECONDS", 600)
OTP_EMAIL_TOKEN_VALIDITY = OTP_SENT_CODE_VALIDITY
OTP_EMAIL_COOLDOWN_DURATION = env_int("OTP_RESEND_COOLDOWN_SECONDS", 60)
OTP_EMAIL_SUBJECT = "Your QPP Portal security code"
OTP_EMAIL_BODY_TEMPLATE_PATH = "accounts/emails/security_code_body.txt"
OTP_TOTP_ISSUER = "QPP Portal"
# django-otp's own admin pages hide keys too (accounts/admin.py replaces them anyway).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_CODE_FAILURE_LIMIT = env_int("OTP_CODE_FAILURE_LIMIT", 10)
OTP_CODE_LOCKOUT = env_minutes("OTP_CODE_LOCKOUT_MINUTES", 30)
BACKUP_CODE_COUNT = 10
# Adding or removing a device, new backup codes, a new email or phone: the password must have
# been confirmed (or the person signed in) within this many minutes (accounts.reauthentication).
REAUTHENTICATION_WINDOW = env_minutes("REAUTHENTICATION_MINUTES", 10)
ACCOUNT_DORMANCY_DAYS = env_int("ACCOUNT_DORMANCY_DAYS", 60)
# Wrong challenge answers count per account across reset links within this window.
RECOVERY_CHALLENGE_WINDOW = env_minutes("RECOVERY_CHALLENGE_WINDOW_MINUTES", 24 * 60)
TERMS_VERSION = "2026-01"
# Text and voice messages go through this gateway (accounts.gateways.base.PhoneGateway).
PHONE_GATEWAY = env_str("PHONE_GATEWAY", "accounts.gateways.console.ConsoleGateway")

# Rate limits, one place, in django-ratelimit's notation.
RATE_LIMITS = {
    "send_code": env_str("RATE_LIMIT_SEND_CODE", "5/10m"),
    # Codes sent to one phone number or email address, whoever asks (accounts.throttles).
    "send_code_destination": env_str("RATE_LIMIT_SEND_CODE_DESTINATION", "10/h"),
    "recovery": env_str("RATE_LIMIT_RECOVERY", "10/h"),
    "registration": env_str("RATE_LIMIT_REGISTRATION", "20/h"),
    "public_api": env_str("RATE_LIMIT_PUBLIC_API", "60/m"),
    # Failed sign-ins from one client address (any User IDs) before it is slowed down.
    "sign_in_address": env_str("RATE_LIMIT_SIGN_IN_ADDRESS", "30/15m"),
    # First-Security-Official validation tries per person (roles:request_validate).
    "role_validation": env_str("RATE_LIMIT_ROLE_VALIDATION", "10/h"),
}
RATELIMIT_VIEW = "qpp_portal.views.rate_limited"
# The client address (audit log, django-axes, django-ratelimit): REMOTE_ADDR, or behind this
# many reverse proxies that each append to X-Forwarded-For, the entry they vouch for.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "qpp_portal.network.client_address"
RATELIMIT_IP_META_KEY = "qpp_portal.network.client_address"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "QPP Portal <no-reply@qpp-portal.example>")

# Background work (outbox deliveries, daily jobs) through Django's Tasks API. Production
# uses the database queue worked by `manage.py db_worker`; the immediate backend runs each
# task in the process that enqueues it, once its transaction commits (outbox.services).
TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Each email or text is tried this many times, waiting OUTBOX_RETRY_DELAY doubled after each
# failure (capped at an hour), then marked failed for the help desk (helpdesk:undelivered).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5)
OUTBOX_RETRY_DELAY = timedelta(seconds=env_int("OUTBOX_RETRY_DELAY_SECONDS", 60))
OUTBOX_KEEP_SENT_DAYS = env_int("OUTBOX_KEEP_SENT_DAYS", 30)

# The sandbox (inbox of sent messages, simulator aids) exists only where this is on.
SANDBOX_ENABLED = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # USWDS comes from npm (package.json), never copied into the repository.
    ("uswds", BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"),
]
# Uploaded identity documents live here, outside anything served publicly.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Identity documents (proofing/documents.py): a private bucket when several web machines
    # share them (IDENTITY_DOCUMENT_STORAGE names the backend, e.g. storages' S3Storage);
    # a FileSystemStorage without a location keeps them under PRIVATE_MEDIA_ROOT/proofing.
    "identity_documents": {
        "BACKEND": env_str(
            "IDENTITY_DOCUMENT_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
    },
}

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# LOG_FORMAT=json writes one JSON object a line with the request id (qpp_portal.logging).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "qpp_portal.logging.RequestIdFilter"}},
    "formatters": {"json": {"()": "qpp_portal.logging.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Identity proofing
# Backends tried in order, like AUTHENTICATION_BACKENDS: the first whose start() accepts
# the person proofs them (proofing.backends.base.ProofingBackend is the contract).
PROOFING_BACKENDS = env_list(
    "PROOFING_BACKENDS",
    [
        "proofing.backends.simulated.SimulatedCreditBureau",
        "proofing.backends.manual.ManualDocumentReview",
    ],
)
PROOFING_QUESTION_COUNT = env_int("PROOFING_QUESTION_COUNT", 5)
PROOFING_PASS_MINIMUM = env_int("PROOFING_PASS_MINIMUM", 4)  # right answers needed to pass
PROOFING_QUIZ_TIME_LIMIT = env_minutes("PROOFING_QUIZ_TIME_LIMIT_MINUTES", 10)
# "I need more time" on the quiz moves its deadline a time limit on, this many times.
PROOFING_QUIZ_EXTENSIONS = env_int("PROOFING_QUIZ_EXTENSIONS", 2)
# This many failed or timed-out question sets within the window send a person to manual proofing.
PROOFING_FAILURE_LIMIT = env_int("PROOFING_FAILURE_LIMIT", 3)
PROOFING_FAILURE_WINDOW = env_minutes("PROOFING_FAILURE_WINDOW_MINUTES", 24 * 60)
PROOFING_BUREAU_PHONE = env_str("PROOFING_BUREAU_PHONE", "1-800-555-0199")  # simulated bureau
PROOFING_UPLOAD_MAX_BYTES = env_int("PROOFING_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Uploads are capped before they are read: the whole body by its declared length
# (qpp_portal.request_guards), each file as it streams in (qpp_portal.uploads).
UPLOAD_FILE_MAX_BYTES = PROOFING_UPLOAD_MAX_BYTES
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 3 * UPLOAD_FILE_MAX_BYTES + 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "qpp_portal.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Roles and the approval workflow
# A pending Staff User or additional Security Official request expires after this many days.
ROLE_REQUEST_EXPIRY_DAYS = env_int("ROLE_REQUEST_EXPIRY_DAYS", 30)
# Failed first-Security-Official validations before the request goes to the help desk.
ROLE_MAX_VALIDATION_FAILURES = env_int("ROLE_MAX_VALIDATION_FAILURES", 3)
# Failures count per person and organization across requests within this many days; this
# many failures for one organization, by anyone, send every later try there to the help desk.
ROLE_VALIDATION_FAILURE_WINDOW_DAYS = env_int("ROLE_VALIDATION_FAILURE_WINDOW_DAYS", 30)
ROLE_MAX_ORGANIZATION_VALIDATION_FAILURES = env_int(
    "ROLE_MAX_ORGANIZATION_VALIDATION_FAILURES", 10
)
# Yearly access review: opens each year on this month and day (MM-DD), Security Officials
# confirm each member within ACCESS_REVIEW_DAYS, reminded ACCESS_REVIEW_REMINDER_DAYS before
# the deadline; roles not confirmed by then are removed (roles.services.run_access_reviews).
ACCESS_REVIEW_OPENS_ON = env_str("ACCESS_REVIEW_OPENS_ON", "01-15")
ACCESS_REVIEW_DAYS = env_int("ACCESS_REVIEW_DAYS", 30)
ACCESS_REVIEW_REMINDER_DAYS = env_int("ACCESS_REVIEW_REMINDER_DAYS", 7)
# The year APM participation is checked against; empty means the latest year in the data.
CURRENT_PERFORMANCE_YEAR = env_int("CURRENT_PERFORMANCE_YEAR", 0) or None

# Submissions API (submissions/api/, Django REST Framework + drf-spectacular).
# Requests per token (public endpoints: per client address, RATE_LIMITS["public_api"]);
# read by submissions.api.throttling at each request, so tests can override it.
RATE_LIMITS["submissions_api"] = env_str("RATE_LIMIT_SUBMISSIONS_API", "120/m")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["submissions.api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["submissions.api.authentication.HasApiToken"],
    "DEFAULT_THROTTLE_CLASSES": ["submissions.api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["submissions.api.parsers.SubmissionJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "submissions.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "QPP Submissions API (sandbox)",
    "DESCRIPTION": "A simulator of CMS's Quality Payment Program Submissions API for "
    "Qualified Registries and QCDRs. See docs/submissions-api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PUBLIC": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/submissions",
    "PREPROCESSING_HOOKS": ["submissions.api.schema.documented_endpoints"],
    # Swagger UI from drf-spectacular-sidecar: served by this site, no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Passkeys (django-otp-webauthn): a second factor only, never a sign-in without the
# password. The relying party ID is the site's domain (passkeys are bound to it; an IP
# address cannot be one: use http://localhost:8000 rather than 127.0.0.1 to try them);
# the origins are the exact scheme://host:port people use.
OTP_WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID", "localhost")
OTP_WEBAUTHN_RP_NAME = "QPP Portal"
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS", ["http://localhost:8000"])
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
