"""What the trainer's console does: move the clock (running the daily jobs it passes)."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from qpp_portal import clock

from .models import ConsoleAction


def run_daily_jobs():
    """Run the daily jobs on the clock's date (each is safe to run twice); return what they
    did, for the console's message."""
    from accounts.services import deactivate_dormant_accounts
    from roles.services import expire_role_requests, run_access_reviews

    now = clock.now()
    return {
        "dormant accounts deactivated": deactivate_dormant_accounts(now=now),
        "role requests expired": expire_role_requests(now=now),
        "access review roles removed": run_access_reviews(now=now),
    }


def move_clock(*, trainer, days=None, to_date=None):
    """Move the simulated clock ``days`` forward, or to midday of ``to_date``, then run the
    daily jobs. The trainer counts as active on the new date, so the dormancy job does not
    sign the trainer out of the class."""
    if to_date is not None:
        target = timezone.make_aware(datetime.combine(to_date, time(12)))
        delta = max(target - timezone.now(), clock.offset())
    else:
        delta = clock.offset() + timedelta(days=days)
    clock.set_offset(delta)
    with transaction.atomic():
        trainer.last_login = clock.now()
        trainer.save(update_fields=["last_login"])
        ConsoleAction.objects.create(
            kind=ConsoleAction.Kind.CLOCK, actor=trainer, detail=f"Clock set to {clock.today()}"
        )
    return run_daily_jobs()


def reset_clock(*, trainer):
    clock.reset()
    ConsoleAction.objects.create(
        kind=ConsoleAction.Kind.CLOCK, actor=trainer, detail="Clock back to real time"
    )
