"""Development: debug on, SQLite, messages caught by the sandbox inbox."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, SILENCED_SYSTEM_CHECKS
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
SANDBOX_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "sandbox"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "sandbox.mail.SandboxEmailBackend")
PHONE_GATEWAY = env_str("PHONE_GATEWAY", "sandbox.gateway.SandboxGateway")
# A local-memory cache is not shared between processes; fine for one runserver.
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]
