"""Production: refuses to start without a real secret key and a real phone gateway."""

from django.core.exceptions import ImproperlyConfigured

from qpp_portal.deployment import phone_gateway_problem, secret_key_problem

from .base import *  # noqa: F403
from .base import (
    CACHES,
    DEVELOPMENT_SECRET_KEY,
    LOGGING,
    MIDDLEWARE,
    SALT_KEY,
    SECRET_KEY,
    STORAGES,
    TASKS,
)
from .env import env_bool, env_int, env_str

_problem = secret_key_problem(SECRET_KEY, development_key=DEVELOPMENT_SECRET_KEY)
if _problem:
    raise ImproperlyConfigured(_problem)
if SALT_KEY == ["qpp-portal-development-salt"]:
    raise ImproperlyConfigured("Set FIELD_ENCRYPTION_SALTS for production.")
PHONE_GATEWAY = env_str("PHONE_GATEWAY")
if phone_gateway_problem(PHONE_GATEWAY):
    raise ImproperlyConfigured(phone_gateway_problem(PHONE_GATEWAY))

# Rate limits and sign-in throttles count in the default cache: unless every worker shares
# it, each worker counts on its own (qpp_portal.checks explains the same at check --deploy).
if not env_str("REDIS_URL") and CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    raise ImproperlyConfigured(
        "Set REDIS_URL to a Redis server shared by every worker: rate limits counted in "
        "each process's own memory allow each worker the whole limit."
    )

DEBUG = False
SANDBOX_ENABLED = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# WhiteNoise serves the collected static files right after the security middleware.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "qpp_portal.staticfiles.PortalStaticFilesStorage"},
}
# Messages and daily jobs wait in the database queue for `manage.py db_worker`: a backend
# that runs tasks inside the web process would send email while a person waits.
if TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
    raise ImproperlyConfigured("Set TASK_BACKEND to django_tasks_db.DatabaseBackend.")
LOG_FORMAT = env_str("LOG_FORMAT", "json")
if LOG_FORMAT == "json":
    LOGGING["handlers"]["console"]["formatter"] = "json"

# Cookies only this exact origin can set or read over HTTPS: the __Host- prefix makes the
# browser refuse them without Secure, with a Domain, or with a Path other than /.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_PATH = "/"
CSRF_COOKIE_PATH = "/"
