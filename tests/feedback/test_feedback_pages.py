"""Feedback pages: who sees what, the year picker, the drill-down and the CSV download."""

import csv
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from feedback.models import FeedbackReport
from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory, PracticeFactory

from .conftest import member
from .factories import FeedbackReportFactory

pytestmark = pytest.mark.django_db


def summary_url(organization, year=None):
    url = reverse("feedback:summary", args=[organization.pk])
    return f"{url}?year={year}" if year else url


def clinician_url(organization, npi, year=2025):
    return reverse("feedback:clinician", args=[organization.pk, npi]) + f"?year={year}"


@pytest.mark.parametrize("persona", ["staff_user", "security_official"])
def test_staff_and_security_officials_see_the_group_score_chart_and_every_clinician(
    request, client, sign_in, practice, reports, persona
):
    sign_in(client, request.getfixturevalue(persona))
    response = client.get(summary_url(practice))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Group feedback" in content
    assert "<svg" in content and 'role="img"' in content
    assert "Performance threshold 75" in content
    assert str(reports["group"].final_score) in content
    for report in (reports["own"], reports["other"]):
        assert clinician_url(practice, report.clinician.npi).replace("&", "&amp;") in content


def test_the_chart_has_a_table_alternative_with_every_category_and_weight(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    content = client.get(summary_url(practice, 2025)).content.decode()
    for label in ("Quality", "Promoting Interoperability", "Improvement Activities", "Cost"):
        assert f'<th scope="row">{label}</th>' in content
    assert "30%" in content and "25%" in content and "15%" in content
    assert "Payment adjustment in 2027" in content


def test_a_clinician_sees_only_their_own_individual_feedback(
    client, sign_in, clinician_user, practice, reports, own_clinician, colleague
):
    sign_in(client, clinician_user)
    content = client.get(summary_url(practice)).content.decode()
    assert f"Your individual feedback (NPI {own_clinician.npi})" in content
    assert colleague.npi not in content
    assert colleague.last_name not in content
    # Issue 14: the group-reported score that applies to them is shown beside their own.
    assert "Group feedback that applies to you" in content
    assert str(reports["group"].final_score) in content


def test_a_clinician_asking_for_another_npis_feedback_is_not_found(
    client, sign_in, clinician_user, practice, reports, colleague
):
    sign_in(client, clinician_user)
    assert client.get(clinician_url(practice, colleague.npi)).status_code == 404


def test_a_clinician_may_open_their_own_drill_down(
    client, sign_in, clinician_user, practice, reports, own_clinician
):
    sign_in(client, clinician_user)
    response = client.get(clinician_url(practice, own_clinician.npi))
    assert response.status_code == 200
    assert own_clinician.full_name in response.content.decode()


def test_staff_drill_down_to_a_clinician_shows_their_individual_scores(
    client, sign_in, staff_user, practice, reports, colleague
):
    sign_in(client, staff_user)
    response = client.get(clinician_url(practice, colleague.npi))
    assert response.status_code == 200
    assert f"Individual feedback for 2025: {colleague.full_name}" in response.content.decode()


def test_an_outsider_gets_not_found_for_the_practice_pages(
    client, sign_in, outsider, practice, reports
):
    sign_in(client, outsider)
    for url in (
        summary_url(practice),
        clinician_url(practice, reports["own"].clinician.npi),
        reverse("feedback:download", args=[practice.pk, 2025]),
        reverse("feedback:eligibility", args=[practice.pk]),
        reverse("feedback:exceptions", args=[practice.pk]),
        reverse("feedback:opt_in", args=[practice.pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_a_crafted_npi_from_another_practice_is_not_found_for_staff(
    client, sign_in, staff_user, practice, reports
):
    elsewhere = EnrolmentFactory().clinician
    FeedbackReportFactory(
        organization=EnrolmentFactory(clinician=elsewhere).practice,
        clinician=elsewhere,
        level=FeedbackReport.Level.INDIVIDUAL,
    )
    sign_in(client, staff_user)
    assert client.get(clinician_url(practice, elsewhere.npi)).status_code == 404


def test_a_pending_membership_gives_no_access(client, sign_in, practice, reports):
    from roles.models import Membership

    user = UserFactory()
    Membership.objects.create(
        user=user,
        organization=practice,
        role=Role.STAFF_USER,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.SECURITY_OFFICIAL,
    )
    sign_in(client, user)
    assert client.get(summary_url(practice)).status_code == 404


def test_the_year_picker_shows_the_chosen_year_and_refuses_others(
    client, sign_in, staff_user, practice, reports
):
    FeedbackReportFactory(organization=practice, performance_year=2022, quality="10.00")
    sign_in(client, staff_user)
    content = client.get(summary_url(practice, 2022)).content.decode()
    assert "Performance feedback for 2022" in content
    assert "Exceptional performance 89" in content
    for hostile in ("2016", "abc", "2025'--", "<script>", "9" * 40):
        response = client.get(summary_url(practice), {"year": hostile})
        assert response.status_code == 200
        assert "Choose a performance year from the list." in response.content.decode()
        assert "<script>" not in response.content.decode().split("</form>")[0].split("<form")[-1]


def test_feedback_of_the_current_year_is_not_shown_before_its_release(
    client, sign_in, staff_user, practice
):
    FeedbackReportFactory(organization=practice, performance_year=2026)
    sign_in(client, staff_user)
    content = client.get(summary_url(practice, 2026)).content.decode()
    assert "No performance feedback is available" in content


def test_a_virtual_group_clinician_sees_the_virtual_group_score_only(client, sign_in):
    group = PracticeFactory(virtual_group=True)
    mine = EnrolmentFactory(practice=group).clinician
    other = EnrolmentFactory(practice=group).clinician
    FeedbackReportFactory(organization=group, level=FeedbackReport.Level.VIRTUAL_GROUP)
    FeedbackReportFactory(
        organization=group, clinician=other, level=FeedbackReport.Level.INDIVIDUAL
    )
    user = UserFactory()
    member(user, group, Role.CLINICIAN, clinician=mine)
    sign_in(client, user)
    content = client.get(summary_url(group)).content.decode()
    assert "Virtual group feedback" in content
    assert other.npi not in content


def test_an_apm_entity_staff_user_sees_the_entity_score(client, sign_in, apm_entity):
    FeedbackReportFactory(organization=apm_entity, level=FeedbackReport.Level.APM_ENTITY)
    user = UserFactory()
    member(user, apm_entity, Role.STAFF_USER)
    sign_in(client, user)
    assert "APM Entity feedback" in client.get(summary_url(apm_entity)).content.decode()


def test_a_clinician_who_is_not_a_participant_sees_no_apm_entity_score(
    client, sign_in, apm_entity
):
    FeedbackReportFactory(organization=apm_entity, level=FeedbackReport.Level.APM_ENTITY)
    user = UserFactory()
    member(user, apm_entity, Role.CLINICIAN, clinician=ClinicianFactory())
    sign_in(client, user)
    assert (
        "No performance feedback is available"
        in client.get(summary_url(apm_entity)).content.decode()
    )


def test_a_registry_role_may_not_see_feedback(client, sign_in):
    from tests.organizations.factories import RegistryFactory

    registry = RegistryFactory()
    user = UserFactory()
    member(user, registry, Role.STAFF_USER)
    sign_in(client, user)
    assert client.get(summary_url(registry)).status_code == 403


def test_csv_download_holds_the_group_and_each_clinician_and_is_audited(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    response = client.get(reverse("feedback:download", args=[practice.pk, 2025]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Performance year"
    assert [row[1] for row in rows[1:]] == ["Group", "Individual", "Individual"]
    assert rows[1][3] == practice.masked_tin
    assert practice.tin not in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FEEDBACK_DOWNLOADED).exists()


def test_csv_download_for_a_clinician_holds_only_their_row(
    client, sign_in, clinician_user, practice, reports, own_clinician
):
    sign_in(client, clinician_user)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("feedback:download", args=[practice.pk, 2025])).content.decode()
            )
        )
    )
    assert len(rows) == 2
    assert rows[1][4] == own_clinician.npi


def test_csv_cells_cannot_run_as_spreadsheet_formulas(
    client, sign_in, staff_user, reports, practice
):
    practice.legal_business_name = '=HYPERLINK("http://evil")'
    practice.save()
    sign_in(client, staff_user)
    content = client.get(reverse("feedback:download", args=[practice.pk, 2025])).content.decode()
    assert "'=HYPERLINK" in content


def test_csv_for_a_year_without_feedback_is_not_found(
    client, sign_in, staff_user, practice, reports
):
    sign_in(client, staff_user)
    assert client.get(reverse("feedback:download", args=[practice.pk, 2019])).status_code == 404


def test_the_group_page_runs_a_fixed_number_of_queries_however_many_clinicians(
    client, sign_in, staff_user, practice, reports, django_assert_max_num_queries
):
    for _ in range(15):
        clinician = EnrolmentFactory(practice=practice).clinician
        FeedbackReportFactory(
            organization=practice, clinician=clinician, level=FeedbackReport.Level.INDIVIDUAL
        )
    sign_in(client, staff_user)
    with django_assert_max_num_queries(14):
        assert client.get(summary_url(practice)).status_code == 200


def test_the_index_lists_organizations_with_only_the_links_the_role_allows(
    client, sign_in, clinician_user, practice
):
    sign_in(client, clinician_user)
    content = client.get(reverse("feedback:index")).content.decode()
    assert reverse("feedback:summary", args=[practice.pk]) in content
    assert reverse("feedback:eligibility", args=[practice.pk]) in content
    assert reverse("feedback:exceptions", args=[practice.pk]) not in content
    assert reverse("feedback:opt_in", args=[practice.pk]) not in content


def test_feedback_pages_need_sign_in(client, practice):
    response = client.get(summary_url(practice))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_csv_keeps_a_negative_payment_adjustment_a_number_not_text(
    client, sign_in, staff_user, reports, practice
):
    from decimal import Decimal

    from feedback.models import FeedbackReport

    FeedbackReport.objects.update(payment_adjustment=Decimal("-1.630"))
    sign_in(client, staff_user)
    content = client.get(reverse("feedback:download", args=[practice.pk, 2025])).content.decode()
    assert ",-1.630" in content
    assert "'-1.630" not in content
