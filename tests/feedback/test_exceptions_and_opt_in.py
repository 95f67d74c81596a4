"""Exception applications and opt-in elections: who may file, deadlines, once per year,
help desk decisions, and hostile input."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from audit.models import AuditEvent
from feedback import services
from feedback.models import ExceptionApplication, OptInElection

from .factories import (
    ClinicianEligibilityFactory,
    ExceptionApplicationFactory,
    OptInElectionFactory,
    PracticeEligibilityFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "kind": "euc",
    "performance_year": "2026",
    "applies_to": "group",
    "reason": "natural_disaster",
    "categories": ["quality", "cost"],
    "start_date": "2026-08-29",
    "end_date": "2026-09-30",
    "description": "Hurricane damage closed the clinic for a month.",
}


def new_url(practice):
    return reverse("feedback:exception_new", args=[practice.pk])


def test_staff_user_files_an_application_that_the_list_shows_as_submitted(
    client, sign_in, staff_user, practice
):
    sign_in(client, staff_user)
    response = client.post(new_url(practice), VALID)
    assert response.status_code == 302
    application = ExceptionApplication.objects.get()
    assert application.status == "submitted"
    assert application.category_labels() == ["Quality", "Cost"]
    assert application.filed_by == staff_user
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXCEPTION_FILED).exists()
    content = client.get(reverse("feedback:exceptions", args=[practice.pk])).content.decode()
    assert "Submitted" in content and "Withdraw" in content


def test_an_application_for_one_clinician_of_the_practice(
    client, sign_in, staff_user, practice, own_clinician
):
    sign_in(client, staff_user)
    client.post(new_url(practice), {**VALID, "applies_to": own_clinician.npi})
    assert ExceptionApplication.objects.get().clinician == own_clinician


def test_a_pi_hardship_covers_promoting_interoperability_only(
    client, sign_in, staff_user, practice
):
    sign_in(client, staff_user)
    client.post(new_url(practice), {**VALID, "kind": "pi_hardship", "reason": "small_practice"})
    application = ExceptionApplication.objects.get()
    assert application.category_labels() == ["Promoting Interoperability"]


def test_a_clinician_may_not_file_applications(client, sign_in, clinician_user, practice):
    sign_in(client, clinician_user)
    assert client.get(new_url(practice)).status_code == 403
    assert client.post(new_url(practice), VALID).status_code == 403
    assert not ExceptionApplication.objects.exists()


def test_the_deadline_closes_the_year(client, sign_in, staff_user, practice, today):
    today.set(datetime.date(2027, 1, 1))
    sign_in(client, staff_user)
    response = client.post(new_url(practice), {**VALID, "performance_year": "2026"})
    assert response.status_code == 200
    assert "Applications for that year are closed." in response.content.decode()
    with pytest.raises(ValidationError) as error:
        services.file_exception_application(
            organization=practice,
            performance_year=2026,
            kind="euc",
            reason="natural_disaster",
            categories={"quality"},
            start_date=datetime.date(2026, 3, 1),
            end_date=datetime.date(2026, 3, 2),
            description="x",
            acting_user=staff_user,
        )
    assert error.value.code == "deadline"


def test_the_last_day_before_the_deadline_is_still_open(today):
    today.set(datetime.date(2026, 12, 31))
    assert services.exception_window_open(2026)
    assert not services.exception_window_open(2025)
    assert not services.exception_window_open(2027)


def test_a_second_open_application_of_the_same_kind_is_refused(
    client, sign_in, staff_user, practice
):
    sign_in(client, staff_user)
    client.post(new_url(practice), VALID)
    response = client.post(new_url(practice), VALID)
    assert "already open" in response.content.decode()
    assert ExceptionApplication.objects.count() == 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"reason": "small_practice"}, "does not fit"),
        ({"kind": "pi_hardship", "reason": "vendor_issue"}, "does not fit"),
        ({"categories": []}, "Choose at least one category."),
        ({"categories": ["everything"]}, "Choose categories from the list."),
        ({"end_date": "2026-08-01"}, "End after it started."),
        ({"start_date": "2025-08-01"}, "must start in the performance year"),
        ({"start_date": "2026-02-30"}, "Enter a real date."),
        ({"applies_to": "1234567893"}, "Choose the organization or one of its clinicians."),
        ({"performance_year": "1999"}, "closed"),
        ({"kind": "<script>alert(1)</script>"}, "Choose one of the kinds listed."),
        ({"description": "x" * 2001}, "at most 2000"),
        ({"description": "bad\x00byte"}, "invisible control characters"),
        ({"description": "   "}, "Describe what happened."),
    ],
)
def test_hostile_or_wrong_input_to_the_application_form_is_refused(
    client, sign_in, staff_user, practice, change, message
):
    sign_in(client, staff_user)
    response = client.post(new_url(practice), {**VALID, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not ExceptionApplication.objects.exists()


def test_withdrawing_a_submitted_application(client, sign_in, staff_user, practice):
    application = ExceptionApplicationFactory(organization=practice, filed_by=staff_user)
    sign_in(client, staff_user)
    url = reverse("feedback:exception_withdraw", args=[practice.pk, application.pk])
    assert client.get(url).status_code == 405
    client.post(url)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    client.post(url)
    application.refresh_from_db()
    assert application.status == "withdrawn"


def test_withdrawing_another_organizations_application_by_crafted_id_is_not_found(
    client, sign_in, staff_user, practice
):
    other = ExceptionApplicationFactory()
    sign_in(client, staff_user)
    response = client.post(reverse("feedback:exception_withdraw", args=[practice.pk, other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "submitted"


def test_help_desk_approves_and_the_applicant_is_emailed(
    client, sign_in, help_desk, staff_user, practice, django_capture_on_commit_callbacks
):
    application = ExceptionApplicationFactory(organization=practice, filed_by=staff_user)
    sign_in(client, help_desk)
    assert (
        application.organization.legal_business_name
        in client.get(reverse("feedback:review_list")).content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("feedback:review", args=[application.pk]), {"decision": "approve"}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved" and application.decided_by == help_desk
    assert len(mail.outbox) == 1
    assert "approved" in mail.outbox[0].subject
    assert mail.outbox[0].to == [staff_user.email]


def test_help_desk_must_say_why_it_denies(client, sign_in, help_desk, practice):
    application = ExceptionApplicationFactory(organization=practice)
    sign_in(client, help_desk)
    url = reverse("feedback:review", args=[application.pk])
    assert "Say why it is denied." in client.post(url, {"decision": "deny"}).content.decode()
    client.post(url, {"decision": "deny", "reason": "No disaster declared in that county."})
    application.refresh_from_db()
    assert application.status == "denied"
    assert services.withdraw_exception_application is not None
    with pytest.raises(ValidationError):
        services.withdraw_exception_application(application=application, acting_user=help_desk)


def test_only_the_help_desk_may_review(client, sign_in, security_official, practice):
    application = ExceptionApplicationFactory(organization=practice)
    sign_in(client, security_official)
    assert client.get(reverse("feedback:review_list")).status_code == 403
    assert (
        client.post(
            reverse("feedback:review", args=[application.pk]), {"decision": "approve"}
        ).status_code
        == 403
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_the_database_refuses_a_pi_hardship_naming_other_categories(practice):
    with pytest.raises(IntegrityError):
        ExceptionApplicationFactory(organization=practice, kind="pi_hardship", quality=True)


# Opt-in elections


def opt_in_url(practice, year=2026):
    return reverse("feedback:opt_in", args=[practice.pk]) + f"?year={year}"


def test_staff_user_opts_a_clinician_in_once_and_cannot_change_it(
    client, sign_in, staff_user, practice, own_clinician
):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    sign_in(client, staff_user)
    assert own_clinician.full_name in client.get(opt_in_url(practice)).content.decode()
    data = {"year": "2026", "subject": own_clinician.npi, "decision": "opt_in"}
    assert client.post(opt_in_url(practice), data).status_code == 302
    election = OptInElection.objects.get()
    assert election.decision == "opt_in" and election.made_by == staff_user
    client.post(opt_in_url(practice), {**data, "decision": "decline"})
    assert OptInElection.objects.get().decision == "opt_in"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.OPT_IN_ELECTED).count() == 1


def test_the_group_may_elect_when_the_practice_may_opt_in(
    client, sign_in, security_official, practice
):
    PracticeEligibilityFactory(practice=practice, below_services=True, opt_in_eligible=True)
    sign_in(client, security_official)
    client.post(
        opt_in_url(practice), {"year": "2026", "subject": "group", "decision": "voluntary"}
    )
    election = OptInElection.objects.get()
    assert election.clinician is None and election.decision == "voluntary"


def test_a_clinician_who_may_not_opt_in_is_refused(
    client, sign_in, staff_user, practice, own_clinician
):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician)
    sign_in(client, staff_user)
    response = client.post(
        opt_in_url(practice), {"year": "2026", "subject": own_clinician.npi, "decision": "opt_in"}
    )
    assert response.status_code == 400
    assert not OptInElection.objects.exists()


def test_elections_close_after_march_31(
    client, sign_in, staff_user, practice, own_clinician, today
):
    ClinicianEligibilityFactory(
        practice=practice, clinician=own_clinician, may_opt_in=True, performance_year=2025
    )
    sign_in(client, staff_user)
    data = {"year": "2025", "subject": own_clinician.npi, "decision": "opt_in"}
    client.post(opt_in_url(practice, 2025), data)
    assert not OptInElection.objects.exists()
    today.set(datetime.date(2026, 3, 31))
    client.post(opt_in_url(practice, 2025), data)
    assert OptInElection.objects.count() == 1


def test_a_clinician_role_may_not_elect(client, sign_in, clinician_user, practice, own_clinician):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    sign_in(client, clinician_user)
    response = client.post(
        opt_in_url(practice), {"year": "2026", "subject": own_clinician.npi, "decision": "opt_in"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "data",
    [
        {"year": "2026", "subject": "group", "decision": "opt_in"},
        {"year": "2026", "subject": "1234567893", "decision": "opt_in"},
        {"year": "2026", "subject": "x' OR 1=1 --", "decision": "opt_in"},
        {"year": "2018", "subject": "SELF", "decision": "opt_in"},
        {"year": "2026", "subject": "SELF", "decision": "maybe"},
        {"year": "<b>", "subject": "SELF", "decision": "opt_in"},
    ],
)
def test_hostile_election_posts_change_nothing(
    client, sign_in, staff_user, practice, own_clinician, data
):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    data = {k: (own_clinician.npi if v == "SELF" else v) for k, v in data.items()}
    sign_in(client, staff_user)
    response = client.post(opt_in_url(practice), data)
    assert response.status_code in {302, 400}
    assert not OptInElection.objects.exists()


def test_the_database_allows_one_election_per_clinician_and_year(practice, own_clinician):
    OptInElectionFactory(practice=practice, clinician=own_clinician)
    with pytest.raises(IntegrityError):
        OptInElectionFactory(practice=practice, clinician=own_clinician, decision="decline")


def test_an_election_without_a_choice_is_refused_beside_that_persons_choices(
    client, sign_in, staff_user, practice, own_clinician
):
    ClinicianEligibilityFactory(practice=practice, clinician=own_clinician, may_opt_in=True)
    sign_in(client, staff_user)
    response = client.post(opt_in_url(practice), {"year": "2026", "subject": own_clinician.npi})
    assert response.status_code == 400
    page = response.content.decode()
    npi = own_clinician.npi
    assert f'id="election-{npi}-group"' in page and "usa-form-group--error" in page
    assert (
        f'<span class="usa-error-message" id="election-{npi}-error">Choose an election.</span>'
        in page
    )
    assert f'aria-describedby="election-{npi}-error"' in page
    assert f'href="#election-{npi}-opt_in"' in page  # the summary links to the choices
    assert "<title>Error: " in page
    # Not as a general message only: the page's alerts hold no bare copy of it.
    assert page.count("Choose an election.") == 2
    assert not OptInElection.objects.exists()
