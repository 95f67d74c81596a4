"""The help desk's one state change of its own: recording a verified caller. Every change
to a person's account is the owning app's service (accounts.services.unlock_sign_in, ...),
called with the id of the CallerCheck recorded here."""

from django.db import transaction

from audit.models import AuditEvent
from audit.services import record_event
from roles.selectors import require_help_desk

from .models import CallerCheck


def record_caller_check(*, help_desk_user, person, ssn_digits, request=None):
    """Record that ``help_desk_user`` verified a caller as ``person`` and return the
    CallerCheck. The caller's details are checked by the form (``CallerCheckForm``)
    against the account; nothing they said is stored."""
    require_help_desk(help_desk_user)
    with transaction.atomic():
        check = CallerCheck.objects.create(
            help_desk_user=help_desk_user, person=person, ssn_digits=ssn_digits
        )
        record_event(
            action=AuditEvent.Action.HELP_DESK_CALLER_CHECKED,
            request=request,
            actor=help_desk_user,
            subject=person,
            verification=check.pk,
        )
    return check
