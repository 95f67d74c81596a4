"""Tests: a fast hasher, locmem email and SMS, no network."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, PASSWORD_HASHERS, SILENCED_SYSTEM_CHECKS
from .env import env_str

SANDBOX_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "sandbox"]
# "System delays near deadlines" from the trainer's console (sandbox.faults); off unless set.
MIDDLEWARE = [*MIDDLEWARE, "sandbox.middleware.SlowPagesMiddleware"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PHONE_GATEWAY = "accounts.gateways.locmem.LocmemGateway"
# Tasks run in the test process once the transaction commits (outbox.services).
TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405
