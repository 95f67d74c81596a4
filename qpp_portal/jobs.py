"""The daily jobs, as tasks: ``manage.py enqueue_daily_jobs`` (run by cron or a scheduler once
a day, see docs/deployment.md) enqueues each, and a worker runs it.

Each job is safe to run twice or late: it acts on what is due when it runs.
"""

from django.utils.module_loading import import_string

DAILY_JOBS = [
    "accounts.tasks.deactivate_dormant_accounts",
    "roles.tasks.expire_role_requests",
    "roles.tasks.run_access_reviews",
    "outbox.tasks.prune_sent_messages",
]


def enqueue_daily_jobs():
    """Enqueue every daily job; return their task results (ids, for the log)."""
    return [import_string(path).enqueue() for path in DAILY_JOBS]
