"""A verified person with an authenticator app signs in and out in a real browser."""

import pytest
from django_otp.oath import totp

from tests.factories import DEFAULT_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_person_signs_in_with_password_and_authenticator_code_then_signs_out(page, screenshot):
    person = UserFactory(username="pat.browser", first_name="Pat")
    device = TOTPDeviceFactory(user=person)
    person.default_device = device.persistent_id
    person.save(update_fields=["default_device"])

    page.goto("/signin/")
    page.get_by_label("User ID").fill("pat.browser")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your security code").wait_for()
    screenshot(page, "signin-02-code")
    page.get_by_label("Security code").fill(f"{totp(device.bin_key):06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Welcome, Pat").wait_for()
    screenshot(page, "signin-03-home")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have been logged out. Thank you").wait_for()
    screenshot(page, "signin-04-signed-out")


def test_wrong_password_shows_the_portal_failure_message(page):
    UserFactory(username="pat.browser")
    page.goto("/signin/")
    page.get_by_label("User ID").fill("pat.browser")
    page.get_by_label("Password").fill("Wrong.Password1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text(
        "LOGIN FAILED - Invalid User Name / Password. Please Try Again"
    ).first.wait_for()
