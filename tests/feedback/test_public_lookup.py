"""The public participation lookup page and the JSON eligibility API."""

import pytest
from django.test import override_settings
from django.urls import reverse

from feedback.models import OptInElection
from tests.organizations.factories import ApmParticipationFactory, PracticeFactory, valid_npi

from .factories import (
    ClinicianEligibilityFactory,
    OptInElectionFactory,
    PracticeEligibilityFactory,
)

pytestmark = pytest.mark.django_db

UNKNOWN_NPI = valid_npi("199999999")


def api(client, npis, **params):
    return client.get(reverse("eligibility_api:npis", args=[npis]), params)


@pytest.fixture
def eligible(practice, own_clinician):
    PracticeEligibilityFactory(practice=practice)
    return ClinicianEligibilityFactory(practice=practice, clinician=own_clinician)


def test_api_answers_in_the_shape_of_cms_public_eligibility_api(
    client, eligible, own_clinician, practice
):
    response = api(client, own_clinician.npi, year=2026)
    assert response.status_code == 200
    data = response.json()["data"]
    assert {
        "npi",
        "firstName",
        "lastName",
        "nationalProviderIdentifierType",
        "newlyEnrolled",
        "qpStatus",
        "organizations",
    } <= set(data)
    assert data["npi"] == own_clinician.npi
    assert data["nationalProviderIdentifierType"] == 1
    assert data["qpStatus"] == "N"
    (organization,) = data["organizations"]
    assert organization["TIN"] == practice.masked_tin
    assert organization["prvdrOrgName"] == practice.legal_business_name
    assert organization["apms"] == [] and organization["virtualGroups"] == []
    for scenario in (organization["individualScenario"], organization["groupScenario"]):
        assert set(scenario["isEligible"]) == {"individual", "group", "mipsApm", "virtualGroup"}
        for key in (
            "lowVolumeSwitch",
            "lowVolumeStatusReasons",
            "isOptInEligible",
            "isOptedIn",
            "specialty",
        ):
            assert key in scenario
    assert organization["individualScenario"]["isEligible"]["individual"] is True


def test_api_never_shows_the_full_tin(client, eligible, own_clinician, practice):
    practice.tin = "987654321"
    practice.save()
    assert practice.tin not in api(client, own_clinician.npi, year=2026).content.decode()


def test_api_reports_low_volume_reasons_opt_in_and_apms(client, practice, own_clinician):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    OptInElectionFactory(
        practice=practice, clinician=own_clinician, decision=OptInElection.Decision.OPT_IN
    )
    entity = ApmParticipationFactory(
        practice=practice, clinician=own_clinician, performance_year=2026
    ).entity
    scenario_org = api(client, own_clinician.npi, year=2026).json()["data"]["organizations"][0]
    individual = scenario_org["individualScenario"]
    assert individual["lowVolumeSwitch"] is True
    assert individual["lowVolumeStatusReasons"] == [
        {
            "lowVolStusRsnCd": "BENE",
            "lowVolStusRsnDesc": "Part B beneficiaries at or below the threshold",
        }
    ]
    assert individual["isOptInEligible"] is True and individual["isOptedIn"] is True
    assert scenario_org["apms"][0]["entityId"] == entity.entity_id


def test_api_answers_a_list_for_several_npis(client, eligible, own_clinician, colleague, practice):
    ClinicianEligibilityFactory(practice=practice, clinician=colleague)
    response = api(client, f"{own_clinician.npi},{colleague.npi},{UNKNOWN_NPI}", year=2026)
    data = response.json()["data"]
    assert [d["npi"] for d in data] == [own_clinician.npi, colleague.npi, UNKNOWN_NPI]
    # Issue 14: an unknown NPI in a list is reported, not dropped.
    assert data[2]["error"]["type"] == "NotFound" and "organizations" not in data[2]


@pytest.mark.parametrize(
    "npis, message",
    [
        ("1234567890", "last digit does not match"),
        ("123", "10 digits"),
        ("abcdefghij", "10 digits"),
        ("3234567891", "starts with 1 or 2"),
        ("1234567893,12", "10 digits"),
        ("' OR 1=1 --", "10 digits"),
        (",".join(["1234567893"] * 26), "at most 25"),
    ],
)
def test_api_answers_400_with_a_message_for_a_bad_npi(client, npis, message):
    response = api(client, npis, year=2026)
    assert response.status_code == 400
    assert message in response.json()["error"]["message"]
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("year", ["2016", "abc", "2026; DROP TABLE", ""])
def test_api_answers_400_for_a_bad_year(client, eligible, own_clinician, year):
    response = api(client, own_clinician.npi, year=year)
    assert response.status_code == 400
    assert "year must be" in response.json()["error"]["message"]


def test_api_answers_404_for_an_unknown_npi(client):
    response = api(client, UNKNOWN_NPI, year=2026)
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "NotFound"


def test_api_refuses_other_methods(client, eligible, own_clinician):
    assert (
        client.post(reverse("eligibility_api:npis", args=[own_clinician.npi])).status_code == 405
    )


@override_settings(
    RATE_LIMITS={
        "public_api": "3/m",
        "send_code": "5/10m",
        "recovery": "10/h",
        "registration": "20/h",
    }
)
def test_api_is_rate_limited_per_client_address(client, eligible, own_clinician):
    for _ in range(3):
        assert api(client, own_clinician.npi, year=2026).status_code == 200
    response = api(client, own_clinician.npi, year=2026)
    assert response.status_code == 429
    assert "Too many requests" in response.json()["error"]["message"]
    other = client.get(
        reverse("eligibility_api:npis", args=[own_clinician.npi]),
        {"year": 2026},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_lookup_page_shows_status_per_practice_without_sign_in(
    client, eligible, own_clinician, practice
):
    second = PracticeFactory(legal_business_name="Second Street Clinic")
    ClinicianEligibilityFactory(
        practice=second, clinician=own_clinician, below_charges=True, individual_eligible=False
    )
    response = client.get(reverse("feedback:lookup"), {"npi": own_clinician.npi, "year": "2026"})
    content = response.content.decode()
    assert response.status_code == 200
    assert own_clinician.full_name in content
    assert "Required to participate" in content
    assert "Second Street Clinic" in content and "Allowed charges at or below" in content
    assert practice.tin not in content


def test_a_lookup_link_with_only_an_npi_uses_the_current_year(client, eligible, own_clinician):
    response = client.get(reverse("feedback:lookup"), {"npi": own_clinician.npi})
    content = response.content.decode()
    assert "Select performance year" not in content
    assert response.context["result"]["year"] == 2026
    assert own_clinician.full_name in content and "Required to participate" in content


@pytest.mark.parametrize(
    "npi, message",
    [
        ("1234567890", "last digit does not match"),
        ("12345", "10 digits"),
        ("<script>x</script>", "10 digits"),
        ("", "Enter an NPI."),
    ],
)
def test_lookup_page_validates_the_check_digit_and_escapes_input(client, npi, message):
    content = client.get(reverse("feedback:lookup"), {"npi": npi, "year": "2026"}).content.decode()
    assert message in content
    assert "<script>x</script>" not in content


def test_lookup_page_says_when_a_valid_npi_is_unknown(client):
    content = client.get(
        reverse("feedback:lookup"), {"npi": UNKNOWN_NPI, "year": "2026"}
    ).content.decode()
    assert "not known to the program" in content
