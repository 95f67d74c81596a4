"""Development: SQLite, messages caught by the sandbox inbox. Debug is off unless DEBUG=1,
so people trying the portal see its own error pages."""

from .base import *  # noqa: F403
from .base import INSTALLED_APPS, MIDDLEWARE, SILENCED_SYSTEM_CHECKS
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", False)
# runserver serves static files only with DEBUG on: WhiteNoise serves them straight from
# the finders (static/ and node_modules' USWDS), no collectstatic needed.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SANDBOX_ENABLED = True
INSTALLED_APPS = [*INSTALLED_APPS, "sandbox"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "sandbox.mail.SandboxEmailBackend")
PHONE_GATEWAY = env_str("PHONE_GATEWAY", "sandbox.gateway.SandboxGateway")
# The credit bureau and "system delays" answer to the trainer's console faults (sandbox.faults).
PROOFING_BACKENDS = [
    "sandbox.proofing.SandboxCreditBureau",
    "proofing.backends.manual.ManualDocumentReview",
]
MIDDLEWARE = [*MIDDLEWARE, "sandbox.middleware.SlowPagesMiddleware"]
# Tasks run in the runserver process once the transaction commits; TASK_BACKEND=
# django_tasks_db.DatabaseBackend with `manage.py db_worker` tries the production queue.
TASKS = {
    "default": {
        "BACKEND": env_str("TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
    }
}
# A local-memory cache is not shared between processes; fine for one runserver.
SILENCED_SYSTEM_CHECKS = [
    *SILENCED_SYSTEM_CHECKS,
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]
