"""The help desk finds a TIN's Security Officials, records a verified caller and vacates
one; the next requester then goes through the first-Security-Official validation."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from roles import services
from roles.models import CallerVerification, Membership
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def caller_details(practice, enrolment, **overrides):
    return {
        "first_name": "Pat",
        "last_name": "Caller",
        "email": "pat.caller@example.com",
        "date_of_birth": "04/28/1980",
        "ssn": "6789",
        "phone": "(217) 555-0143",
        "street_address": "12 Elm Street",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62701",
        "company_name": "Sunrise Family Medicine LLC",
        "business_street_address": "100 Main St",
        "business_city": "Springfield",
        "business_state": "IL",
        "business_zip_code": "62701",
        "business_phone": "(217) 555-0199",
        "office_phone": "(217) 555-0198",
        "practitioner_first_name": "Ada",
        "practitioner_last_name": "Lovelace",
        "legal_business_name": "Sunrise Family Medicine LLC",
        "tin": "12-3456789",
        "npi": enrolment.clinician.npi,
        "ptan": "ADA12345",
        "practitioner_street_address": "100 Main St",
        "practitioner_city": "Springfield",
        "practitioner_state": "IL",
        "practitioner_zip_code": "62701",
        "practitioner_phone": "(217) 555-0197",
        "reason": "Security Official left the practice in March.",
        **overrides,
    }


def test_help_desk_finds_the_security_officials_of_a_tin(
    as_user, help_desk, practice, security_official
):
    client = as_user(help_desk)
    search = client.get(reverse("roles:help_desk"), {"query": "12-3456789"})
    assert list(search.context["results"]) == [practice]
    page = client.get(reverse("roles:help_desk_organization", args=[practice.pk]))
    assert [m.user for m in page.context["officials"]] == [security_official]
    assert AuditEvent.objects.filter(action="roles.officials_looked_up", actor=help_desk).exists()


@pytest.fixture
def caller(db):
    """Pat Caller's own account: the identity the help desk checks the caller against."""
    return UserFactory(
        username="pat.caller",
        first_name="Pat",
        last_name="Caller",
        email="pat.caller@example.com",
        phone="+12175550143",
        street_address="12 Elm Street",
        city="Springfield",
        state="IL",
        zip_code="62701",
    )


def test_help_desk_vacates_the_last_security_official_after_verifying_the_caller(
    outbox, as_user, help_desk, practice, enrolment, security_official, outsider, caller
):
    official = Membership.objects.get(user=security_official)
    client = as_user(help_desk)
    response = client.post(
        reverse("roles:help_desk_organization", args=[practice.pk]),
        {**caller_details(practice, enrolment), "official": official.pk},
    )
    assert response.status_code == 302, response.context["form"].errors
    official.refresh_from_db()
    assert official.status == "revoked" and official.decided_by == help_desk
    verification = CallerVerification.objects.get()
    assert verification.vacated_membership == official
    assert (verification.tin, verification.ptan, verification.phone) == (
        "123456789",
        "ADA12345",
        "+12175550143",
    )
    assert not hasattr(verification, "ssn") and not hasattr(verification, "date_of_birth")
    assert verification.caller == caller
    assert (verification.office_phone, verification.practitioner_city) == (
        "+12175550198",
        "Springfield",
    )
    assert AuditEvent.objects.filter(action="roles.official_vacated", actor=help_desk).exists()
    assert AuditEvent.objects.filter(action="roles.caller_verified", actor=help_desk).exists()
    assert outbox()[-1].to == [security_official.email]

    # The next requester goes through the first-Security-Official validation.
    page = as_user(outsider).get(reverse("roles:connect_role", args=[practice.pk]))
    assert not page.context["has_official"]
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    assert membership.needs_validation


def test_caller_details_are_checked_against_the_reference_data(
    as_user, help_desk, practice, enrolment, security_official
):
    official = Membership.objects.get(user=security_official)
    response = as_user(help_desk).post(
        reverse("roles:help_desk_organization", args=[practice.pk]),
        {
            **caller_details(practice, enrolment, npi=practice.group_npi, tin="98-7654321"),
            "official": official.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "not the TIN of the organization" in errors["tin"][0]
    official.refresh_from_db()
    assert official.status == "active"

    response = as_user(help_desk).post(
        reverse("roles:help_desk_organization", args=[practice.pk]),
        {**caller_details(practice, enrolment, npi=practice.group_npi), "official": official.pk},
    )
    assert "group NPI" in response.context["form"].errors["npi"][0]


def test_pending_security_official_requests_switch_to_validation_when_none_is_left(
    help_desk, practice, enrolment, security_official, outsider
):
    waiting = services.request_role(user=outsider, organization=practice, role="security_official")
    assert waiting.awaiting == "security_official"
    caller = caller_details(practice, enrolment)
    for key in ("reason", "date_of_birth", "ssn"):
        caller.pop(key)
    for key, value in {
        "tin": "123456789",
        "phone": "+12175550143",
        "business_phone": "+12175550199",
        "office_phone": "+12175550198",
        "practitioner_phone": "+12175550197",
    }.items():
        caller[key] = value
    services.vacate_security_official(
        membership=Membership.objects.get(user=security_official),
        help_desk_user=help_desk,
        caller=caller,
        reason="Left",
    )
    waiting.refresh_from_db()
    assert waiting.needs_validation


def test_only_the_help_desk_may_vacate(practice, security_official, staff_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.vacate_security_official(
            membership=Membership.objects.get(user=security_official),
            help_desk_user=staff_user,
            caller={},
            reason="x",
        )


def test_review_queue_lists_oldest_first_in_few_queries(
    as_user, help_desk, django_assert_max_num_queries
):
    from tests.factories import UserFactory
    from tests.organizations.factories import PracticeFactory

    queued = []
    for _ in range(6):
        membership = services.request_role(
            user=UserFactory(), organization=PracticeFactory(), role="security_official"
        )
        for _ in range(3):
            services.validate_first_security_official(
                membership=membership, evidence={"npi": "1234567893", "ptan": "NOPE999"}
            )
        queued.append(membership)
    client = as_user(help_desk)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("roles:help_desk_queue"))
    assert list(response.context["requests"]) == queued
