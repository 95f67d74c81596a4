"""Passkeys are a second factor only, and adding one after the first device needs the
password again (accounts/passkeys.py). The ceremonies themselves run in Chromium:
tests/browser/test_trainer_journeys.py."""

import pytest
from django.contrib.auth import SESSION_KEY

from accounts.reauthentication import REAUTHENTICATED_AT_KEY
from tests.factories import TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_passkey_cannot_start_a_sign_in_without_the_password(client):
    response = client.post("/signin/code/passkey/begin/")
    assert response.status_code in {302, 403}
    assert SESSION_KEY not in client.session


def test_after_the_password_a_passkey_sign_in_can_begin(client):
    person = UserFactory()
    TOTPDeviceFactory(user=person)  # has a device: the next step is the second factor
    client.force_login(person)
    response = client.post("/signin/code/passkey/begin/")
    assert response.status_code == 200
    assert response.json()["rpId"] == "localhost"


def test_adding_a_passkey_to_a_protected_account_needs_the_password_again(signed_in_client):
    session = signed_in_client.session
    session.pop(REAUTHENTICATED_AT_KEY, None)
    session.save()
    response = signed_in_client.post("/two-factor/setup/passkey/begin/")
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"
    assert signed_in_client.get("/two-factor/setup/passkey/").status_code == 302


def test_a_recently_confirmed_person_may_begin_registering_a_passkey(signed_in_client):
    response = signed_in_client.post("/two-factor/setup/passkey/begin/")
    assert response.status_code == 200
    assert response.json()["rp"]["name"] == "QPP Portal"


def test_the_setup_page_offers_a_passkey(signed_in_client):
    assert "Passkey" in signed_in_client.get("/two-factor/setup/").text
