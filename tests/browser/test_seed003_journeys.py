"""Seed 003's remaining pages in a real browser: previewing public reporting and flagging a
figure, registering for CAHPS for MIPS and cancelling, and searching APM participants."""

import datetime

import pytest

from feedback import program
from roles.capabilities import Role
from roles.models import Membership
from tests.browser.conftest import choose
from tests.factories import UserFactory
from tests.feedback.factories import FeedbackReportFactory
from tests.organizations.factories import (
    ApmEntityFactory,
    ApmParticipationFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
)

from .test_feedback_pages import sign_in_browser

pytestmark = pytest.mark.django_db(transaction=True)


def member(user, organization, role):
    Membership.objects.create(
        user=user, organization=organization, role=role, status=Membership.Status.ACTIVE
    )


def test_a_staff_user_previews_public_reporting_and_flags_a_figure(
    page, live_server, sign_in, screenshot, monkeypatch
):
    monkeypatch.setattr(program, "today", lambda: datetime.date(2026, 11, 10))
    practice = PracticeFactory(legal_business_name="Riverbend Family Medicine")
    FeedbackReportFactory(organization=practice)
    user = UserFactory()
    member(user, practice, Role.STAFF_USER)
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/access/organizations/{practice.pk}/")
    page.get_by_role("link", name="Preview public reporting").first.click()
    page.get_by_role("heading", name="Preview public reporting for 2025").wait_for()
    assert page.get_by_role("rowheader", name="MIPS final score").count() == 1
    screenshot(page, "seed003-01-public-reporting")
    page.get_by_role("button", name="Send the review request").click()
    page.get_by_text("Choose the figure to review.").first.wait_for()
    page.get_by_label("Figure to review").select_option("final_score")
    page.get_by_label("Why this figure looks wrong").fill("Our Cost score was reweighted.")
    page.get_by_role("button", name="Send the review request").click()
    page.get_by_text("Your request was sent").wait_for()
    assert page.get_by_text("Awaiting review").count() == 1
    screenshot(page, "seed003-02-public-reporting-flagged")


def test_a_security_official_registers_for_cahps_and_cancels(
    page, live_server, sign_in, screenshot, monkeypatch
):
    monkeypatch.setattr(program, "today", lambda: datetime.date(2026, 5, 15))
    practice = PracticeFactory(legal_business_name="Lakeside Internal Medicine")
    for _ in range(3):
        EnrolmentFactory(practice=practice, clinician=ClinicianFactory())
    user = UserFactory()
    member(user, practice, Role.SECURITY_OFFICIAL)
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/access/organizations/{practice.pk}/")
    page.get_by_role("link", name="Register for the CMS Web Interface or CAHPS for MIPS").click()
    page.get_by_role("heading", name="Register for the CMS Web Interface or CAHPS").wait_for()
    assert page.get_by_text("needs 25 or more clinicians").count() == 0  # not offered in 2026
    choose(page, "CAHPS for MIPS survey")
    page.get_by_role("button", name="Register").click()
    page.get_by_text("Choose a survey vendor for CAHPS.").first.wait_for()
    page.get_by_label("CAHPS for MIPS survey vendor").select_option(
        label="Meridian CAHPS Services"
    )
    page.get_by_role("button", name="Register").click()
    page.get_by_text("Registered for the CAHPS for MIPS survey for 2026").wait_for()
    screenshot(page, "seed003-03-cahps-registered")
    page.get_by_role("button", name="Cancel the CAHPS for MIPS survey registration").click()
    page.get_by_text("The registration was cancelled.").wait_for()
    screenshot(page, "seed003-04-cahps-cancelled")


def test_apm_staff_search_participants(page, live_server, sign_in, screenshot, monkeypatch):
    monkeypatch.setattr(program, "today", lambda: datetime.date(2026, 11, 10))
    entity = ApmEntityFactory(legal_business_name="Harbor ACO")
    practice = PracticeFactory(legal_business_name="Harbor Clinic")
    ApmParticipationFactory(entity=entity, practice=practice, performance_year=2025)
    for first, last in (("Ada", "Quinn"), ("Bert", "Zimmer")):
        ApmParticipationFactory(
            entity=entity,
            practice=practice,
            clinician=ClinicianFactory(first_name=first, last_name=last),
            performance_year=2025,
        )
    user = UserFactory()
    member(user, entity, Role.STAFF_USER)
    sign_in_browser(page, live_server, sign_in, user)
    page.goto(f"/feedback/{entity.pk}/apm-participants/")
    page.get_by_role("heading", name="APM participants for 2025").wait_for()
    page.get_by_label("Search by name, NPI or last digits of a TIN").fill("zimmer")
    page.get_by_role("button", name="Show").click()
    page.get_by_role("rowheader", name="Bert Zimmer").wait_for()
    assert page.get_by_text("Ada Quinn").count() == 0
    screenshot(page, "seed003-05-apm-participants")
