"""The help desk, in a browser, does its job from its own pages: finds a caller, verifies
them, unlocks, resets, reactivates and resends for them, vacates a Security Official after
a refused mismatch, and searches the audit log. Screenshots at 1280 and 375 pixels."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Permission
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import TOTPDeviceFactory, UserFactory
from tests.organizations.factories import ClinicianFactory, EnrolmentFactory, PracticeFactory
from tests.roles.factories import MembershipFactory

from .conftest import choose
from .test_role_approval_journey import person_with_app, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def both_widths(page, screenshot, name):
    screenshot(page, f"{name}-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    screenshot(page, f"{name}-375")
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def help_desk_person(db):
    person, device = person_with_app("helpdesk.hd", "Hana", "Desk")
    person.user_permissions.add(Permission.objects.get(codename="help_desk"))
    return person, device


@pytest.fixture
def grace(db):
    """A caller with every problem at once: locked out of sign-in and codes, a lost phone,
    a dormant account and an unconfirmed email address."""
    person = UserFactory(
        username="grace.hopper",
        first_name="Grace",
        last_name="Hopper",
        email="grace@example.com",
        phone="+12175550143",
        street_address="12 Elm Street",
        city="Springfield",
        state="IL",
        zip_code="62701",
        password__ssn="123456789",
    )
    TOTPDeviceFactory(user=person, name="Okta Verify")
    User.objects.filter(pk=person.pk).update(
        is_active=False,
        last_login=timezone.now() - timedelta(days=90),
        codes_locked_until=timezone.now() + timedelta(minutes=30),
        email_confirmed_at=None,
    )
    AccessAttempt.objects.create(
        username="grace.hopper",
        ip_address="203.0.113.9",
        user_agent="test",
        http_accept="*/*",
        path_info="/signin/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    return person


def act(page, label, reason):
    form = page.locator("form").filter(has=page.get_by_role("button", name=label, exact=True))
    form.get_by_label("Reason").fill(reason)
    form.get_by_role("button", name=label, exact=True).click()


def test_the_help_desk_verifies_a_caller_and_fixes_their_account(
    page, screenshot, help_desk_person, grace
):
    person, device = help_desk_person
    sign_in(page, person, device)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Help desk"
    ).click()
    page.get_by_role("heading", name="Help desk", exact=True).wait_for()
    both_widths(page, screenshot, "helpdesk-01-home")

    page.get_by_label("Name, email, user ID, phone or organization").fill("Grace Hopper")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Grace Hopper").click()
    page.get_by_role("heading", name="Grace Hopper").wait_for()
    assert page.get_by_role("button", name="Unlock sign-in", exact=True).is_disabled()
    both_widths(page, screenshot, "helpdesk-02-person-unverified")

    # A wrong SSN is refused beside its field; the rest is kept.
    page.get_by_role("link", name="Verify the caller").click()
    page.get_by_label("Caller's first name").fill("Grace")
    page.get_by_label("Caller's last name").fill("Hopper")
    page.get_by_label("Caller's email address").fill("grace@example.com")
    page.get_by_label("Caller's date of birth").fill("04/28/1980")
    page.get_by_label("Caller's Social Security Number").fill("1111")
    page.get_by_label("Caller's home street address").fill("12 Elm Street")
    page.get_by_label("Home ZIP code").fill("62701")
    page.get_by_label("Caller's primary phone number").fill("(217) 555-0143")
    page.get_by_role("button", name="Caller verified").click()
    page.locator("#id_ssn_error").get_by_text("does not match").wait_for()
    assert page.get_by_label("Caller's home street address").input_value() == "12 Elm Street"
    both_widths(page, screenshot, "helpdesk-03-verify-refused")
    page.get_by_label("Caller's Social Security Number").fill("6789")
    page.get_by_role("button", name="Caller verified").click()
    page.get_by_text("The caller is verified as Grace Hopper").wait_for()
    both_widths(page, screenshot, "helpdesk-04-person-verified")

    act(page, "Unlock sign-in", "Locked herself out, identity verified.")
    page.get_by_text("The failed sign-ins of Grace Hopper are cleared").wait_for()
    act(page, "Unlock code entry", "Typed old codes from a lost phone.")
    page.get_by_text("Code entry is unlocked for Grace Hopper.").wait_for()
    act(page, "Reset two-factor devices", "Lost her phone with Okta Verify.")
    page.get_by_text("The two-factor devices of Grace Hopper are removed").wait_for()
    act(page, "Reactivate account", "Back from sabbatical.")
    page.get_by_text("The account of Grace Hopper is active again.").wait_for()
    act(page, "Resend confirmation email", "Never got the first one.")
    page.get_by_text("A new confirmation email is on its way").wait_for()
    # Only the resend stays offered: the address is still to be confirmed.
    assert page.get_by_role("button", name="Unlock sign-in", exact=True).count() == 0
    assert page.get_by_role("button", name="Reactivate account", exact=True).count() == 0
    both_widths(page, screenshot, "helpdesk-05-person-after-actions")

    grace.refresh_from_db()
    assert grace.is_active and grace.codes_locked_until is None and grace.default_device == ""
    assert not AccessAttempt.objects.filter(username="grace.hopper").exists()
    done = set(
        AuditEvent.objects.filter(subject=grace, actor=person).values_list("action", flat=True)
    )
    assert {
        AuditEvent.Action.HELP_DESK_CALLER_CHECKED,
        AuditEvent.Action.SIGN_IN_UNLOCKED,
        AuditEvent.Action.CODES_UNLOCKED,
        AuditEvent.Action.TWO_FACTOR_RESET,
        AuditEvent.Action.ACCOUNT_REACTIVATED,
        AuditEvent.Action.CONFIRMATION_RESENT,
    } <= done

    # The audit log shows who did it and why.
    page.get_by_role("link", name="All of this person's events in the audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    page.get_by_role(
        "cell", name="Two-factor devices reset by help desk: Lost her phone"
    ).wait_for()
    both_widths(page, screenshot, "helpdesk-06-audit-log")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename.startswith("audit-log-")


def test_the_help_desk_vacates_a_security_official_after_a_refused_mismatch(
    page, screenshot, help_desk_person
):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    enrolment = EnrolmentFactory(
        practice=practice,
        clinician=ClinicianFactory(first_name="Ada", last_name="Lovelace"),
        ptan="ADA12345",
    )
    official = UserFactory(username="olivia.so", first_name="Olivia", last_name="Ortega")
    MembershipFactory(user=official, organization=practice, role=Role.SECURITY_OFFICIAL)
    UserFactory(
        username="pat.caller",
        first_name="Pat",
        last_name="Caller",
        email="pat.caller@example.com",
        phone="+12175550143",
        street_address="12 Elm Street",
        city="Springfield",
        state="IL",
        zip_code="62701",
    )
    person, device = help_desk_person
    sign_in(page, person, device)
    page.goto("/help-desk/")
    page.get_by_role("link", name="Find an organization's Security Officials").click()
    page.get_by_label("Full TIN or APM Entity ID").fill("12-3456789")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Sunrise Family Medicine LLC").click()
    page.get_by_role("heading", name="Vacate a Security Official").wait_for()

    fields = {
        "Caller's first name": "Pat",
        "Caller's last name": "Caller",
        "Caller's email address": "pat.caller@example.com",
        "Caller's date of birth": "04/28/1980",
        "Caller's Social Security Number": "6789",
        "Caller's home street address": "12 Elm Street",
        "Home city": "Springfield",
        "Home ZIP code": "62701",
        "Caller's primary phone number": "(217) 555-0143",
        "Company name": "Sunrise Family Medicine LLC",
        "Business street address": "100 Main St",
        "Business city": "Springfield",
        "Business ZIP code": "62701",
        "Company phone number": "(217) 555-0199",
        "Office phone number": "(217) 555-0198",
        "Practitioner's first name": "Ada",
        "Practitioner's last name": "Lovelace",
        "Legal business name": "Sunset Medicine LLC",  # wrong on purpose
        "Practitioner's Medicare billing TIN": "12-3456789",
        "Practitioner's individual (rendering) NPI": enrolment.clinician.npi,
        "Practitioner's individual PTAN": "ADA12345",
        "Practitioner's street address": "100 Main St",
        "Practitioner's city": "Springfield",
        "Practitioner's ZIP code": "62701",
        "Practitioner's phone number": "(217) 555-0197",
        "Reason": "Olivia left the practice in March; Pat is the practice manager.",
    }
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    for label in ("Home state", "Business state", "Practitioner's state"):
        page.get_by_label(label).select_option("IL")
    choose(page, page.get_by_text("Olivia Ortega (olivia.so)").inner_text().strip())
    page.get_by_role("button", name="Record caller and vacate").click()
    page.locator("#id_legal_business_name_error").get_by_text(
        "not the legal business name"
    ).wait_for()
    assert page.get_by_label("Office phone number").input_value() == "(217) 555-0198"
    both_widths(page, screenshot, "helpdesk-07-vacate-refused")

    page.get_by_label("Legal business name").fill("Sunrise Family Medicine LLC")
    page.get_by_label("Caller's Social Security Number").fill("6789")
    page.get_by_role("button", name="Record caller and vacate").click()
    page.get_by_text("Olivia Ortega is no longer a Security Official").wait_for()
    both_widths(page, screenshot, "helpdesk-08-vacated")
    assert Membership.objects.get(user=official).status == Membership.Status.REVOKED
