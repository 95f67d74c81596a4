"""Background tasks of the accounts app (Django's Tasks API), run by ``manage.py db_worker``."""

from django_tasks import task

from . import services


@task()
def deactivate_dormant_accounts():
    """Daily: deactivate accounts unused for ACCOUNT_DORMANCY_DAYS; return how many."""
    return services.deactivate_dormant_accounts()
