"""Why the portal decided what it did about a person: each decision with the rule that made
it and the data it compared, personal data masked, read from the models and the audit log.
For the trainer's console only."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from organizations import selectors as organization_selectors
from organizations.models import mask_tin
from organizations.validators import normalize_npi, normalize_ptan
from proofing.models import ProofingAttempt
from qpp_portal import clock
from roles.models import Membership, ValidationAttempt


@dataclass
class Decision:
    when: object
    what: str
    rule: str
    compared: list = field(default_factory=list)  # (label, value) pairs, masked


def mask_tail(value, keep=4):
    """Hide all but the last ``keep`` characters: ``******3194``."""
    value = str(value or "")
    if len(value) <= keep:
        return "*" * len(value)
    return "*" * (len(value) - keep) + value[-keep:]


def _practice_comparison(organization, evidence):
    npi, ptan = normalize_npi(evidence.get("npi", "")), normalize_ptan(evidence.get("ptan", ""))
    rows = [
        ("Practice TIN", mask_tin(organization.tin)),
        ("NPI entered", mask_tail(npi)),
        ("PTAN entered", mask_tail(ptan, 2)),
        (
            "Is a group NPI or PTAN",
            "yes" if organization_selectors.is_group_identifier(organization, npi, ptan) else "no",
        ),
        ("Clinicians billing under the TIN", str(organization.enrolments.count())),
        (
            "An enrolment with both numbers",
            "yes"
            if organization_selectors.find_individual_enrolment(organization, npi, ptan)
            else "no",
        ),
    ]
    return rows


RULES = {
    "group_identifier": "The first Security Official of a practice proves the link with the "
    "individual NPI and individual PTAN of a clinician billing under the TIN; a group NPI or "
    "group PTAN is refused.",
    "no_match": "The numbers entered must match one enrolment in CMS's reference data "
    "(for a registry: its registry ID and TIN).",
    "entity_id_mismatch": "The APM Entity ID entered must be this entity's.",
    "tins_missing": "An APM Entity's first Security Official gives the TINs of two "
    "participating practices (one for a single-TIN entity).",
    "tin_not_participating": "Every TIN given must take part in the APM Entity this "
    "performance year.",
    "too_many_failures": "Too many failed tries in the window: the request goes to the help desk.",
}


def _validation_decisions(user):
    attempts = (
        ValidationAttempt.objects.filter(membership__user=user)
        .exclude(failure_code="")
        .select_related("membership__organization")
    )
    decisions = []
    for attempt in attempts:
        organization = attempt.membership.organization
        compared = [("Organization", str(organization))]
        if attempt.evidence.get("npi") is not None or attempt.evidence.get("ptan") is not None:
            compared = _practice_comparison(organization, attempt.evidence)
        elif attempt.evidence.get("tins") is not None:
            compared += [
                ("APM Entity ID entered", attempt.evidence.get("entity_id", "")),
                ("TINs entered", ", ".join(mask_tin(t) for t in attempt.evidence["tins"])),
            ]
        compared.append(
            (
                "Limit",
                f"{settings.ROLE_MAX_VALIDATION_FAILURES} failed tries within "
                f"{settings.ROLE_VALIDATION_FAILURE_WINDOW_DAYS} days",
            )
        )
        decisions.append(
            Decision(
                when=attempt.created_at,
                what=f"Validation try refused ({attempt.failure_code}) for {organization}",
                rule=RULES.get(attempt.failure_code, attempt.failure_code),
                compared=compared,
            )
        )
    return decisions


def _review_decisions(user):
    sent = Membership.objects.filter(
        user=user, awaiting=Membership.Awaiting.HELP_DESK
    ).select_related("organization")
    return [
        Decision(
            when=membership.requested_at,
            what=f"Request sent to the help desk's review: {membership.organization}",
            rule=f"After {settings.ROLE_MAX_VALIDATION_FAILURES} failed validation tries the "
            "request waits for a help-desk decision and cannot be cancelled.",
            compared=[("Failed tries on this request", str(membership.validation_failures))],
        )
        for membership in sent
    ]


def _quiz_decisions(user):
    failed = ProofingAttempt.objects.filter(user=user, status__in=ProofingAttempt.FAILED_STATUSES)
    decisions = []
    for attempt in failed:
        compared = [
            ("Right answers", f"{attempt.correct_count} of {attempt.question_count}"),
            ("Needed", str(settings.PROOFING_PASS_MINIMUM)),
        ]
        if attempt.status == ProofingAttempt.Status.EXPIRED:
            minutes = int(settings.PROOFING_QUIZ_TIME_LIMIT.total_seconds() // 60)
            compared = [("Time limit", f"{minutes} minutes from {attempt.started_at:%H:%M}")]
        missed = (attempt.evidence or {}).get("missed_topics")
        if missed:
            compared.append(("Topics missed", ", ".join(missed)))
        decisions.append(
            Decision(
                when=attempt.completed_at or attempt.started_at,
                what=f"Identity questions failed ({attempt.get_status_display()})",
                rule=f"Pass with {settings.PROOFING_PASS_MINIMUM} of "
                f"{settings.PROOFING_QUESTION_COUNT} right within the time limit; 3 failures "
                "in 24 hours send the person to manual proofing.",
                compared=compared,
            )
        )
    return decisions


def _lockout_decisions(user):
    from axes.models import AccessAttempt

    now = clock.now()
    decisions = []
    for attempt in AccessAttempt.objects.filter(username__iexact=user.username):
        if attempt.failures_since_start < settings.AXES_FAILURE_LIMIT:
            continue
        decisions.append(
            Decision(
                when=attempt.attempt_time,
                what="Sign-in locked",
                rule=f"{settings.AXES_FAILURE_LIMIT} failed sign-ins lock the User ID for "
                f"{int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)} minutes.",
                compared=[("Failed sign-ins", str(attempt.failures_since_start))],
            )
        )
    if not user.is_active and user.deactivation_reason == user.DeactivationReason.DORMANT:
        last = user.last_login or user.date_joined
        decisions.append(
            Decision(
                when=None,
                what="Account deactivated for dormancy",
                rule=f"An account unused for {settings.ACCOUNT_DORMANCY_DAYS} days is "
                "deactivated; a password reset brings it back.",
                compared=[
                    ("Last sign-in", f"{last:%b %d, %Y}"),
                    ("Today (clock)", f"{now:%b %d, %Y}"),
                    ("Days unused", str((now - last) // timedelta(days=1))),
                ],
            )
        )
    return decisions


def decisions_for(user):
    """Return the portal's decisions about ``user``, newest first (undated ones last)."""
    found = (
        _validation_decisions(user)
        + _review_decisions(user)
        + _quiz_decisions(user)
        + _lockout_decisions(user)
    )
    dated = sorted((d for d in found if d.when), key=lambda d: d.when, reverse=True)
    return dated + [d for d in found if not d.when]
