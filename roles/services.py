"""Every change of a role: requests, validation, decisions, revocation, help-desk actions.

Each function takes keyword arguments only and follows one pattern: inside
``transaction.atomic`` lock the organization row (then the membership row), check the
current state, save with ``update_fields``, write a MembershipEvent and an audit event, and
queue email in the same transaction (``accounts.messaging``) so nobody is told about a
change that rolled back.

Locks are always taken in the same order, organization then membership, so two services
working on one organization queue up instead of deadlocking. Locking the organization is
what makes "exactly one first Security Official" and "never the last Security Official"
hold under concurrency: both checks read the organization's Security Officials after the
lock is held, and on PostgreSQL (READ COMMITTED) each statement after the lock sees rows
committed by whoever held it before. SQLite serialises writers anyway.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.messaging import send_templated_email
from accounts.models import same_name
from audit.models import AuditEvent
from audit.services import record_event
from organizations import selectors as organization_selectors
from organizations.models import Organization
from organizations.validators import normalize_identifier, normalize_tin
from qpp_portal import clock
from qpp_portal.links import absolute_url

from . import selectors
from .capabilities import Capability, Role
from .models import (
    CallerVerification,
    Membership,
    MembershipEvent,
    ValidationAttempt,
    member_sort_name_for,
)

Action = AuditEvent.Action
Status = Membership.Status
Awaiting = Membership.Awaiting

NO_SECURITY_OFFICIAL_MESSAGE = (
    "This organization has no Security Official yet, so nobody can request the Staff User "
    "role. The first person to connect must request the Security Official role."
)
LAST_SECURITY_OFFICIAL_MESSAGE = (
    "This is the organization's only Security Official, so the role cannot be removed here. "
    "Approve another Security Official first, or ask the help desk (1-866-288-8292) to "
    "vacate it."
)
IN_REVIEW_MESSAGE = (
    "This request is with the help desk for manual review, so it cannot be cancelled. The "
    "help desk will email you its decision."
)
ALREADY_CONNECTED_MESSAGE = (
    "You already have a role or a pending request for this organization. Cancel the "
    "pending request on Manage Access first if you want a different role."
)


class RoleError(Exception):
    """The change cannot be made now; the message tells the person why and what to do."""

    def __init__(self, message, code=""):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class ValidationOutcome:
    """What a first-Security-Official validation try led to.

    Exactly one of ``granted``, ``sent_to_review``, ``sent_to_officials`` is true, or none
    when the try failed and more tries are left (``failure_code``/``failure_message`` say
    why, ``tries_left`` how many remain)."""

    membership: Membership
    granted: bool = False
    sent_to_review: bool = False
    sent_to_officials: bool = False
    failure_code: str = ""
    failure_message: str = ""
    # Positions in ``evidence["tins"]`` of the TINs that do not take part (APM Entity).
    wrong_tins: tuple = ()
    tries_left: int = 0


@dataclass(frozen=True)
class EvidenceFailure:
    """Why the details given do not prove the link; ``wrong_tins`` as in ValidationOutcome."""

    code: str
    message: str
    wrong_tins: tuple = ()


# --- Building blocks -----------------------------------------------------------------------


def _lock_organization(organization):
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _lock_membership(membership):
    return (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user", "organization")
        .get(pk=membership.pk)
    )


def _transition(membership, *, status, actor, reason="", awaiting="", decided=False):
    """Move ``membership`` to ``status`` (and ``awaiting``) and write its history event."""
    previous = membership.status
    membership.status = status
    membership.awaiting = awaiting if status == Status.PENDING else ""
    fields = ["status", "awaiting"]
    if decided:
        membership.decided_at = clock.now()
        membership.decided_by = actor
        membership.decision_reason = reason
        fields += ["decided_at", "decided_by", "decision_reason"]
    membership.save(update_fields=fields)
    MembershipEvent.objects.create(
        membership=membership, from_status=previous, to_status=status, actor=actor, reason=reason
    )


def _audit(action, membership, *, request=None, actor=None, **detail):
    """Audit a change of ``membership``: ids and codes only, never personal data."""
    return record_event(
        action=action,
        request=request,
        actor=actor,
        subject=membership.user,
        membership=membership.pk,
        organization=membership.organization_id,
        role=membership.role,
        **detail,
    )


def _email_after_commit(*, name, to, context):
    """Queue ``templates/roles/emails/<name>_*`` to person ``to`` in the change's transaction."""
    address = to.email
    context = {"recipient": to, **context}
    send_templated_email(app="roles", name=name, to=address, context=context)


def _require_manager(user, organization):
    """Raise Http404/PermissionDenied unless ``user`` may manage access to ``organization``."""
    return selectors.get_membership_for_capability(
        user, organization.pk, Capability.MANAGE_ACCESS, cached=False
    )


def _notify_security_officials(membership, request):
    """Email every Security Official of the membership's organization a link to decide it."""
    link = absolute_url(
        request, "roles:organization_access", organization_id=membership.organization_id
    )
    for official in selectors.security_officials(membership.organization):
        _email_after_commit(
            name="role_requested",
            to=official.user,
            context={
                "membership": membership,
                "organization": membership.organization,
                "link": link,
            },
        )


def _expires_at():
    return clock.now() + timedelta(days=selectors.request_expiry_days())


# --- Requests ------------------------------------------------------------------------------


def request_role(*, user, organization, role, request=None):
    """Open ``user``'s request for ``role`` (Security Official or Staff User) in
    ``organization`` and return the pending membership.

    While the organization has no Security Official only that role may be requested, and
    the request waits for the person's own validation details
    (``validate_first_security_official``). Otherwise it waits for a Security Official,
    each of whom is emailed a link. Raise RoleError if the person already has a role or a
    pending request there, if their identity is not verified, or if Staff User is asked for
    while there is no Security Official.
    """
    role = Role(role)
    if role == Role.CLINICIAN:
        raise RoleError(
            "The Clinician role is requested by connecting as an Individual Clinician.",
            code="clinician_role",
        )
    if not user.is_identity_verified:
        raise RoleError("Verify your identity before you request a role.", code="unverified")
    with transaction.atomic():
        organization = _lock_organization(organization)
        if selectors.open_membership(user, organization) is not None:
            raise RoleError(ALREADY_CONNECTED_MESSAGE, code="already_connected")
        has_official = selectors.has_security_official(organization)
        if not has_official and role != Role.SECURITY_OFFICIAL:
            raise RoleError(NO_SECURITY_OFFICIAL_MESSAGE, code="no_security_official")
        membership = Membership.objects.create(
            user=user,
            organization=organization,
            role=role,
            status=Status.PENDING,
            awaiting=Awaiting.SECURITY_OFFICIAL if has_official else Awaiting.VALIDATION,
            expires_at=_expires_at(),
        )
        MembershipEvent.objects.create(
            membership=membership,
            from_status="",
            to_status=Status.PENDING,
            actor=user,
            reason="Requested." if has_official else "Requested as first Security Official.",
        )
        _audit(
            Action.ROLE_REQUESTED,
            membership,
            request=request,
            actor=user,
            awaiting=membership.awaiting,
        )
        if has_official:
            _notify_security_officials(membership, request)
        elif selectors.validation_tries_left(user, organization) <= 0:
            # The person (or everyone together) used up the tries on earlier requests.
            _send_to_review(
                membership,
                request=request,
                reason="Too many failed validation tries for this organization; manual review.",
                failure_code="too_many_failures",
            )
    return membership


def cancel_role_request(*, membership, user, request=None):
    """Cancel ``user``'s own pending request; raise RoleError if it is not pending or is
    under the help desk's manual review."""
    with transaction.atomic():
        _lock_organization(membership.organization)
        membership = _lock_membership(membership)
        if membership.user_id != user.pk:
            raise RoleError("You can only cancel your own requests.", code="not_yours")
        if not membership.is_pending:
            raise RoleError("This request is no longer pending.", code="not_pending")
        if membership.in_manual_review:
            # Else cancelling and requesting again would bring back the validation tries.
            raise RoleError(IN_REVIEW_MESSAGE, code="in_review")
        _transition(
            membership, status=Status.CANCELLED, actor=user, reason="Cancelled by requester."
        )
        _audit(Action.ROLE_CANCELLED, membership, request=request, actor=user)
    return membership


# --- First Security Official ---------------------------------------------------------------


def _practice_failure(organization, evidence):
    npi, ptan = evidence.get("npi", ""), evidence.get("ptan", "")
    if organization_selectors.is_group_identifier(organization, npi, ptan):
        return EvidenceFailure(
            "group_identifier",
            "That is a group NPI or group PTAN. Enter the individual NPI and individual PTAN "
            "of one clinician who bills under this TIN, not the practice's group numbers.",
        )
    if organization_selectors.find_individual_enrolment(organization, npi, ptan) is None:
        return EvidenceFailure(
            "no_match",
            "The individual NPI and individual PTAN do not match any clinician billing under "
            "this TIN. Check both numbers against the clinician's Medicare enrollment.",
        )
    return None


def _apm_entity_failure(organization, evidence):
    if normalize_identifier(evidence.get("entity_id", "")) != organization.entity_id:
        return EvidenceFailure(
            "entity_id_mismatch", "The APM Entity ID does not match this APM Entity."
        )
    tins = {normalize_tin(tin) for tin in evidence.get("tins", ()) if tin}
    needed = 1 if organization.is_single_tin else 2
    if len(tins) < needed:
        return EvidenceFailure(
            "tins_missing",
            "Enter the TINs of two different participating practices."
            if needed == 2
            else "Enter the TIN of the participating practice.",
        )
    year = selectors.current_performance_year()
    participating = organization_selectors.participating_tins(organization, performance_year=year)
    wrong = tuple(
        position
        for position, tin in enumerate(evidence.get("tins", ()))
        if tin and normalize_tin(tin) not in participating
    )
    if wrong:
        return EvidenceFailure(
            "tin_not_participating",
            f"This TIN does not take part in this APM Entity in performance year {year}. "
            "Enter the TIN of a practice participating this year.",
            wrong_tins=wrong,
        )
    return None


def _registry_failure(organization, evidence):
    if normalize_identifier(evidence.get("registry_id", "")) != organization.registry_id or (
        normalize_tin(evidence.get("tin", "")) != organization.tin
    ):
        return EvidenceFailure(
            "no_match",
            "The registry ID and TIN do not match this registry's records. Check both against "
            "your QCDR or Qualified Registry approval.",
        )
    return None


def _evidence_record(evidence):
    """Return ``evidence`` as plain JSON (the TIN list as a list), normalised as checked."""
    record = {}
    for key, value in evidence.items():
        if key == "tins":
            record[key] = [normalize_tin(tin) for tin in value if tin]
        elif key == "tin":
            record[key] = normalize_tin(value or "")
        else:
            record[key] = normalize_identifier(value or "")
    return record


EVIDENCE_CHECKS = {
    Organization.Kind.PRACTICE: _practice_failure,
    Organization.Kind.APM_ENTITY: _apm_entity_failure,
    Organization.Kind.REGISTRY: _registry_failure,
}


def validate_first_security_official(*, membership, evidence, request=None):
    """Check the details a would-be first Security Official gave and return a
    ValidationOutcome.

    ``evidence`` holds, per kind: practice ``npi`` and ``ptan`` (individual ones of any
    clinician billing under the TIN; group numbers are a failed try); APM entity
    ``entity_id`` and ``tins`` (two participating TINs for the current performance year,
    one for a single-TIN entity); registry ``registry_id`` and ``tin``. A match grants the
    role at once. A mismatch counts a failed try; the last allowed one
    (``ROLE_MAX_VALIDATION_FAILURES``, 3) sends the request to the help desk's queue. If
    someone else became the organization's Security Official meanwhile, the request goes to
    them for approval instead. Raise RoleError if the request is not waiting for validation.
    """
    with transaction.atomic():
        organization = _lock_organization(membership.organization)
        membership = _lock_membership(membership)
        user = membership.user
        if not membership.needs_validation:
            raise RoleError(
                "This request is not waiting for validation details.", code="not_validating"
            )
        if selectors.has_security_official(organization):
            _transition(
                membership,
                status=Status.PENDING,
                awaiting=Awaiting.SECURITY_OFFICIAL,
                actor=user,
                reason="The organization has a Security Official now; sent to them to decide.",
            )
            _audit(
                Action.ROLE_REQUESTED,
                membership,
                request=request,
                actor=user,
                awaiting=membership.awaiting,
            )
            _notify_security_officials(membership, request)
            return ValidationOutcome(membership=membership, sent_to_officials=True)

        if selectors.validation_tries_left(user, organization) <= 0:
            # The tries ran out on earlier requests (or for the organization as a whole):
            # the details are not checked, so they tell a guesser nothing.
            return _send_to_review(
                membership,
                request=request,
                reason="Too many failed validation tries for this organization; manual review.",
                failure_code="too_many_failures",
            )

        failure = EVIDENCE_CHECKS[organization.kind](organization, evidence)
        # Kept for the help desk's review: what was typed beside what the records hold.
        ValidationAttempt.objects.create(
            membership=membership,
            evidence=_evidence_record(evidence),
            failure_code=failure.code if failure else "",
        )
        if failure is None:
            _transition(
                membership,
                status=Status.ACTIVE,
                actor=user,
                reason="Validated as first Security Official.",
                decided=True,
            )
            _audit(Action.ROLE_GRANTED, membership, request=request, actor=user)
            _email_after_commit(
                name="security_official_granted",
                to=user,
                context={
                    "membership": membership,
                    "organization": organization,
                    "link": absolute_url(
                        request, "roles:organization", organization_id=organization.pk
                    ),
                },
            )
            return ValidationOutcome(membership=membership, granted=True)

        code, message = failure.code, failure.message
        membership.validation_failures += 1
        membership.save(update_fields=["validation_failures"])
        _audit(
            Action.ROLE_VALIDATION_FAILED,
            membership,
            request=request,
            actor=user,
            code=code,
            failures=membership.validation_failures,
        )
        # Failures count per person and organization across requests, and per organization
        # across people, within ROLE_VALIDATION_FAILURE_WINDOW_DAYS: cancelling and asking
        # again brings back no tries.
        tries_left = selectors.validation_tries_left(user, organization)
        if tries_left > 0:
            MembershipEvent.objects.create(
                membership=membership,
                from_status=Status.PENDING,
                to_status=Status.PENDING,
                actor=user,
                reason=f"Validation try {membership.validation_failures} failed ({code}).",
            )
            return ValidationOutcome(
                membership=membership,
                failure_code=code,
                failure_message=message,
                wrong_tins=failure.wrong_tins,
                tries_left=tries_left,
            )
        return _send_to_review(
            membership,
            request=request,
            reason=f"Validation failed {membership.validation_failures} times; manual review.",
            failure_code=code,
            failure_message=message,
        )


def _send_to_review(membership, *, request, reason, failure_code, failure_message=""):
    """Put a request waiting for validation in the help desk's queue; email the requester."""
    _transition(
        membership,
        status=Status.PENDING,
        awaiting=Awaiting.HELP_DESK,
        actor=membership.user,
        reason=reason,
    )
    _audit(
        Action.ROLE_SENT_TO_REVIEW,
        membership,
        request=request,
        actor=membership.user,
        code=failure_code,
    )
    _email_after_commit(
        name="manual_review_started",
        to=membership.user,
        context={"membership": membership, "organization": membership.organization},
    )
    return ValidationOutcome(
        membership=membership,
        sent_to_review=True,
        failure_code=failure_code,
        failure_message=failure_message,
    )


# --- Decisions by Security Officials -------------------------------------------------------


def _decide(*, membership, acting_user, reason, approve, request):
    with transaction.atomic():
        organization = _lock_organization(membership.organization)
        _require_manager(acting_user, organization)
        membership = _lock_membership(membership)
        if membership.organization_id != organization.pk:
            raise RoleError("This request belongs to another organization.", code="elsewhere")
        if not (membership.is_pending and membership.awaiting == Awaiting.SECURITY_OFFICIAL):
            raise RoleError("This request has already been decided.", code="not_pending")
        if membership.user_id == acting_user.pk:
            raise RoleError("You cannot decide your own request.", code="own_request")
        if membership.expires_at and membership.expires_at <= clock.now():
            raise RoleError(
                "This request has expired; the person can request the role again.",
                code="expired",
            )
        status = Status.ACTIVE if approve else Status.DENIED
        _transition(membership, status=status, actor=acting_user, reason=reason, decided=True)
        _audit(
            Action.ROLE_APPROVED if approve else Action.ROLE_DENIED,
            membership,
            request=request,
            actor=acting_user,
            with_reason=bool(reason),
        )
        _email_after_commit(
            name="request_approved" if approve else "request_denied",
            to=membership.user,
            context={
                "membership": membership,
                "organization": organization,
                "reason": reason,
                "link": absolute_url(request, "roles:manage"),
            },
        )
    return membership


def approve_role_request(*, membership, acting_user, reason="", request=None):
    """Grant a pending Security Official or Staff User request; ``acting_user`` must be a
    Security Official of its organization (Http404/PermissionDenied otherwise). Email the
    requester. Raise RoleError if it is no longer pending or has expired."""
    return _decide(
        membership=membership,
        acting_user=acting_user,
        reason=reason.strip(),
        approve=True,
        request=request,
    )


def deny_role_request(*, membership, acting_user, reason="", request=None):
    """Deny a pending request, as ``approve_role_request`` grants one."""
    return _decide(
        membership=membership,
        acting_user=acting_user,
        reason=reason.strip(),
        approve=False,
        request=request,
    )


def revoke_role(*, membership, acting_user, reason, request=None):
    """End an active role in an organization where ``acting_user`` is a Security Official.

    Raise RoleError without a reason, if the role is not active, or if it is the
    organization's last Security Official (nobody, including that person, removes it
    through the portal; the help desk can vacate it)."""
    reason = reason.strip()
    if not reason:
        raise RoleError("Give a reason for removing this role.", code="reason_required")
    with transaction.atomic():
        organization = _lock_organization(membership.organization)
        _require_manager(acting_user, organization)
        membership = _lock_membership(membership)
        if membership.organization_id != organization.pk or not membership.is_active:
            raise RoleError("This role is not active.", code="not_active")
        if (
            membership.role == Role.SECURITY_OFFICIAL
            and selectors.security_officials(organization).count() <= 1
        ):
            raise RoleError(LAST_SECURITY_OFFICIAL_MESSAGE, code="last_security_official")
        _transition(
            membership, status=Status.REVOKED, actor=acting_user, reason=reason, decided=True
        )
        _audit(Action.ROLE_REVOKED, membership, request=request, actor=acting_user)
        if membership.user_id != acting_user.pk:
            _email_after_commit(
                name="role_revoked",
                to=membership.user,
                context={"membership": membership, "organization": organization, "reason": reason},
            )
    return membership


def expire_role_requests(*, now=None, user=None, organization=None, request=None):
    """Expire the pending requests past their ``expires_at`` (optionally only ``user``'s or
    one organization's), email each requester, and return how many expired.

    Requests in the help desk's queue do not expire. Run daily by ``manage.py
    expire_role_requests`` (``roles.tasks``); the list pages leave out what is overdue."""
    now = now or clock.now()
    due = Membership.objects.filter(
        status=Status.PENDING, awaiting__in=Membership.EXPIRING_AWAITING, expires_at__lte=now
    )
    if user is not None:
        due = due.filter(user=user)
    if organization is not None:
        due = due.filter(organization=organization)
    expired = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            membership = (
                Membership.objects.select_for_update(of=("self",))
                .select_related("user", "organization")
                .filter(pk=pk, status=Status.PENDING, expires_at__lte=now)
                .first()
            )
            if membership is None:
                continue  # decided or cancelled meanwhile
            days = selectors.request_expiry_days()
            _transition(
                membership,
                status=Status.EXPIRED,
                actor=None,
                reason=f"Not completed within {days} days.",
                decided=True,
            )
            _audit(Action.ROLE_EXPIRED, membership, request=request, actor=None)
            _email_after_commit(
                name="request_expired",
                to=membership.user,
                context={
                    "membership": membership,
                    "organization": membership.organization,
                    "days": days,
                    "link": absolute_url(request, "roles:connect"),
                },
            )
            expired += 1
    return expired


# --- Individual Clinician ------------------------------------------------------------------


def connect_as_clinician(*, user, request=None):
    """Give ``user`` the view-only Clinician role in every organization of the clinician
    whose name matches theirs exactly (see ``selectors.match_clinician``) and return the new
    memberships; organizations where they already have a role or request are skipped.
    Raise RoleError if no clinician, or more than one, has their name."""
    if not user.is_identity_verified:
        raise RoleError("Verify your identity before you connect.", code="unverified")
    match = selectors.match_clinician(user)
    if match.problem:
        raise RoleError(
            clinician_problem_message(match.problem), code=f"clinician_{match.problem}"
        )
    created = []
    with transaction.atomic():
        for organization in match.organizations:
            organization = _lock_organization(organization)
            if selectors.open_membership(user, organization) is not None:
                continue
            membership = Membership.objects.create(
                user=user,
                organization=organization,
                role=Role.CLINICIAN,
                clinician=match.clinician,
                status=Status.ACTIVE,
                decided_at=timezone.now(),
                decision_reason="Name matched the clinician's participation records.",
            )
            MembershipEvent.objects.create(
                membership=membership,
                from_status="",
                to_status=Status.ACTIVE,
                actor=user,
                reason="Verified as Individual Clinician (name match).",
            )
            _audit(Action.CLINICIAN_CONNECTED, membership, request=request, actor=user)
            created.append(membership)
    return created


def end_clinician_roles_not_matching(*, user, request=None):
    """End ``user``'s active Clinician roles whose clinician's name is no longer the name on
    their account (after a legal-name change) and return them; each is audited and the person
    emailed."""
    ended = []
    for pk in list(
        Membership.objects.filter(
            user=user, role=Role.CLINICIAN, status=Status.ACTIVE
        ).values_list("pk", flat=True)
    ):
        with transaction.atomic():
            membership = Membership.objects.select_related("organization").get(pk=pk)
            _lock_organization(membership.organization)
            membership = _lock_membership(membership)
            clinician = membership.clinician
            if not membership.is_active or (
                same_name(clinician.first_name, user.first_name)
                and same_name(clinician.last_name, user.last_name)
            ):
                continue
            _transition(
                membership,
                status=Status.REVOKED,
                actor=None,
                reason="Your name no longer matches the clinician's participation records.",
                decided=True,
            )
            _audit(Action.CLINICIAN_ROLE_ENDED, membership, request=request, actor=None)
            _email_after_commit(
                name="clinician_role_ended",
                to=user,
                context={"membership": membership, "organization": membership.organization},
            )
            ended.append(membership)
    return ended


def refresh_member_sort_names(*, user):
    """Copy ``user``'s current name into every membership of theirs, so the members pages
    list them in their new place; call it in the transaction that renames them."""
    # A membership created at the same moment from the person as read before the rename
    # keeps the old name until the next one: rare, and it only misplaces them on a list.
    Membership.objects.filter(user=user).update(member_sort_name=member_sort_name_for(user))


def clinician_problem_message(problem):
    if problem == "several":
        return (
            "More than one clinician in the participation records has your name, so we "
            "cannot tell which one you are. Call the help desk at 1-866-288-8292 to connect "
            "as a clinician."
        )
    return (
        "We found no clinician whose name exactly matches the name on your account. The "
        "first and last name on your profile must be the same as in the QPP Participation "
        "Status Lookup (capital letters and spaces around the name do not matter; "
        "nicknames, initials and missing hyphens or accents do). Correct your name on My "
        "profile, or call the help desk at 1-866-288-8292."
    )


# --- Help desk -----------------------------------------------------------------------------


def vacate_security_official(*, membership, help_desk_user, caller, reason, request=None):
    """Remove a Security Official on a verified caller's request (help desk only) and
    return the CallerVerification recorded.

    ``caller`` holds the CallerVerification fields the help desk verified (never an SSN or
    date of birth). This is the one way the last Security Official can go: the organization
    then has none, and its pending Security Official requests switch to the first-Security-
    Official validation. Raise RoleError if the membership is not an active Security
    Official role or no reason is given."""
    selectors.require_help_desk(help_desk_user)
    reason = reason.strip()
    if not reason:
        raise RoleError("Give the reason for vacating the role.", code="reason_required")
    with transaction.atomic():
        organization = _lock_organization(membership.organization)
        membership = _lock_membership(membership)
        if not (membership.is_active and membership.role == Role.SECURITY_OFFICIAL):
            raise RoleError("This person is not an active Security Official.", code="not_official")
        if membership.user_id == help_desk_user.pk:
            raise RoleError(
                "You cannot vacate your own Security Official role; another member of the help "
                "desk must.",
                code="own_request",
            )
        verification = CallerVerification.objects.create(
            help_desk_user=help_desk_user,
            organization=organization,
            vacated_membership=membership,
            reason=reason,
            **caller,
        )
        record_event(
            action=Action.CALLER_VERIFIED,
            request=request,
            actor=help_desk_user,
            subject=membership.user,
            organization=organization.pk,
            verification=verification.pk,
        )
        _transition(
            membership, status=Status.REVOKED, actor=help_desk_user, reason=reason, decided=True
        )
        _audit(
            Action.SECURITY_OFFICIAL_VACATED,
            membership,
            request=request,
            actor=help_desk_user,
            verification=verification.pk,
        )
        _email_after_commit(
            name="security_official_vacated",
            to=membership.user,
            context={"membership": membership, "organization": organization},
        )
        if not selectors.has_security_official(organization):
            waiting = Membership.objects.select_for_update().filter(
                organization=organization,
                role=Role.SECURITY_OFFICIAL,
                status=Status.PENDING,
                awaiting=Awaiting.SECURITY_OFFICIAL,
            )
            for pending in waiting:
                _transition(
                    pending,
                    status=Status.PENDING,
                    awaiting=Awaiting.VALIDATION,
                    actor=help_desk_user,
                    reason="The organization has no Security Official now: validate yourself.",
                )
    return verification


def _decide_review(*, membership, help_desk_user, approve, reason, request):
    selectors.require_help_desk(help_desk_user)
    reason = reason.strip()
    with transaction.atomic():
        organization = _lock_organization(membership.organization)
        membership = _lock_membership(membership)
        if not membership.in_manual_review:
            raise RoleError("This request is not in the review queue.", code="not_in_review")
        if membership.user_id == help_desk_user.pk:
            raise RoleError(
                "You cannot decide your own request; another member of the help desk must.",
                code="own_request",
            )
        _transition(
            membership,
            status=Status.ACTIVE if approve else Status.DENIED,
            actor=help_desk_user,
            reason=reason,
            decided=True,
        )
        _audit(
            Action.REVIEW_APPROVED if approve else Action.REVIEW_REJECTED,
            membership,
            request=request,
            actor=help_desk_user,
        )
        _email_after_commit(
            name="review_approved" if approve else "review_rejected",
            to=membership.user,
            context={
                "membership": membership,
                "organization": organization,
                "reason": reason,
                "link": absolute_url(request, "roles:manage"),
            },
        )
    return membership


def approve_manual_review(*, membership, help_desk_user, reason="", request=None):
    """Grant a request whose validation failed three times, after the help desk checked
    the link by hand; email the requester. Help desk only, and never the requester
    themselves (RoleError)."""
    return _decide_review(
        membership=membership,
        help_desk_user=help_desk_user,
        approve=True,
        reason=reason,
        request=request,
    )


def reject_manual_review(*, membership, help_desk_user, reason="", request=None):
    """Deny a request in the review queue; email the requester, who may request again."""
    return _decide_review(
        membership=membership,
        help_desk_user=help_desk_user,
        approve=False,
        reason=reason,
        request=request,
    )


def record_security_official_lookup(*, help_desk_user, organization, request=None):
    """Audit that the help desk looked up who the Security Officials of ``organization`` are
    (telling a caller who holds the role is itself security-relevant)."""
    selectors.require_help_desk(help_desk_user)
    return record_event(
        action=Action.SECURITY_OFFICIALS_LOOKED_UP,
        request=request,
        actor=help_desk_user,
        subject=help_desk_user,
        organization=organization.pk,
    )


# --- Yearly access review ------------------------------------------------------------------


def access_review_window(year):
    """Return ``(opens, deadline)`` of ``year``'s access review (settings ACCESS_REVIEW_*)."""
    month, day = (int(part) for part in settings.ACCESS_REVIEW_OPENS_ON.split("-"))
    opens = timezone.make_aware(datetime(year, month, day))
    return opens, opens + timedelta(days=settings.ACCESS_REVIEW_DAYS)


def _reviewed_memberships(organization):
    return Membership.objects.filter(
        organization=organization,
        status=Status.ACTIVE,
        role__in=(Role.SECURITY_OFFICIAL, Role.STAFF_USER),
    ).select_related("user")


def open_access_review(*, organization, now=None):
    """Open ``organization``'s access review of the year of ``now`` (once a year) with an
    item per active Security Official and Staff User, email every Security Official, and
    return it; return the existing one if it is open already. A sole Security Official's
    own role is confirmed at once: nobody else could, and the last one is never removed."""
    from .models import AccessReview, AccessReviewItem

    now = now or clock.now()
    with transaction.atomic():
        organization = _lock_organization(organization)
        review = AccessReview.objects.filter(organization=organization, year=now.year).first()
        if review is not None:
            return review
        _, deadline = access_review_window(now.year)
        review = AccessReview.objects.create(
            organization=organization, year=now.year, opened_at=now, deadline=max(deadline, now)
        )
        members = list(_reviewed_memberships(organization))
        officials = [m for m in members if m.role == Role.SECURITY_OFFICIAL]
        for membership in members:
            sole_official = membership.role == Role.SECURITY_OFFICIAL and len(officials) == 1
            AccessReviewItem.objects.create(
                review=review, membership=membership, confirmed_at=now if sole_official else None
            )
        record_event(
            action=Action.ACCESS_REVIEW_OPENED,
            actor=None,
            subject=None,
            organization=organization.pk,
            review=review.pk,
            members=len(members),
        )
        for official in officials:
            _email_after_commit(
                name="access_review_opened",
                to=official.user,
                context={
                    "organization": organization,
                    "review": review,
                    "link": absolute_url(None, "roles:access_review", organization.pk),
                },
            )
    return review


def confirm_access(*, item, acting_user, request=None):
    """Record that ``acting_user``, a Security Official of the organization, confirms the
    member of ``item`` still needs the role. Raise RoleError if the review is closed, the
    role no longer active, or it is the acting person's own role."""
    from .models import AccessReviewItem

    with transaction.atomic():
        organization = _lock_organization(item.review.organization)
        _require_manager(acting_user, organization)
        item = (
            AccessReviewItem.objects.select_for_update(of=("self",))
            .select_related("review", "membership")
            .get(pk=item.pk)
        )
        if item.review.organization_id != organization.pk or not item.review.is_open:
            raise RoleError("This access review is closed.", code="review_closed")
        if not item.membership.is_active:
            raise RoleError("This role is not active.", code="not_active")
        if item.membership.user_id == acting_user.pk:
            raise RoleError(
                "Another Security Official confirms your own role.", code="own_request"
            )
        if item.confirmed_at is None:
            item.confirmed_at = clock.now()
            item.confirmed_by = acting_user
            item.save(update_fields=["confirmed_at", "confirmed_by"])
            _audit(
                Action.ACCESS_REVIEW_CONFIRMED,
                item.membership,
                request=request,
                actor=acting_user,
                review=item.review_id,
            )
    return item


def _remind_access_review(review, now):
    if review.reminded_at or now < review.deadline - timedelta(
        days=settings.ACCESS_REVIEW_REMINDER_DAYS
    ):
        return False
    review.reminded_at = now
    review.save(update_fields=["reminded_at"])
    waiting = review.items.filter(confirmed_at__isnull=True, removed_at__isnull=True).count()
    if waiting:
        for official in selectors.security_officials(review.organization):
            _email_after_commit(
                name="access_review_reminder",
                to=official.user,
                context={
                    "organization": review.organization,
                    "review": review,
                    "waiting": waiting,
                    "link": absolute_url(None, "roles:access_review", review.organization_id),
                },
            )
    return True


def close_access_review(*, review, now=None):
    """At the deadline, remove every role of ``review`` nobody confirmed (never the
    organization's last Security Official), email each person and the Security Officials,
    close the review and return how many roles were removed."""
    from .models import AccessReview

    now = now or clock.now()
    removed = []
    with transaction.atomic():
        organization = _lock_organization(review.organization)
        review = AccessReview.objects.select_for_update().get(pk=review.pk)
        if not review.is_open or now < review.deadline:
            return 0
        for item in review.items.select_related("membership__user").filter(
            confirmed_at__isnull=True, removed_at__isnull=True
        ):
            membership = _lock_membership(item.membership)
            if not membership.is_active:
                continue
            if (
                membership.role == Role.SECURITY_OFFICIAL
                and selectors.security_officials(organization).count() <= 1
            ):
                continue  # only the help desk vacates the last Security Official
            reason = (
                f"Not confirmed in the {review.year} access review by {review.deadline:%B %-d}."
            )
            _transition(membership, status=Status.REVOKED, actor=None, reason=reason, decided=True)
            item.removed_at = now
            item.save(update_fields=["removed_at"])
            _audit(Action.ACCESS_REVIEW_REMOVED, membership, actor=None, review=review.pk)
            _email_after_commit(
                name="access_review_removed",
                to=membership.user,
                context={"membership": membership, "organization": organization, "review": review},
            )
            removed.append(membership)
        review.closed_at = now
        review.save(update_fields=["closed_at"])
        if removed:
            for official in selectors.security_officials(organization):
                _email_after_commit(
                    name="access_review_closed",
                    to=official.user,
                    context={
                        "organization": organization,
                        "review": review,
                        "removed": ", ".join(m.user.get_full_name() for m in removed),
                    },
                )
    return len(removed)


def run_access_reviews(*, now=None):
    """Daily: open the year's access reviews once their day comes (organizations with a
    Security Official), send the reminders, and close the reviews past their deadline;
    return how many roles were removed."""
    from .models import AccessReview

    now = now or clock.now()
    opens, _ = access_review_window(now.year)
    if now >= opens:
        reviewed = AccessReview.objects.filter(year=now.year).values("organization_id")
        due = (
            Organization.objects.filter(
                memberships__status=Status.ACTIVE,
                memberships__role=Role.SECURITY_OFFICIAL,
            )
            .exclude(pk__in=reviewed)
            .distinct()
        )
        for organization in due:
            open_access_review(organization=organization, now=now)
    removed = 0
    for review in AccessReview.objects.filter(closed_at__isnull=True).select_related(
        "organization"
    ):
        if now >= review.deadline:
            removed += close_access_review(review=review, now=now)
        else:
            with transaction.atomic():
                _remind_access_review(review, now)
    return removed
