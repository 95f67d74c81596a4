"""The eligibility API called exactly as the published third-party clients of CMS's API
call it (the R package ``provider``'s quality_eligibility / quality_metrics and the Python
"QPP Eligibility API Data Extractor"): slash-less paths, the v6 Accept header, comma lists,
``/stats``; and the fields they read."""

import pytest
from django.utils import timezone

from feedback.models import ExceptionApplication, OptInElection
from tests.organizations.factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    PracticeFactory,
    valid_npi,
)

from .factories import (
    ClinicianEligibilityFactory,
    ExceptionApplicationFactory,
    OptInElectionFactory,
    PracticeEligibilityFactory,
)

pytestmark = pytest.mark.django_db
V6 = {"HTTP_ACCEPT": "application/vnd.qpp.cms.gov.v6+json"}
UNKNOWN_NPI = valid_npi("199999999")


@pytest.fixture
def eligible(practice, own_clinician, colleague):
    PracticeEligibilityFactory(practice=practice, small_practice=True, rural=True)
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician)
    ClinicianEligibilityFactory(practice=practice, clinician=colleague, may_opt_in=True)


def test_the_r_client_path_comma_list_and_v6_header_answer_200_without_redirect(
    client, eligible, own_clinician, colleague
):
    # provider::quality_eligibility: request("https://qpp.cms.gov/api/eligibility/npis/")
    # |> req_url_path_append(paste(npi, collapse = ",")) |> req_url_query(year = year)
    # |> req_headers(Accept = "application/vnd.qpp.cms.gov.v6+json")
    response = client.get(
        f"/api/eligibility/npis/{own_clinician.npi},{colleague.npi}?year=2026", **V6
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.qpp.cms.gov.v6+json"
    data = response.json()["data"]
    assert [d["npi"] for d in data] == [own_clinician.npi, colleague.npi]


def test_the_older_trailing_slash_and_singular_paths_answer_the_same(
    client, eligible, own_clinician
):
    paths = [
        f"/api/eligibility/npis/{own_clinician.npi}/?year=2026",
        f"/api/eligibility/npi/{own_clinician.npi}?year=2026",
        f"/api/eligibility/npi/{own_clinician.npi}/?year=2026",
        f"/api/eligibility/npis/{own_clinician.npi}?year=2026",
    ]
    answers = [client.get(path, **V6) for path in paths]
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1


def test_a_comma_list_reports_the_npis_not_found(client, eligible, own_clinician):
    response = client.get(f"/api/eligibility/npis/{own_clinician.npi},{UNKNOWN_NPI}?year=2026")
    data = response.json()["data"]
    assert response.status_code == 200
    assert data[1] == {
        "npi": UNKNOWN_NPI,
        "error": {
            "type": "NotFound",
            "message": "No clinician with this NPI is known to the program.",
        },
    }


def test_another_version_of_the_api_is_not_acceptable(client, eligible, own_clinician):
    response = client.get(
        f"/api/eligibility/npis/{own_clinician.npi}?year=2026",
        HTTP_ACCEPT="application/vnd.qpp.cms.gov.v2+json",
    )
    assert response.status_code == 406
    assert response.json()["error"]["type"] == "NotAcceptable"


def test_stats_answer_the_averages_the_r_client_reads(client):
    # provider::quality_metrics: request("https://qpp.cms.gov/api/eligibility/stats") |>
    # req_url_query(year = y); reads data$individual / data$group hccRiskScoreAverage and
    # dualEligibilityAverage.
    for path in ("/api/eligibility/stats?year=2024", "/api/eligibility/stats/?year=2024"):
        response = client.get(path, **V6)
        assert response.status_code == 200
        data = response.json()["data"]
        for level in ("individual", "group"):
            assert isinstance(data[level]["hccRiskScoreAverage"], float)
            assert isinstance(data[level]["dualEligibilityAverage"], float)
    assert client.get("/api/eligibility/stats?year=1999").status_code == 400


def test_the_fields_the_clients_read_are_there(
    client, eligible, practice, own_clinician, colleague
):
    OptInElectionFactory(
        practice=practice, clinician=colleague, decision=OptInElection.Decision.OPT_IN
    )
    data = client.get(f"/api/eligibility/npis/{colleague.npi}?year=2026", **V6).json()["data"]
    for key in (
        "firstApprovedDate",
        "yearsInMedicare",
        "pecosEnrollmentDate",
        "newlyEnrolled",
        "qpStatus",
        "isMaqi",
        "amsMipsEligibleClinician",
    ):
        assert key in data
    assert set(data["specialty"]) == {
        "specialtyDescription",
        "typeDescription",
        "categoryReference",
    }
    assert isinstance(data["yearsInMedicare"], int)
    (organization,) = data["organizations"]
    individual, group = organization["individualScenario"], organization["groupScenario"]
    assert individual["specialtyCode"] == "08"  # Family Practice
    assert individual["specialty"]["categoryReference"] == "Physician"
    assert individual["lowVolumeStatusReasons"] == [
        {
            "lowVolStusRsnCd": "BENE",
            "lowVolStusRsnDesc": "Part B beneficiaries at or below the threshold",
        }
    ]
    assert individual["isOptedIn"] is True and individual["optInDecisionDate"]
    for scenario in (individual, group):
        for key in (
            "aciHardship",
            "aciReweighting",
            "extremeHardship",
            "extremeHardshipReasons",
            "extremeHardshipSources",
            "hospitalBasedClinician",
            "hpsaClinician",
            "nonPatientFacing",
            "ruralClinician",
            "smallGroupPractitioner",
            "optInDecisionDate",
        ):
            assert key in scenario
        assert scenario["smallGroupPractitioner"] is True and scenario["ruralClinician"] is True
        assert set(scenario["extremeHardshipReasons"]) == {
            "quality",
            "improvementActivities",
            "aci",
            "cost",
        }


def test_an_approved_exception_reaches_the_api(client, eligible, practice, own_clinician):
    ExceptionApplicationFactory(
        organization=practice,
        performance_year=2026,
        status=ExceptionApplication.Status.APPROVED,
        decided_at=timezone.now(),
        quality=True,
        cost=True,
        improvement_activities=False,
        promoting_interoperability=True,
    )
    ExceptionApplicationFactory(
        organization=practice,
        clinician=own_clinician,
        performance_year=2026,
        kind=ExceptionApplication.Kind.PI_HARDSHIP,
        reason=ExceptionApplication.Reason.SMALL_PRACTICE,
        status=ExceptionApplication.Status.SUBMITTED,  # not yet approved: no effect
        quality=False,
        cost=False,
        improvement_activities=False,
        promoting_interoperability=True,
    )
    body = client.get(f"/api/eligibility/npis/{own_clinician.npi}?year=2026", **V6).json()
    group = body["data"]["organizations"][0]["groupScenario"]
    individual = body["data"]["organizations"][0]["individualScenario"]
    for scenario in (group, individual):
        assert scenario["extremeHardship"] is True
        assert scenario["extremeHardshipReasons"] == {
            "quality": True,
            "improvementActivities": False,
            "aci": True,
            "cost": True,
        }
        assert scenario["aciReweighting"] is True and scenario["aciHardship"] is False
        assert scenario["extremeHardshipSources"] == ["manual"]


def test_apms_carry_the_model_flags_lvt_and_qp_scores(client, practice, own_clinician):
    entity = ApmEntityFactory(model_type="ocm")
    ApmParticipationFactory(entity=entity, practice=practice, performance_year=2022)
    ApmParticipationFactory(
        entity=entity, practice=practice, clinician=own_clinician, performance_year=2022
    )
    PracticeEligibilityFactory(practice=practice, performance_year=2022, allowed_charges=500_000)
    ClinicianEligibilityFactory(
        practice=practice,
        clinician=own_clinician,
        performance_year=2022,
        qp_status="Y",
        individual_eligible=False,
        group_eligible=False,
    )
    data = client.get(f"/api/eligibility/npis/{own_clinician.npi}?year=2022", **V6).json()["data"]
    (apm,) = data["organizations"][0]["apms"]
    assert apm["apmId"] == "OCM" and apm["entityName"] == entity.legal_business_name
    assert apm["advancedApmFlag"] is True and apm["mipsApmFlag"] is True
    assert apm["lvtFlag"] is False and apm["lvtPayments"] == 500_000
    assert apm["lvtPerformanceYear"] == 2022
    assert set(apm["qpPatientScores"]) == {"me"} and set(apm["qpPaymentScores"]) == {"me"}
    assert data["qpStatus"] == "Y"


def test_a_virtual_group_lists_its_identifier_and_figures(client, own_clinician):
    group = PracticeFactory(virtual_group=True)
    PracticeEligibilityFactory(practice=group, performance_year=2026, beneficiaries=900)
    ClinicianEligibilityFactory(practice=group, clinician=own_clinician)
    data = client.get(f"/api/eligibility/npis/{own_clinician.npi}?year=2026", **V6).json()["data"]
    (virtual,) = next(o for o in data["organizations"] if o["virtualGroups"])["virtualGroups"]
    assert virtual["virtualGroupIdentifier"] == group.virtual_group_id
    assert virtual["virtualGroupIdentifier"].startswith("VG-")
    assert virtual["beneficiaryCount"] == 900
    assert "specialScenario" in virtual and "lowVolumeStatusReasons" in virtual
