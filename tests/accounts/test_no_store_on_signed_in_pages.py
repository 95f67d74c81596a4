"""Pages with secrets or personal data are sent with Cache-Control: no-store."""

import pytest
from django.urls import reverse

from accounts.views.two_factor import NEW_BACKUP_CODES_KEY

pytestmark = pytest.mark.django_db


def assert_no_store(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", ["accounts:home", "accounts:profile", "accounts:activity", "accounts:devices"]
)
def test_profile_and_activity_pages_are_not_stored(signed_in_client, name):
    assert_no_store(signed_in_client.get(reverse(name)))


def test_backup_codes_page_is_not_stored(signed_in_client):
    session = signed_in_client.session
    session[NEW_BACKUP_CODES_KEY] = ["abcde-fghjk"]
    session.save()
    assert_no_store(signed_in_client.get(reverse("accounts:backup_codes")))


def test_authenticator_secret_and_qr_page_is_not_stored(signed_in_client):
    from accounts.reauthentication import mark_reauthenticated

    session = signed_in_client.session
    mark_reauthenticated(session)
    session.save()
    response = signed_in_client.get(reverse("accounts:two_factor_setup_totp"))
    assert_no_store(response)
    assert b"<svg" in response.content


def test_sign_in_page_for_anonymous_visitors_is_left_alone(client):
    response = client.get(reverse("accounts:sign_in"))
    assert "no-store" not in response.get("Cache-Control", "")
