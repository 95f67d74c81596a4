"""Reads for the help desk's pages, each refusing anyone without the help-desk permission.
The queues come from the apps that own them; this module only gathers them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Min, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from accounts import selectors as account_selectors
from accounts.models import User
from audit import selectors as audit_selectors
from feedback import selectors as feedback_selectors
from organizations import selectors as organization_selectors
from organizations.models import Organization
from proofing import selectors as proofing_selectors
from roles import selectors as role_selectors
from roles.selectors import require_help_desk

from .models import CallerCheck

PEOPLE_SHOWN = 50
CONTAINS_MIN_LENGTH = 3


def caller_check_validity():
    """How long a verified caller stays verified: one call (30 minutes unless set)."""
    return getattr(settings, "HELP_DESK_CALLER_CHECK_VALIDITY", timedelta(minutes=30))


# --- Queues ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    name: str
    description: str
    url: str
    count: int
    oldest: datetime | None


def queues(user):
    """Return every queue of open cases with its count and its oldest case, the queue
    whose oldest case has waited longest first (empty queues last)."""
    require_help_desk(user)
    proofing_cases = proofing_selectors.review_queue(user)
    references = proofing_selectors.outstanding_references(user)
    validations = role_selectors.review_queue(user)
    exceptions = feedback_selectors.applications_awaiting_review()
    found = [
        Queue(
            "Manual identity proofing",
            "Photo ID and financial statements to approve or reject.",
            reverse("proofing:review_queue"),
            proofing_cases.count(),
            proofing_cases.aggregate(oldest=Min("submitted_at"))["oldest"],
        ),
        Queue(
            "Bureau reference numbers",
            "People who failed the identity questions and called the bureau.",
            reverse("proofing:review_references"),
            references.count(),
            references.aggregate(oldest=Min("completed_at"))["oldest"],
        ),
        Queue(
            "Failed Security Official validations",
            "First Security Official requests whose details failed three times.",
            reverse("roles:help_desk_queue"),
            validations.count(),
            validations.aggregate(oldest=Min("requested_at"))["oldest"],
        ),
        Queue(
            "Exception applications",
            "Extreme and uncontrollable circumstances and Promoting Interoperability "
            "hardship applications to decide.",
            reverse("feedback:review_list"),
            exceptions.count(),
            exceptions.aggregate(oldest=Min("filed_at"))["oldest"],
        ),
    ]
    return sorted(found, key=lambda q: (q.oldest is None, q.oldest or timezone.now()))


# --- People ------------------------------------------------------------------------------


def _phone_digits(query):
    digits = "".join(ch for ch in query if ch.isdigit())
    return digits[-10:] if len(digits) >= 10 else ""


def search_people(user, query):
    """Return the people whose name, email, user ID or phone is ``query``, or who hold a
    role or request in an organization whose full TIN, APM Entity ID or name it is; by name.

    Names, emails and organization names of 3 characters or more match in part; user IDs,
    phone numbers and TINs only in full, so a search cannot list them."""
    require_help_desk(user)
    query = organization_selectors.clean_query(query)
    if not query:
        return User.objects.none()
    conditions = Q(username__iexact=query) | Q(email__iexact=query)
    if len(query) >= CONTAINS_MIN_LENGTH and not query.replace("-", "").isdigit():
        conditions |= Q(email__icontains=query) | Q(
            memberships__organization__in=(
                Organization.objects.filter(organization_selectors.name_contains(query))
            )
        )
        first, _, last = query.partition(" ")
        if last:
            conditions |= Q(first_name__iexact=first, last_name__icontains=last)
        else:
            conditions |= Q(first_name__icontains=query) | Q(last_name__icontains=query)
    phone = _phone_digits(query)
    if phone and not organization_selectors.parse_full_tin(query):
        conditions |= Q(phone__endswith=phone)
    tin = organization_selectors.parse_full_tin(query)
    if tin:
        conditions |= Q(memberships__organization__tin=tin)
    entity = organization_selectors.get_apm_entity_by_id(query)
    if entity is not None:
        conditions |= Q(memberships__organization=entity)
    ids = User.objects.filter(conditions).values("pk")
    return User.objects.filter(pk__in=ids).order_by("last_name", "first_name", "username")


def get_person(user, person_id):
    """Return the account ``person_id`` for the help desk; Http404 if there is none."""
    require_help_desk(user)
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise Http404("No such person.")
    return person


@dataclass
class DeviceRow:
    kind: str
    name: str
    confirmed: bool


def _device_kind(device):
    from django_otp.plugins.otp_email.models import EmailDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import BackupCodeDevice, PhoneDevice

    if isinstance(device, TOTPDevice):
        return "Authenticator app"
    if isinstance(device, EmailDevice):
        return "Email"
    if isinstance(device, PhoneDevice):
        return device.get_method_display()
    if isinstance(device, BackupCodeDevice):
        return f"Backup codes ({device.remaining_count} unused)"
    return "Other"


def person_devices(user, person):
    """Return the person's two-factor devices by type and name (never a key, number or
    code: the name is what their owner sees, masked)."""
    from django_otp import devices_for_user

    require_help_desk(user)
    return [
        DeviceRow(_device_kind(d), account_selectors.describe_device(d), d.confirmed)
        for d in devices_for_user(person, confirmed=None)
    ]


def person_sessions(user, person):
    """Return the person's live sessions if the accounts app records them, else []."""
    require_help_desk(user)
    sessions = getattr(account_selectors, "signed_in_sessions", None)
    return sessions(person) if sessions else []


def person_memberships(user, person):
    """Return every role and request of the person, newest first, with organization."""
    require_help_desk(user)
    return person.memberships.select_related("organization").order_by("-requested_at", "-id")


def person_events(user, person, limit=25):
    require_help_desk(user)
    return audit_selectors.search_events(people=[person])[:limit]


def current_caller_check(user, person):
    """Return ``user``'s check of a caller as ``person`` made within the validity, or None."""
    require_help_desk(user)
    since = timezone.now() - caller_check_validity()
    return CallerCheck.objects.filter(
        help_desk_user=user, person=person, created_at__gte=since
    ).first()


# --- The audit log -----------------------------------------------------------------------


def organization_ids_for(query):
    """Return the ids of organizations whose full TIN, APM Entity ID or registry ID is
    ``query``, or whose name contains it (3 characters or more)."""
    query = organization_selectors.clean_query(query)
    tin = organization_selectors.parse_full_tin(query)
    if tin:
        found = Organization.objects.filter(tin=tin)
    else:
        identifier = query.upper()
        conditions = Q(entity_id=identifier) | Q(registry_id=identifier)
        if len(query) >= CONTAINS_MIN_LENGTH:
            conditions |= organization_selectors.name_contains(query)
        found = Organization.objects.filter(conditions)
    return list(found.values_list("pk", flat=True))


def audit_events(user, *, person="", organization="", action="", start=None, end=None):
    """Return the audit events matching the filters of the audit log page (help desk)."""
    require_help_desk(user)
    return audit_selectors.search_events(
        people=search_people(user, person) if person else None,
        organization_ids=organization_ids_for(organization) if organization else None,
        action=action,
        start=start,
        end=end,
    )
