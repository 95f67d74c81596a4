"""Background tasks of the roles app (Django's Tasks API), run by ``manage.py db_worker``."""

from django_tasks import task

from . import services


@task()
def expire_role_requests():
    """Daily: expire pending requests past ROLE_REQUEST_EXPIRY_DAYS, emailing each requester."""
    return services.expire_role_requests()


@task()
def run_access_reviews():
    """Daily: open, remind and close the yearly access reviews; return roles removed."""
    return services.run_access_reviews()
