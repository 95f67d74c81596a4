"""Keyboard only: a staff user signs in, connects to their practice and asks for a role;
its Security Official signs in and approves; no mouse click anywhere. Tab and Shift+Tab
move, Enter follows links and presses buttons, Space ticks and chooses."""

import pytest
from django_otp.oath import totp

from roles.capabilities import Role
from tests.factories import DEFAULT_PASSWORD
from tests.organizations.factories import PracticeFactory
from tests.roles.factories import MembershipFactory

from .test_role_approval_journey import person_with_app

pytestmark = pytest.mark.django_db(transaction=True)

FOCUSED_NAME = r"""() => {
  const e = document.activeElement;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return [e.textContent, e.value, e.getAttribute("aria-label"), label]
    .join(" | ").replace(/\s+/g, " ");
}"""


def tab_to(page, name, limit=150):
    """Press Tab until the focused element's text, value or label holds ``name``."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name in (page.evaluate(FOCUSED_NAME) or ""):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def press(page, name):
    """Tab to ``name`` and press Enter, waiting for the page it opens."""
    tab_to(page, name)
    submit(page)


def submit(page):
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page, label, text):
    tab_to(page, label)
    page.keyboard.type(text)


def sign_in_by_keyboard(page, person, device):
    page.goto("/signin/")
    type_into(page, "User ID", person.username)
    type_into(page, "Password", DEFAULT_PASSWORD)
    submit(page)
    type_into(page, "Security code", f"{totp(device.bin_key):06d}")
    submit(page)
    page.get_by_role("heading", name=f"Welcome, {person.first_name}").wait_for()


def test_connecting_and_approving_by_keyboard_alone(page, new_page, screenshot):
    practice = PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")
    official, official_device = person_with_app("kb.official", "Olivia", "Ortega")
    MembershipFactory(user=official, organization=practice, role=Role.SECURITY_OFFICIAL)
    staff, staff_device = person_with_app("kb.staff", "Samuel", "Stone")

    sign_in_by_keyboard(page, staff, staff_device)
    press(page, "Manage Access")
    page.get_by_role("heading", name="Manage Access").wait_for()
    press(page, "Connect to an Organization")
    tab_to(page, "Practice (includes virtual groups)")
    page.keyboard.press("Space")
    press(page, "Next")
    type_into(page, "Legal business name or full TIN", "Sunrise")
    submit(page)
    page.get_by_role("cell", name="Sunrise Family Medicine LLC").wait_for()
    press(page, "Select Sunrise Family Medicine LLC")
    page.get_by_role("heading", name="Choose your role").wait_for()
    tab_to(page, "Staff User")
    page.keyboard.press("Space")
    press(page, "Send request")
    page.get_by_role("heading", name="Request sent").wait_for()
    screenshot(page, "keyboard-01-request-sent")

    official_page = new_page()
    sign_in_by_keyboard(official_page, official, official_device)
    press(official_page, "Manage Access")
    press(official_page, "Sunrise Family Medicine LLC")
    official_page.get_by_role("heading", name="What you can do here").wait_for()
    press(official_page, "Approve or deny access requests")
    official_page.get_by_role("heading", name="Pending requests").wait_for()
    press(official_page, "Approve or deny Samuel Stone")
    tab_to(official_page, "Approve")
    official_page.keyboard.press("Space")
    type_into(official_page, "Reason (optional)", "Welcome to the billing team.")
    press(official_page, "Save decision")
    official_page.get_by_text("Samuel Stone now has the Staff User role.").wait_for()
    screenshot(official_page, "keyboard-02-approved")
