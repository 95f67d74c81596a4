"""Reads and permission checks for roles. Views load organization data only through these.

``get_membership_for_capability`` and ``get_organization_for_user`` are the checks other
apps (feedback) call; their signatures are stable.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Max
from django.http import Http404

from organizations import selectors as organization_selectors
from organizations.models import ApmParticipation, Clinician, Organization

from .capabilities import Capability, Role, capabilities_for, role_allows
from .models import Membership

HELP_DESK_PERMISSION = "accounts.help_desk"


def request_expiry_days():
    """Return how many days a pending request lives (setting ROLE_REQUEST_EXPIRY_DAYS)."""
    return settings.ROLE_REQUEST_EXPIRY_DAYS


def max_validation_failures():
    """Return how many failed validation tries send a request to manual review."""
    return settings.ROLE_MAX_VALIDATION_FAILURES


def current_performance_year():
    """Return the performance year APM participation is checked against: the setting
    CURRENT_PERFORMANCE_YEAR if set, else the latest year in the participation data (the
    reference data, not the calendar, says which year CMS has published)."""
    if settings.CURRENT_PERFORMANCE_YEAR:
        return settings.CURRENT_PERFORMANCE_YEAR
    return ApmParticipation.objects.aggregate(latest=Max("performance_year"))["latest"]


# --- Memberships of one person -------------------------------------------------------------


def active_memberships(user):
    """Return the person's active roles, with their organizations."""
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).select_related(
        "organization", "clinician"
    )


def active_membership(user, organization_id):
    return active_memberships(user).filter(organization_id=organization_id).first()


def pending_requests(user):
    """Return the person's pending requests, newest first, with their organizations."""
    return Membership.objects.filter(user=user, status=Membership.Status.PENDING).select_related(
        "organization"
    )


def open_membership(user, organization):
    """Return the person's pending or active membership in ``organization``, or None."""
    return Membership.objects.filter(
        user=user, organization=organization, status__in=Membership.OPEN_STATUSES
    ).first()


def get_own_request(user, membership_id):
    """Return the person's own membership ``membership_id``; raise Http404 for anyone
    else's (whether it exists must not leak)."""
    membership = (
        Membership.objects.select_related("organization")
        .filter(pk=membership_id, user=user)
        .first()
    )
    if membership is None:
        raise Http404("No such request among yours.")
    return membership


# --- The one capability check ----------------------------------------------------------------


def get_membership_for_capability(user, organization_id, capability):
    """Return the person's active membership in the organization if its role allows
    ``capability``; raise Http404 if they hold no role there (its existence must not leak)
    and PermissionDenied if their role does not allow it."""
    membership = active_membership(user, organization_id)
    if membership is None:
        raise Http404("No such organization among yours.")
    if not role_allows(membership.role, membership.organization, capability):
        raise PermissionDenied("Your role does not allow this.")
    return membership


def get_organization_for_user(user, organization_id, capability):
    """Return the organization, checked as ``get_membership_for_capability`` does."""
    return get_membership_for_capability(user, organization_id, capability).organization


def get_any_membership(user, organization_id):
    """Return the person's active membership in the organization whatever its role; raise
    Http404 if they hold none."""
    membership = active_membership(user, organization_id)
    if membership is None:
        raise Http404("No such organization among yours.")
    return membership


def has_capability(user, organization, capability):
    membership = active_membership(user, organization.pk)
    return membership is not None and role_allows(membership.role, organization, capability)


def membership_capabilities(membership):
    """Return what ``membership``'s role allows in its organization, in the table's order."""
    allowed = capabilities_for(membership.role, membership.organization)
    return [capability for capability in Capability if capability in allowed]


# --- An organization's people ----------------------------------------------------------------


def security_officials(organization):
    """Return the organization's active Security Officials."""
    return Membership.objects.filter(
        organization=organization,
        role=Role.SECURITY_OFFICIAL,
        status=Membership.Status.ACTIVE,
    ).select_related("user")


def has_security_official(organization):
    return security_officials(organization).exists()


def organization_members(organization):
    """Return the organization's active memberships, Security Officials first."""
    return (
        Membership.objects.filter(organization=organization, status=Membership.Status.ACTIVE)
        .select_related("user", "clinician")
        .order_by("role", "user__last_name", "user__first_name", "id")
    )


def organization_pending_requests(organization):
    """Return the requests a Security Official of ``organization`` may decide, oldest first."""
    return (
        Membership.objects.filter(
            organization=organization,
            status=Membership.Status.PENDING,
            awaiting=Membership.Awaiting.SECURITY_OFFICIAL,
        )
        .select_related("user")
        .order_by("requested_at", "id")
    )


def get_membership_in_organization(organization, membership_id, *, status=None):
    """Return membership ``membership_id`` if it belongs to ``organization`` (and has
    ``status``); raise Http404 otherwise, so ids of other organizations lead nowhere."""
    memberships = Membership.objects.select_related("user", "organization").filter(
        pk=membership_id, organization=organization
    )
    if status is not None:
        memberships = memberships.filter(status=status)
    membership = memberships.first()
    if membership is None:
        raise Http404("No such request or member in this organization.")
    return membership


def membership_history(membership):
    return membership.events.select_related("actor")


# --- Individual Clinician ------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicianMatch:
    """What connecting as an Individual Clinician found for a person."""

    clinician: Clinician | None = None
    organizations: list = field(default_factory=list)
    # "none" (no clinician has the name), "several" (more than one does) or "" (one does).
    problem: str = ""


def normalize_name(value):
    """Return a name as the clinician match compares it: stripped, case folded."""
    return str(value or "").strip().casefold()


def match_clinician(user):
    """Find the clinician whose name is exactly the account's name.

    "Exactly" means: the account's first name equals the clinician's first name and the
    account's last name equals the clinician's last name, each compared after removing
    surrounding spaces and ignoring case (Unicode case folding). Nothing else is forgiven:
    no initials, nicknames, missing accents or hyphens. If more than one clinician in the
    reference data has the name, none is chosen (the name cannot tell them apart) and the
    person is sent to the help desk. Return a ClinicianMatch whose organizations are the
    practices and virtual groups the clinician bills under and the APM entities they take
    part in (any performance year), ordered by name.
    """
    first, last = normalize_name(user.first_name), normalize_name(user.last_name)
    if not first or not last:
        return ClinicianMatch(problem="none")
    # Case-insensitive equality in SQL (iexact) narrows the rows; the exact comparison is
    # done here so SQLite and PostgreSQL agree on non-ASCII letters.
    candidates = [
        clinician
        for clinician in Clinician.objects.filter(
            first_name__iexact=user.first_name.strip(), last_name__iexact=user.last_name.strip()
        )
        if normalize_name(clinician.first_name) == first
        and normalize_name(clinician.last_name) == last
    ]
    if not candidates:
        return ClinicianMatch(problem="none")
    if len(candidates) > 1:
        return ClinicianMatch(problem="several")
    clinician = candidates[0]
    practices = list(organization_selectors.clinician_practices(clinician).distinct())
    entities = list(organization_selectors.clinician_apm_entities(clinician))
    organizations = sorted(
        {organization.pk: organization for organization in practices + entities}.values(),
        key=lambda organization: (organization.legal_business_name, organization.pk),
    )
    return ClinicianMatch(clinician=clinician, organizations=organizations)


# --- Help desk -------------------------------------------------------------------------------


def is_help_desk(user):
    return user.is_authenticated and user.has_perm(HELP_DESK_PERMISSION)


def require_help_desk(user):
    """Raise PermissionDenied unless ``user`` may act as the help desk."""
    if not is_help_desk(user):
        raise PermissionDenied("Only the help desk may do this.")


def help_desk_find_organizations(user, query):
    """Return the practices and registries whose full TIN is ``query``, or the APM entity
    whose ID it is (help desk only)."""
    require_help_desk(user)
    tin = organization_selectors.parse_full_tin(query)
    if tin:
        return list(
            Organization.objects.filter(
                tin=tin, kind__in=[Organization.Kind.PRACTICE, Organization.Kind.REGISTRY]
            )
        )
    entity = organization_selectors.get_apm_entity_by_id(query)
    return [entity] if entity else []


def help_desk_get_organization(user, organization_id):
    require_help_desk(user)
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        raise Http404("No such organization.")
    return organization


def review_queue(user):
    """Return the requests whose validation failed too often, oldest first (help desk only)."""
    require_help_desk(user)
    return (
        Membership.objects.filter(
            status=Membership.Status.PENDING, awaiting=Membership.Awaiting.HELP_DESK
        )
        .select_related("user", "organization")
        .order_by("requested_at", "id")
    )


def get_review_request(user, membership_id):
    require_help_desk(user)
    membership = review_queue(user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such request in the queue.")
    return membership
