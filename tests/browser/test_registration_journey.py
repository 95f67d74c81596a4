"""A newcomer registers, answers the bureau's questions, sets up an authenticator app,
signs out and signs in again with a code computed from the secret the page showed."""

import base64

import pytest
from django_otp.oath import totp

from accounts.models import User
from tests.proofing.support import open_attempt, right_labels

from .conftest import choose

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Spring.Field42x"


def fill_profile(page):
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Whitfield")
    page.get_by_label("Date of birth").fill("04/28/1986")
    page.get_by_label("Email address").fill("dana.whitfield@example.com")
    page.get_by_label("Phone number").fill("(217) 555-0143")
    page.get_by_label("Home street address").fill("12 Elm Street")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("State, district or territory").select_option("IL")
    page.get_by_label("ZIP code").fill("62701")
    page.get_by_label("Social Security Number (optional)").fill("123-45-6789")


def answer_identity_questions(page):
    person = User.objects.get(username="dana.w")
    attempt = open_attempt(person)
    for question in attempt.questions:
        accepted = right_labels(person.credit_file, question["prompt"])
        label = next(label for _, label in question["choices"] if label in accepted)
        group = page.get_by_role("group", name=question["prompt"])
        choose(group, label)


def test_newcomer_registers_proves_identity_sets_up_app_and_signs_in_again(page, screenshot):
    page.goto("/register/")
    page.get_by_role("heading", name="Create your account").wait_for()
    fill_profile(page)
    screenshot(page, "register-01-profile")
    page.get_by_role("button", name="Next: terms and conditions").click()

    page.get_by_role("heading", name="Terms and conditions", exact=True).wait_for()
    choose(page, "I have read and accept the Terms and Conditions")
    screenshot(page, "register-02-terms")
    page.get_by_role("button", name="Next: create your User ID").click()

    page.get_by_role("heading", name="Create your User ID and password").wait_for()
    page.get_by_label("User ID").fill("dana.w")
    page.locator("#id_password1").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_label("Challenge question").select_option("first_pet")
    page.get_by_label("Challenge answer").fill("Biscuit")
    screenshot(page, "register-03-account")
    page.get_by_role("button", name="Create account").click()

    page.get_by_role("heading", name="Verify your identity").wait_for()
    screenshot(page, "register-04-proofing")
    page.get_by_role("button", name="Start the questions").click()
    page.get_by_role("heading", name="Answer the identity questions").wait_for()
    answer_identity_questions(page)
    screenshot(page, "register-05-questions")
    page.get_by_role("button", name="Send answers").click()

    page.get_by_role("heading", name="Set up two-factor authentication").wait_for()
    screenshot(page, "register-06-two-factor")
    choose(page, "Authenticator app (Google Authenticator, Okta Verify and others)")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    screenshot(page, "register-07-authenticator")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    key = base64.b32decode(secret)
    page.get_by_label("Security code").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Verify and finish").click()

    page.get_by_role("heading", name="Save your backup codes").wait_for()
    assert page.locator(".backup-codes li").count() == 10
    screenshot(page, "register-08-backup-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    page.get_by_role("heading", name="Welcome, Dana").wait_for()
    screenshot(page, "register-09-home")

    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("You have been logged out. Thank you").wait_for()

    page.goto("/signin/")
    page.get_by_label("User ID").fill("dana.w")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Enter your security code").wait_for()
    # The setup code used this time step; django-otp refuses a replay, so use the next one
    # (within the device's tolerance).
    page.get_by_label("Security code").fill(f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Verify").click()
    page.get_by_role("heading", name="Welcome, Dana").wait_for()
    assert User.objects.get(username="dana.w").is_identity_verified
