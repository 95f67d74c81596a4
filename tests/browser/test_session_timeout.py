"""The idle-session warning appears before the session ends and keeps what was typed."""

from datetime import timedelta

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_idle_warning_offers_to_stay_signed_in_without_losing_typed_input(
    signed_in_page, settings, screenshot
):
    settings.SESSION_IDLE_TIMEOUT = timedelta(seconds=8)
    settings.SESSION_TIMEOUT_WARNING = timedelta(seconds=6)
    person = UserFactory(first_name="Robin")
    page = signed_in_page(person)

    page.goto("/profile/edit/")
    page.get_by_label("City").fill("Half-typed City")
    page.get_by_role("heading", name="Your session is about to end").wait_for(timeout=8_000)
    screenshot(page, "session-timeout-warning")
    page.get_by_role("button", name="Stay signed in").click()

    page.get_by_role("heading", name="Your session is about to end").wait_for(state="hidden")
    assert page.get_by_label("City").input_value() == "Half-typed City"
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Your profile is updated.").wait_for()
    person.refresh_from_db()
    assert person.city == "Half-typed City"
