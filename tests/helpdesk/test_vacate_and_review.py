"""The vacate form asks for all of seed 004's list in fieldsets and checks it (the caller
against their account, the practitioner against the reference data); the failed-validation
review shows what was typed beside what the reference data holds."""

import pytest
from django.urls import reverse

from roles import services
from roles.models import Membership
from tests.roles.test_help_desk import caller_details

pytestmark = pytest.mark.django_db


@pytest.fixture
def official(security_official):
    return Membership.objects.get(user=security_official)


def post(desk, practice, data):
    return desk.post(reverse("roles:help_desk_organization", args=[practice.pk]), data)


def test_the_form_groups_seed_004s_list_in_fieldsets_with_legends(desk, practice, official):
    html = desk.get(reverse("roles:help_desk_organization", args=[practice.pk])).content.decode()
    for legend in ("The caller", "Business contact", "One current practitioner billing"):
        assert f'<legend class="usa-legend usa-legend--large">{legend}' in html
    for field in (
        "date_of_birth",
        "ssn",
        "office_phone",
        "practitioner_street_address",
        "practitioner_phone",
        "legal_business_name",
    ):
        assert f'name="{field}"' in html


@pytest.mark.parametrize(
    "field, wrong, message",
    [
        ("legal_business_name", "Sunset Medicine LLC", "not the legal business name"),
        ("ptan", "ZZZ99999", "No clinician bills under this TIN"),
        ("practitioner_last_name", "Byron", "not the name of the clinician"),
        ("tin", "98-7654321", "not the TIN of the organization"),
        ("email", "nobody@example.com", "No account has this email address"),
        ("ssn", "1234", "does not match the Social Security Number"),
        ("date_of_birth", "01/01/1970", "not the date of birth"),
    ],
)
def test_a_mismatch_is_refused_beside_its_field_and_nothing_typed_is_lost(
    desk, practice, enrolment, official, field, wrong, message
):
    from tests.factories import UserFactory

    UserFactory(
        username="pat.caller",
        first_name="Pat",
        last_name="Caller",
        email="pat.caller@example.com",
        phone="+12175550143",
        street_address="12 Elm Street",
        zip_code="62701",
    )
    data = {**caller_details(practice, enrolment), "official": official.pk, field: wrong}
    response = post(desk, practice, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    for kept in ("Springfield", "100 Main St", "(217) 555-0198"):
        assert kept in html
    if field != "ssn":
        assert f'value="{wrong}"' in html
    official.refresh_from_db()
    assert official.is_active


def test_the_failed_validation_review_shows_what_was_typed_beside_the_reference_data(
    desk, practice, enrolment, outsider
):
    membership = services.request_role(
        user=outsider, organization=practice, role="security_official"
    )
    for ptan in ("WRONG0001", "WRONG0002", "WRONG0003"):
        services.validate_first_security_official(
            membership=membership, evidence={"npi": enrolment.clinician.npi, "ptan": ptan}
        )
    membership.refresh_from_db()
    assert membership.in_manual_review
    response = desk.get(reverse("roles:help_desk_review", args=[membership.pk]))
    attempts = response.context["attempts"]
    assert [a.evidence["ptan"] for a in attempts] == ["WRONG0001", "WRONG0002", "WRONG0003"]
    assert attempts[0].checks[0][3] is True  # the NPI bills under the TIN
    assert attempts[0].checks[1][3] is False  # the PTAN does not
    html = response.content.decode()
    assert "WRONG0003" in html and "ADA12345" in html and enrolment.clinician.npi in html
    assert "Clinicians billing under this TIN" in html
