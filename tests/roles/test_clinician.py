"""Connect as an Individual Clinician: an exact name match lists the clinician's
organizations; Verify grants the view-only Clinician role in each."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from roles.models import Membership
from roles.selectors import match_clinician
from tests.factories import UserFactory
from tests.organizations.factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace(db):
    """Grace Hopper bills under a practice and a virtual group and takes part in an APM."""
    clinician = ClinicianFactory(first_name="Grace", last_name="Hopper")
    practice = PracticeFactory(legal_business_name="Hopper Internal Medicine PC")
    virtual_group = PracticeFactory(
        legal_business_name="Prairie Rural Virtual Group", virtual_group=True
    )
    EnrolmentFactory(clinician=clinician, practice=practice)
    EnrolmentFactory(clinician=clinician, practice=virtual_group)
    entity = ApmEntityFactory(legal_business_name="Harbor Primary Care Collaborative")
    ApmParticipationFactory(entity=entity, practice=practice, clinician=clinician)
    return clinician


def test_connect_type_individual_clinician_leads_to_the_clinician_page(signed_in_client):
    response = signed_in_client.post(reverse("roles:connect"), {"kind": "clinician"})
    assert response.url == reverse("roles:connect_clinician")


def test_exact_name_match_lists_practices_virtual_groups_and_apm_entities(as_user, grace):
    person = UserFactory(first_name="  grace ", last_name="HOPPER")
    page = as_user(person).get(reverse("roles:connect_clinician"))
    names = [o.legal_business_name for o in page.context["match"].organizations]
    assert names == [
        "Harbor Primary Care Collaborative",
        "Hopper Internal Medicine PC",
        "Prairie Rural Virtual Group",
    ]
    assert "Verify" in page.content.decode()


def test_verify_grants_the_view_only_clinician_role_in_each(as_user, grace):
    person = UserFactory(first_name="Grace", last_name="Hopper")
    client = as_user(person)
    response = client.post(reverse("roles:connect_clinician"))
    assert response.url == reverse("roles:manage")
    memberships = Membership.objects.filter(user=person)
    assert memberships.count() == 3
    assert {(m.role, m.status, m.clinician_id) for m in memberships} == {
        ("clinician", "active", grace.pk)
    }
    assert AuditEvent.objects.filter(action="roles.clinician_connected").count() == 3
    practice = memberships.get(organization__legal_business_name__startswith="Hopper").organization
    home = client.get(reverse("roles:organization", args=[practice.pk])).content.decode()
    assert 'data-capability="view_performance_feedback"' in home
    assert 'data-capability="preview_public_reporting"' not in home
    # Verifying again changes nothing.
    client.post(reverse("roles:connect_clinician"))
    assert Membership.objects.filter(user=person).count() == 3


def test_no_match_says_why_and_what_to_do(as_user, grace):
    person = UserFactory(first_name="Gracie", last_name="Hopper")
    page = as_user(person).get(reverse("roles:connect_clinician")).content.decode()
    assert "No clinician matches your name" in page
    assert "Participation Status Lookup" in page and "1-866-288-8292" in page
    response = as_user(person).post(reverse("roles:connect_clinician"))
    assert response.url == reverse("roles:connect_clinician")
    assert not Membership.objects.filter(user=person).exists()


def test_two_clinicians_with_the_same_name_are_not_guessed_between(as_user, grace):
    ClinicianFactory(first_name="Grace", last_name="Hopper")
    person = UserFactory(first_name="Grace", last_name="Hopper")
    assert match_clinician(person).problem == "several"
    page = as_user(person).get(reverse("roles:connect_clinician")).content.decode()
    assert "cannot tell which clinician you are" in page


def test_name_match_ignores_case_and_surrounding_spaces_but_nothing_else(grace):
    assert (
        match_clinician(UserFactory(first_name=" GRACE", last_name="hopper ")).clinician == grace
    )
    assert match_clinician(UserFactory(first_name="Grace", last_name="Hop-per")).problem == "none"
    assert match_clinician(UserFactory(first_name="G.", last_name="Hopper")).problem == "none"
