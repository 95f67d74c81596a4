"""The feedback page for a group (Staff User) and for a clinician, in a real browser."""

import datetime

import pytest
from django.conf import settings
from django.test import Client

from feedback import program
from feedback.models import FeedbackReport
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory
from tests.feedback.factories import FeedbackReportFactory
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory, PracticeFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def practice_with_feedback(monkeypatch):
    monkeypatch.setattr(program, "today", lambda: datetime.date(2026, 11, 23))
    practice = PracticeFactory(legal_business_name="Riverbend Family Medicine")
    clinicians = [
        EnrolmentFactory(
            practice=practice, clinician=ClinicianFactory(first_name=f, last_name=last)
        ).clinician
        for f, last in (("Ada", "Quinn"), ("Bert", "Zimmer"), ("Cleo", "Marsh"))
    ]
    FeedbackReportFactory(
        organization=practice, quality="82.50", cost=None, cost_weight=0, quality_weight=60
    )
    for clinician, quality in zip(clinicians, ("91.00", "48.00", "66.25"), strict=True):
        FeedbackReportFactory(
            organization=practice,
            clinician=clinician,
            level=FeedbackReport.Level.INDIVIDUAL,
            quality=quality,
        )
    FeedbackReportFactory(
        organization=practice,
        performance_year=2021,
        quality="95.00",
        cost="88.00",
        quality_weight=40,
        cost_weight=20,
    )
    return practice, clinicians


def sign_in_browser(page, live_server, sign_in, user):
    client = sign_in(Client(), user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_group_feedback_page_for_a_staff_user(
    page, live_server, sign_in, screenshot, practice_with_feedback
):
    practice, clinicians = practice_with_feedback
    user = UserFactory()
    Membership.objects.create(
        user=user, organization=practice, role=Role.STAFF_USER, status=Membership.Status.ACTIVE
    )
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/feedback/{practice.pk}/")
    page.get_by_role("heading", name="Performance feedback for 2025").wait_for()
    page.get_by_role("img", name="Final score").first.wait_for()
    assert page.get_by_role("link", name="Bert Zimmer").count() == 1
    screenshot(page, "feedback-01-group")
    page.get_by_role("combobox", name="Performance year").select_option("2021")
    page.get_by_role("button", name="Show this year").click()
    page.get_by_role("heading", name="Performance feedback for 2021").wait_for()
    screenshot(page, "feedback-02-group-2021")


def test_feedback_page_for_a_clinician(
    page, live_server, sign_in, screenshot, practice_with_feedback
):
    practice, clinicians = practice_with_feedback
    user = UserFactory()
    Membership.objects.create(
        user=user,
        organization=practice,
        role=Role.CLINICIAN,
        status=Membership.Status.ACTIVE,
        clinician=clinicians[0],
    )
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/feedback/{practice.pk}/")
    page.get_by_role("heading", name="Your individual feedback").wait_for()
    assert page.get_by_text("Bert Zimmer").count() == 0
    screenshot(page, "feedback-03-clinician")


def test_group_feedback_computed_from_submitted_data(page, live_server, sign_in, screenshot):
    from tests.feedback.test_submitted_feedback import cms_report, submit_all_three

    practice = PracticeFactory(legal_business_name="Harborview Clinic")
    cms_report(practice)
    submit_all_three(practice)
    user = UserFactory()
    Membership.objects.create(
        user=user, organization=practice, role=Role.STAFF_USER, status=Membership.Status.ACTIVE
    )
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/feedback/{practice.pk}/?year=2024")
    page.get_by_role("heading", name="Performance feedback for 2024").wait_for()
    assert page.get_by_text("Computed from the data you submitted").count() >= 1
    assert page.get_by_text("From CMS claims").count() >= 1
    page.get_by_role("table", name="Quality measures").first.wait_for()
    screenshot(page, "feedback-03-computed-from-submitted-data")
