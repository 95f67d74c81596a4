"""Keyboard only: a newcomer registers, proves their identity and sets up two-factor; a
staff user signs in, connects to their practice and asks for a role; its Security Official
signs in and approves; no mouse click anywhere. Tab and Shift+Tab move, Enter follows
links and presses buttons, Space ticks and chooses, typing fills fields and picks from
lists."""

import base64

import pytest
from django_otp.oath import totp

from accounts.models import User
from roles.capabilities import Role
from tests.factories import DEFAULT_PASSWORD
from tests.organizations.factories import PracticeFactory
from tests.proofing.support import open_attempt, right_labels
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


def choose_by_keyboard(page, label, scope=None):
    """Tab to the checkbox or radio button labelled ``label`` and tick it with Space.

    Tab stops once in a radio group (on its first button while none is chosen), so within
    the group the arrow keys move to the choice, as a keyboard user does."""
    scope = scope or page
    # A required field's label ends with its "*" mark, so the exact name may not match.
    target = scope.get_by_label(label, exact=True)
    if not target.count():
        target = scope.get_by_label(label)
    name, target_id = target.get_attribute("name"), target.get_attribute("id")
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.name") == name:
            break
    else:
        raise AssertionError(f"Tab never reached the choices of {label!r}")
    for _ in range(12):
        if page.evaluate("() => document.activeElement.id") == target_id:
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"The arrow keys never reached {label!r}")
    page.keyboard.press("Space")
    assert target.is_checked()


def select_by_keyboard(page, label, text, value):
    """Tab to the select labelled ``label`` and type the start of an option's text."""
    tab_to(page, label)
    page.keyboard.type(text)
    assert page.evaluate("() => document.activeElement.value") == value


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


REGISTRATION_PASSWORD = "Spring.Field42x"


def test_registering_by_keyboard_alone(page, screenshot):
    page.goto("/register/")
    page.get_by_role("heading", name="Create your account").wait_for()
    for label, text in [
        ("First name", "Dana"),
        ("Last name", "Whitfield"),
        ("Date of birth", "04/28/1986"),
        ("Email address", "dana.whitfield@example.com"),
        ("Phone number", "(217) 555-0143"),
        ("Home street address", "12 Elm Street"),
        ("City", "Springfield"),
    ]:
        type_into(page, label, text)
    select_by_keyboard(page, "State, district or territory", "Illinois", "IL")
    type_into(page, "ZIP code", "62701")
    type_into(page, "Social Security Number (optional)", "123-45-6789")
    press(page, "Next: terms and conditions")

    page.get_by_role("heading", name="Terms and conditions", exact=True).wait_for()
    choose_by_keyboard(page, "I have read and accept the Terms and Conditions")
    press(page, "Next: create your User ID")

    page.get_by_role("heading", name="Create your User ID and password").wait_for()
    type_into(page, "User ID", "dana.w")
    type_into(page, "Password", REGISTRATION_PASSWORD)
    type_into(page, "Confirm password", REGISTRATION_PASSWORD)
    select_by_keyboard(
        page, "Challenge question", "What was the name of your first pet", "first_pet"
    )
    type_into(page, "Challenge answer", "Biscuit")
    press(page, "Create account")

    page.get_by_role("heading", name="Verify your identity").wait_for()
    press(page, "Start the questions")
    page.get_by_role("heading", name="Answer the identity questions").wait_for()
    # The answers a tester reads from the sandbox credit file.
    person = User.objects.get(username="dana.w")
    for question in open_attempt(person).questions:
        accepted = right_labels(person.credit_file, question["prompt"])
        label = next(label for _, label in question["choices"] if label in accepted)
        choose_by_keyboard(page, label, scope=page.get_by_role("group", name=question["prompt"]))
    press(page, "Send answers")

    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    choose_by_keyboard(page, "Authenticator app (Google Authenticator, Okta Verify and others)")
    press(page, "Continue")
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    key = base64.b32decode(page.locator("#totp-secret").get_attribute("data-secret"))
    type_into(page, "Security code", f"{totp(key):06d}")
    press(page, "Verify and finish")

    page.get_by_role("heading", name="Save your backup codes").wait_for()
    press(page, "I have saved my codes")
    page.get_by_role("heading", name="Welcome, Dana").wait_for()
    screenshot(page, "keyboard-03-registered")
    person.refresh_from_db()
    assert person.is_identity_verified
