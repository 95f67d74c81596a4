"""A staff user asks for access to their practice; its Security Official, in another
browser, approves; the staff user then sees the practice under Manage Access."""

import pytest
from django_otp.oath import totp

from roles.capabilities import Role
from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory
from tests.organizations.factories import PracticeFactory
from tests.roles.factories import MembershipFactory

from .conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)


def person_with_app(username, first_name, last_name):
    person = UserFactory(username=username, first_name=first_name, last_name=last_name)
    device = TOTPDeviceFactory(user=person)
    person.default_device = device.persistent_id
    person.save(update_fields=["default_device"])
    return person, device


def sign_in(page, person, device):
    page.goto("/signin/")
    page.get_by_label("User ID").fill(person.username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Security code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name=f"Welcome, {person.first_name}").wait_for()


def test_staff_request_is_approved_by_the_security_official_in_another_browser(
    page, new_page, screenshot
):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    official, official_device = person_with_app("olivia.so", "Olivia", "Ortega")
    MembershipFactory(user=official, organization=practice, role=Role.SECURITY_OFFICIAL)
    staff, staff_device = person_with_app("sam.staff", "Samuel", "Stone")

    # The staff user asks for the Staff User role.
    sign_in(page, staff, staff_device)
    page.get_by_role("navigation", name="Primary navigation").get_by_role(
        "link", name="Manage Access"
    ).click()
    page.get_by_role("heading", name="Manage Access").wait_for()
    screenshot(page, "roles-01-manage-access-empty")
    page.get_by_role("link", name="Connect to an Organization").click()
    choose(page, "Practice (includes virtual groups)")
    screenshot(page, "roles-02-organization-type")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Legal business name or full TIN").fill("Sunrise")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("cell", name="Sunrise Family Medicine LLC").wait_for()
    screenshot(page, "roles-03-find-practice")
    page.get_by_role("link", name="Select Sunrise Family Medicine LLC").click()
    page.get_by_role("heading", name="Choose your role").wait_for()
    choose(page, "Staff User")
    screenshot(page, "roles-04-choose-role")
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("heading", name="Request sent").wait_for()
    screenshot(page, "roles-05-request-sent")

    # The Security Official approves in a browser of their own.
    official_page = new_page()
    sign_in(official_page, official, official_device)
    official_page.goto("/access/")
    official_page.get_by_role("link", name="Sunrise Family Medicine LLC").click()
    official_page.get_by_role("heading", name="What you can do here").wait_for()
    screenshot(official_page, "roles-06-organization-home-official")
    official_page.get_by_role("link", name="Approve or deny access requests").click()
    official_page.get_by_role("heading", name="Pending requests").wait_for()
    screenshot(official_page, "roles-07-organization-access")
    official_page.get_by_role("link", name="Approve or deny Samuel Stone").click()
    choose(official_page, "Approve")
    official_page.get_by_label("Reason (optional)").fill("Welcome to the billing team.")
    screenshot(official_page, "roles-08-decide")
    official_page.get_by_role("button", name="Save decision").click()
    official_page.get_by_text("Samuel Stone now has the Staff User role.").wait_for()
    screenshot(official_page, "roles-09-approved")

    # The staff user now sees the practice.
    page.goto("/access/")
    page.get_by_role("link", name="Sunrise Family Medicine LLC").click()
    page.get_by_role("heading", name="Sunrise Family Medicine LLC").wait_for()
    page.get_by_text("Your role:").wait_for()
    assert page.locator('[data-capability="manage_access"]').count() == 0
    assert page.locator('[data-capability="submit_data"]').count() == 1
    screenshot(page, "roles-10-organization-home-staff")


def test_first_security_official_is_refused_a_group_npi_then_granted_with_an_individual_one(
    page, screenshot
):
    from tests.organizations.factories import ClinicianFactory, EnrolmentFactory

    practice = PracticeFactory(legal_business_name="Hopper Internal Medicine PC", tin="535765954")
    enrolment = EnrolmentFactory(
        practice=practice, clinician=ClinicianFactory(first_name="Grace"), ptan="A58153"
    )
    person, device = person_with_app("first.so", "Frances", "First")
    sign_in(page, person, device)
    page.goto("/access/connect/")
    choose(page, "Practice (includes virtual groups)")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Legal business name or full TIN").fill("53-5765954")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Select Hopper Internal Medicine PC").click()
    page.get_by_text("no Security Official yet").wait_for()
    screenshot(page, "roles-first-01-only-security-official")
    page.get_by_role("button", name="Next: validation details").click()
    page.get_by_role("heading", name="Confirm your link to the organization").wait_for()
    page.get_by_label("Individual NPI").fill(practice.group_npi)
    page.get_by_label("Individual PTAN").fill(practice.group_ptan)
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("That is a group NPI or group PTAN").first.wait_for()
    screenshot(page, "roles-first-02-group-npi-refused")
    page.get_by_label("Individual NPI").fill(enrolment.clinician.npi)
    page.get_by_label("Individual PTAN").fill("a58153")
    page.get_by_role("button", name="Validate").click()
    page.get_by_text("You are now a Security Official of Hopper Internal Medicine PC.").wait_for()
    screenshot(page, "roles-first-03-granted")
