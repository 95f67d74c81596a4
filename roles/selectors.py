"""Reads and permission checks for roles. Views load organization data only through these.

``get_membership_for_capability`` and ``get_organization_for_user`` are the checks other
apps (feedback) call; their signatures are stable.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import Http404
from django.utils.functional import cached_property

from accounts.selectors import is_help_desk
from organizations import selectors as organization_selectors
from organizations.models import ApmParticipation, Clinician, Organization
from qpp_portal import clock

from .capabilities import Capability, Role, capabilities_for, role_allows
from .models import Membership, ValidationAttempt, member_order, member_order_key


def request_expiry_days():
    """Return how many days a pending request lives (setting ROLE_REQUEST_EXPIRY_DAYS)."""
    return settings.ROLE_REQUEST_EXPIRY_DAYS


def max_validation_failures():
    """Return how many failed validation tries send a request to manual review."""
    return settings.ROLE_MAX_VALIDATION_FAILURES


def max_organization_validation_failures():
    """Return how many failed validation tries for one organization, by anyone, send every
    later try there to manual review (setting ROLE_MAX_ORGANIZATION_VALIDATION_FAILURES)."""
    return settings.ROLE_MAX_ORGANIZATION_VALIDATION_FAILURES


def recent_validation_failures(organization, user=None):
    """Count the failed first-Security-Official tries for ``organization`` (``user``'s only,
    if given) within ROLE_VALIDATION_FAILURE_WINDOW_DAYS, across every request."""
    since = clock.now() - timedelta(days=settings.ROLE_VALIDATION_FAILURE_WINDOW_DAYS)
    attempts = ValidationAttempt.objects.filter(
        membership__organization=organization, created_at__gte=since
    ).exclude(failure_code="")
    if user is not None:
        attempts = attempts.filter(membership__user=user)
    return attempts.count()


def validation_tries_left(user, organization):
    """Return how many more validation tries ``user`` has for ``organization`` before the
    request goes to the help desk: the fewer of the person's and the organization's."""
    return max(
        0,
        min(
            max_validation_failures() - recent_validation_failures(organization, user),
            max_organization_validation_failures() - recent_validation_failures(organization),
        ),
    )


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


# How long a person's active role in an organization is kept in the shared cache. Saving or
# deleting the membership, its organization or its clinician forgets it at once and again
# at commit (roles.signals), so this only bounds how long a copy read by a request racing
# that commit can live, or one outliving a bulk import of the reference data.
ACTIVE_MEMBERSHIP_CACHE_SECONDS = 60


def active_membership_cache_key(user_id, organization_id):
    return f"active-membership:{user_id}:{organization_id}"


def active_membership(user, organization_id, *, cached=True):
    """Return the person's active membership in the organization, with it and their
    clinician, or None.

    Every page of an organization checks the role first; the shared cache spares that
    query on all but the first in a while. A change of access reads the database
    (``cached=False``): its check must see a role removed a moment ago."""
    key = active_membership_cache_key(user.pk, organization_id)
    membership = cache.get(key) if cached else None
    if membership is None:
        # One at most (constraint "roles_one_open_membership_per_organization"): unordered.
        memberships = active_memberships(user).filter(organization_id=organization_id)
        membership = next(iter(memberships.order_by()[:1]), None)
        if membership is not None:
            cache.set(key, membership, ACTIVE_MEMBERSHIP_CACHE_SECONDS)
    return membership


def connections_and_requests(user):
    """Return the person's active roles by organization name and their pending requests
    newest first, read in one query for Manage Access. A request past its expiry is left
    out (the daily job expires it: ``services.expire_role_requests``)."""
    memberships = (
        Membership.objects.filter(user=user, status__in=Membership.OPEN_STATUSES)
        .exclude(Q(status=Membership.Status.PENDING) & overdue_requests())
        .select_related("organization", "clinician")
        .order_by("organization__legal_business_name", "id")
    )
    active, pending = [], []
    for membership in memberships:
        (active if membership.is_active else pending).append(membership)
    pending.sort(key=lambda membership: (membership.requested_at, membership.pk), reverse=True)
    return active, pending


def overdue_requests(now=None):
    """A ``Q`` matching pending requests past their expiry that the daily job has not yet
    expired: exclude it so a list shows them as gone without expiring them in a GET."""
    return Q(
        awaiting__in=Membership.EXPIRING_AWAITING,
        expires_at__lte=now or clock.now(),
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


def get_membership_for_capability(user, organization_id, capability, *, cached=True):
    """Return the person's active membership in the organization if its role allows
    ``capability``; raise Http404 if they hold no role there (its existence must not leak)
    and PermissionDenied if their role does not allow it. ``cached``: as
    ``active_membership``."""
    membership = active_membership(user, organization_id, cached=cached)
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


# What the members page shows of a member or requester: not their encrypted identity.
_PERSON_SHOWN = ("user__username", "user__first_name", "user__last_name")
_MEMBER_SHOWN = ("role", "decided_at", "member_sort_name", *_PERSON_SHOWN)
_REQUEST_SHOWN = ("role", "requested_at", "expires_at", *_PERSON_SHOWN)


@dataclass(frozen=True)
class OrganizationPeople:
    """What the members page lists: the active ``members`` in the page's order (a list, or
    a MemberList, for a Paginator), how many of them are Security Officials, and the
    oldest requests a Security Official decides (``pending``) with how many wait."""

    members: object
    security_official_count: int
    pending: list
    pending_total: int


def organization_people(organization, *, read_whole, pending_shown):
    """Return the OrganizationPeople of ``organization``, at most ``pending_shown`` requests.

    Its memberships are counted first (``MemberList``). An organization with at most
    ``read_whole`` open memberships, as most practices are, is then read in one query and
    sorted here; a larger one reads each page of members through the members index, its
    oldest requests in one more, and counts its requests in another if all those shown
    are not all there are. Both ways list the same people
    (tests/roles/test_members_page_queries.py)."""
    members = MemberList(organization)
    if members.open_count > read_whole:
        requests = organization_pending_requests(organization)
        pending = list(requests[:pending_shown]) if members.open_count > members.count() else []
        # Counted only when there may be more than are shown.
        total = len(pending)
        if total == pending_shown:
            total = requests.count()
        return OrganizationPeople(members, members.security_official_count, pending, total)
    rows = list(
        Membership.objects.filter(organization=organization, status__in=Membership.OPEN_STATUSES)
        .only("status", "awaiting", *_MEMBER_SHOWN, *_REQUEST_SHOWN)
        .select_related("user")
        .order_by()
    )
    now = clock.now()
    active = sorted((row for row in rows if row.is_active), key=member_order_key)
    waiting = sorted(
        (
            row
            for row in rows
            if row.is_pending
            and row.awaiting == Membership.Awaiting.SECURITY_OFFICIAL
            and not row.is_overdue(now)
        ),
        key=lambda row: (row.requested_at, row.pk),
    )
    officials = sum(row.role == Role.SECURITY_OFFICIAL for row in active)
    return OrganizationPeople(active, officials, waiting[:pending_shown], len(waiting))


class MemberList:
    """An organization's active memberships in the members page's order, for a Paginator:
    ``count()``, and a slice as a list.

    A slice is one query: it reads the page's ids from the index
    "roles_membership_member_order" (from the index alone where the table is vacuumed),
    then loads those memberships alone with their people. Joined first, every member a
    page skips would be joined too, and PostgreSQL would rather sort them all than walk
    the index.

    ``count()``, ``security_official_count`` and ``open_count`` (pending or active) are
    counted together, once."""

    def __init__(self, organization):
        self._organization = organization
        self._memberships = Membership.objects.filter(
            organization=organization, status=Membership.Status.ACTIVE
        )

    def counts_query(self):
        """Return the query of the open memberships' numbers by status and role.

        COUNT(*), not of a column, by what the index on (organization, status, role)
        holds: read from that index alone, where counting ids with filters read every
        open membership's row (8 ms at 10,000 members, against 2)."""
        return (
            Membership.objects.filter(
                organization=self._organization, status__in=Membership.OPEN_STATUSES
            )
            .values_list("status", "role")
            .annotate(n=Count("*"))
            .order_by()
        )

    @cached_property
    def _counts(self):
        return [
            (status == Membership.Status.ACTIVE, role, n)
            for status, role, n in self.counts_query()
        ]

    def count(self):
        return sum(n for active, _role, n in self._counts if active)

    @property
    def open_count(self):
        return sum(n for _active, _role, n in self._counts)

    @property
    def security_official_count(self):
        return sum(
            n for active, role, n in self._counts if active and role == Role.SECURITY_OFFICIAL
        )

    def page_query(self, rows):
        """Return the query of the memberships in ``rows`` (a slice), in no order."""
        page = self._memberships.order_by(*member_order()).values("pk")[rows]
        return (
            Membership.objects.filter(pk__in=page)
            .only(*_MEMBER_SHOWN)
            .select_related("user")
            .order_by()
        )

    def __getitem__(self, rows):
        # Sorted here, not by the database again: the order's SQL costs more to build than
        # sorting a page's rows.
        return sorted(self.page_query(rows), key=member_order_key)


def organization_members(organization):
    """Return the organization's active memberships for the members page (a MemberList):
    Security Officials first, then Staff Users, then Clinicians (the roles' declared order),
    each by last name, then first name, ignoring case (``models.member_order``). Only the
    columns the page shows are loaded."""
    return MemberList(organization)


def _requests_for_security_official():
    """A ``Q`` matching the pending requests a Security Official decides, past expiry left
    out (``overdue_requests``)."""
    return (
        Q(status=Membership.Status.PENDING, awaiting=Membership.Awaiting.SECURITY_OFFICIAL)
        & ~overdue_requests()
    )


def organization_pending_requests(organization):
    """Return the requests a Security Official of ``organization`` may decide, oldest first,
    with the columns the members page shows."""
    return (
        Membership.objects.filter(_requests_for_security_official(), organization=organization)
        .only(*_REQUEST_SHOWN)
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
    """Find the clinician whose name is exactly the account's identity-proofed name.

    "Exactly" means: the account's proofed first name equals the clinician's first name and the
    account's last name equals the clinician's last name, each compared after removing
    surrounding spaces and ignoring case (Unicode case folding). Nothing else is forgiven:
    no initials, nicknames, missing accents or hyphens. If more than one clinician in the
    reference data has the name, none is chosen (the name cannot tell them apart) and the
    person is sent to the help desk. Return a ClinicianMatch whose organizations are the
    practices and virtual groups the clinician bills under and the APM entities they take
    part in (any performance year), ordered by name.
    """
    # The identity-proofed name, not the profile's: a name typed in later proves nothing.
    proofed_first, proofed_last = user.proofed_first_name, user.proofed_last_name
    if user.legal_name_changed_since_proofing:
        return ClinicianMatch(problem="none")
    first, last = normalize_name(proofed_first), normalize_name(proofed_last)
    if not first or not last:
        return ClinicianMatch(problem="none")
    # Case-insensitive equality in SQL (iexact) narrows the rows; the exact comparison is
    # done here so SQLite and PostgreSQL agree on non-ASCII letters.
    candidates = [
        clinician
        for clinician in Clinician.objects.filter(
            first_name__iexact=proofed_first.strip(), last_name__iexact=proofed_last.strip()
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
    """Return the requests whose validation failed too often, oldest first (help desk only),
    leaving out ``user``'s own: nobody decides a case they are party to."""
    require_help_desk(user)
    return (
        Membership.objects.filter(
            status=Membership.Status.PENDING, awaiting=Membership.Awaiting.HELP_DESK
        )
        .exclude(user=user)
        .select_related("user", "organization")
        .order_by("requested_at", "id")
    )


def get_review_request(user, membership_id):
    require_help_desk(user)
    membership = review_queue(user).filter(pk=membership_id).first()
    if membership is None:
        raise Http404("No such request in the queue.")
    return membership


REFERENCE_ROWS_SHOWN = 50


@dataclass
class ReviewReference:
    """What the reference data holds for a request's organization, to set beside what the
    requester typed: the clinicians billing under a practice's TIN (``enrolments``), the
    TINs taking part in an APM Entity (``practices``), or a registry's own identifiers."""

    kind: str
    enrolments: list = field(default_factory=list)
    enrolment_count: int = 0
    practices: list = field(default_factory=list)
    performance_year: int | None = None


def review_reference(user, membership):
    """Return the ReviewReference of ``membership``'s organization (help desk only), at most
    REFERENCE_ROWS_SHOWN rows of each list."""
    require_help_desk(user)
    organization = membership.organization
    reference = ReviewReference(kind=organization.kind)
    if organization.kind == Organization.Kind.PRACTICE:
        enrolments = organization.enrolments.select_related("clinician").order_by(
            "clinician__last_name", "clinician__first_name", "clinician__npi"
        )
        reference.enrolment_count = enrolments.count()
        reference.enrolments = list(enrolments[:REFERENCE_ROWS_SHOWN])
    elif organization.kind == Organization.Kind.APM_ENTITY:
        year = current_performance_year()
        reference.performance_year = year
        reference.practices = list(
            organization_selectors.participating_practices(
                organization, performance_year=year
            ).order_by("legal_business_name")[:REFERENCE_ROWS_SHOWN]
        )
    return reference


ATTEMPT_OUTCOMES = {
    "": "Matched",
    "group_identifier": "Group NPI or group PTAN given",
    "no_match": "No clinician or registry matches",
    "entity_id_mismatch": "APM Entity ID does not match",
    "tins_missing": "Too few TINs",
    "tin_not_participating": "A TIN does not participate",
}


def validation_attempts(user, membership):
    """Return what the requester typed at each validation try, oldest first (help desk),
    each with ``outcome`` (in words) and ``checks``: (label, typed value, kind, matches)
    rows, where ``kind`` is "tin" for values templates must mask."""
    require_help_desk(user)
    organization = membership.organization
    attempts = list(membership.validation_attempts.all())
    participating = None
    if organization.kind == Organization.Kind.APM_ENTITY:
        participating = organization_selectors.participating_tins(
            organization, performance_year=current_performance_year()
        )
    for attempt in attempts:
        evidence = attempt.evidence
        attempt.outcome = ATTEMPT_OUTCOMES.get(attempt.failure_code, attempt.failure_code)
        if organization.kind == Organization.Kind.PRACTICE:
            npi, ptan = evidence.get("npi", ""), evidence.get("ptan", "")
            enrolments = organization.enrolments
            attempt.checks = [
                ("Individual NPI", npi, "", enrolments.filter(clinician__npi=npi).exists()),
                ("Individual PTAN", ptan, "", enrolments.filter(ptan=ptan).exists()),
            ]
        elif organization.kind == Organization.Kind.APM_ENTITY:
            entity_id = evidence.get("entity_id", "")
            attempt.checks = [
                ("APM Entity ID", entity_id, "", entity_id == organization.entity_id)
            ]
            attempt.checks += [
                ("TIN", tin, "tin", tin in participating) for tin in evidence.get("tins", [])
            ]
        else:
            registry_id, tin = evidence.get("registry_id", ""), evidence.get("tin", "")
            attempt.checks = [
                ("Registry ID", registry_id, "", registry_id == organization.registry_id),
                ("Registry TIN", tin, "tin", tin == organization.tin),
            ]
    return attempts


def latest_access_review(organization):
    """Return the organization's latest yearly access review with its items and their
    people, or None."""
    from .models import AccessReview

    return (
        AccessReview.objects.filter(organization=organization)
        .prefetch_related("items__membership__user", "items__confirmed_by")
        .first()
    )
