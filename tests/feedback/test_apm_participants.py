"""View APM participants: who may open it, the year's TINs and clinicians with eligibility
and QP status, search (including hostile input) and the CSV export."""

import csv
import io

import pytest
from django.urls import reverse

from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import (
    ApmParticipationFactory,
    ClinicianFactory,
    PracticeFactory,
)

from .conftest import member
from .factories import ClinicianEligibilityFactory
from .seed003_matrix import matrix_params, person_with_role

pytestmark = pytest.mark.django_db


def url(entity):
    return reverse("feedback:apm_participants", args=[entity.pk])


@pytest.mark.parametrize(("kind", "role", "allowed"), matrix_params("apm_participants"))
def test_only_apm_entity_staff_and_officials_open_it(client, sign_in, kind, role, allowed):
    user, organization = person_with_role(kind, role)
    sign_in(client, user)
    assert client.get(url(organization)).status_code == (200 if allowed else 403)


@pytest.fixture
def entity_staff(apm_entity):
    user = UserFactory()
    member(user, apm_entity, Role.STAFF_USER)
    return user


@pytest.fixture
def participants(apm_entity):
    """2025: two TINs; Ada (QP) under the first, Bert (not QP) under the second; 2024: only
    the first TIN."""
    first = PracticeFactory(legal_business_name="Harbor Clinic", tin="111112222")
    second = PracticeFactory(legal_business_name="=HYPERLINK(1) Group", tin="333334444")
    ada = ClinicianFactory(first_name="Ada", last_name="Quinn", npi="1234567893")
    bert = ClinicianFactory(first_name="Bert", last_name="Zimmer")
    for practice in (first, second):
        ApmParticipationFactory(entity=apm_entity, practice=practice, performance_year=2025)
    ApmParticipationFactory(entity=apm_entity, practice=first, performance_year=2024)
    ApmParticipationFactory(
        entity=apm_entity, practice=first, clinician=ada, performance_year=2025
    )
    ApmParticipationFactory(
        entity=apm_entity, practice=second, clinician=bert, performance_year=2025
    )
    ClinicianEligibilityFactory(
        clinician=ada,
        practice=first,
        performance_year=2025,
        qp_status="Y",
        individual_eligible=False,
        group_eligible=False,
    )
    return {"first": first, "second": second, "ada": ada, "bert": bert}


def test_the_newest_year_lists_tins_and_clinicians_with_qp_status(
    client, sign_in, entity_staff, apm_entity, participants
):
    sign_in(client, entity_staff)
    content = client.get(url(apm_entity)).content.decode()
    assert "Harbor Clinic" in content and "***-**2222" in content
    assert "111112222" not in content
    assert "Ada Quinn" in content and "Qualifying APM Participant" in content
    assert "Bert Zimmer" in content and "Not determined" in content


def test_another_year_shows_that_years_participants(
    client, sign_in, entity_staff, apm_entity, participants
):
    sign_in(client, entity_staff)
    content = client.get(url(apm_entity), {"year": "2024"}).content.decode()
    assert "Harbor Clinic" in content and "Ada Quinn" not in content


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("quinn", "Ada Quinn", "Bert Zimmer"),
        ("1234567893", "Ada Quinn", "Bert Zimmer"),
        ("4444", "Bert Zimmer", "Ada Quinn"),
        ("' OR 1=1 --", None, "Ada Quinn"),
        ("<script>x</script>", None, "Ada Quinn"),
        ("中文", None, "Ada Quinn"),
    ],
)
def test_search_narrows_by_name_npi_or_tin_digits(
    client, sign_in, entity_staff, apm_entity, participants, query, shown, hidden
):
    sign_in(client, entity_staff)
    response = client.get(url(apm_entity), {"year": "2025", "q": query})
    content = response.content.decode()
    assert response.status_code == 200
    if shown:
        assert shown in content
    assert hidden not in content
    assert "<script>x</script>" not in content


def test_a_too_long_search_is_refused_beside_the_field(
    client, sign_in, entity_staff, apm_entity, participants
):
    sign_in(client, entity_staff)
    response = client.get(url(apm_entity), {"year": "2025", "q": "a" * 101})
    assert response.status_code == 400
    assert "at most 100" in response.context["search"].errors["q"][0]
    assert 'value="' + "a" * 101 in response.content.decode()


def test_the_csv_has_every_participant_with_masked_tins_and_safe_cells(
    client, sign_in, entity_staff, apm_entity, participants
):
    sign_in(client, entity_staff)
    response = client.get(reverse("feedback:apm_participants_csv", args=[apm_entity.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Performance year"
    assert len(rows) == 1 + 2 + 2
    assert "111112222" not in response.content.decode()
    assert any(r[3].startswith("'=HYPERLINK") for r in rows[1:])
    ada = next(r for r in rows if r[4] == "1234567893")
    assert ada[-1] == "Qualifying APM Participant"


def test_the_csv_follows_the_search(client, sign_in, entity_staff, apm_entity, participants):
    sign_in(client, entity_staff)
    response = client.get(
        reverse("feedback:apm_participants_csv", args=[apm_entity.pk]),
        {"year": "2025", "q": "zimmer"},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [r[5] for r in rows[1:]] == ["Bert Zimmer"]


def test_the_list_reads_a_fixed_number_of_queries(
    client, sign_in, entity_staff, apm_entity, participants, django_assert_max_num_queries
):
    sign_in(client, entity_staff)
    for _n in range(20):
        ApmParticipationFactory(
            entity=apm_entity,
            practice=participants["first"],
            clinician=ClinicianFactory(),
            performance_year=2025,
        )
    with django_assert_max_num_queries(20):
        client.get(url(apm_entity))
