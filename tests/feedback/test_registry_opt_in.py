"""Opt-in elections made by a registry on behalf of its clients (the practices it submits
data for), and the opt-in card of Manage Access."""

import pytest
from django.urls import reverse

from feedback.models import OptInElection
from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import PracticeFactory, RegistryFactory
from tests.submissions.factories import MeasurementSetFactory

from .conftest import member
from .factories import ClinicianEligibilityFactory, PracticeEligibilityFactory
from .seed003_matrix import matrix_params, person_with_role

pytestmark = pytest.mark.django_db


def url(organization):
    return reverse("feedback:opt_in", args=[organization.pk])


@pytest.mark.parametrize(("kind", "role", "allowed"), matrix_params("opt_in"))
def test_only_practice_and_registry_staff_open_opt_in(client, sign_in, kind, role, allowed):
    user, organization = person_with_role(kind, role)
    sign_in(client, user)
    assert client.get(url(organization)).status_code == (200 if allowed else 403)


@pytest.fixture
def registry():
    return RegistryFactory(legal_business_name="Acme QCDR")


@pytest.fixture
def registry_staff(registry):
    user = UserFactory()
    member(user, registry, Role.STAFF_USER)
    return user


@pytest.fixture
def client_practice(registry, own_clinician, practice):
    """``practice`` is Acme's client for 2026: Acme submitted a set for its TIN; the group
    and Ada may opt in."""
    MeasurementSetFactory(
        submitter=registry, submission__taxpayer_identification_number=practice.tin
    )
    PracticeEligibilityFactory(practice=practice, below_beneficiaries=True, opt_in_eligible=True)
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    return practice


def test_a_registry_sees_its_client_and_who_there_may_opt_in(
    client, sign_in, registry_staff, registry, client_practice, own_clinician
):
    sign_in(client, registry_staff)
    content = client.get(url(registry)).content.decode()
    assert client_practice.legal_business_name in content
    assert own_clinician.full_name in content
    assert "No one in this practice may opt in" not in content


def test_a_registry_makes_an_election_for_a_clients_clinician(
    client, sign_in, registry_staff, registry, client_practice, own_clinician
):
    sign_in(client, registry_staff)
    response = client.post(
        url(registry),
        {
            "year": "2026",
            "client": client_practice.pk,
            "subject": own_clinician.npi,
            "decision": "opt_in",
        },
    )
    assert response.status_code == 302
    assert f"client={client_practice.pk}" in response["Location"]
    election = OptInElection.objects.get()
    assert election.practice == client_practice and election.clinician == own_clinician
    assert election.made_by == registry_staff


@pytest.mark.parametrize("client_id", [None, "abc", "99999", "1 OR 1=1", "<b>"])
def test_a_practice_that_is_not_a_client_is_refused(
    client, sign_in, registry_staff, registry, client_practice, own_clinician, client_id
):
    stranger = PracticeFactory()
    sign_in(client, registry_staff)
    response = client.post(
        url(registry),
        {
            "year": "2026",
            "client": client_id or stranger.pk,
            "subject": own_clinician.npi,
            "decision": "opt_in",
        },
    )
    assert response.status_code == 404
    assert not OptInElection.objects.exists()


def test_a_registry_without_clients_is_told_how_one_becomes_a_client(
    client, sign_in, registry_staff, registry
):
    sign_in(client, registry_staff)
    content = client.get(url(registry)).content.decode()
    assert "becomes your client when you submit data for it" in content


def test_the_opt_in_card_links_to_the_opt_in_page(client, sign_in, staff_user, practice):
    sign_in(client, staff_user)
    content = client.get(reverse("roles:organization", args=[practice.pk])).content.decode()
    assert url(practice) in content
