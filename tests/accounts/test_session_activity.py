"""The last activity is written at most once a minute, so most requests save no session."""

import time

import pytest
from django.urls import reverse

from accounts.middleware import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db


def test_a_request_within_a_minute_of_the_last_write_saves_no_session(signed_in_client):
    signed_in_client.get(reverse("accounts:home"))
    response = signed_in_client.get(reverse("accounts:home"))
    assert response.status_code == 200
    assert "sessionid" not in response.cookies


def test_the_last_activity_is_written_again_after_a_minute(signed_in_client, settings):
    session = signed_in_client.session
    session[LAST_ACTIVITY_KEY] = time.time() - settings.SESSION_ACTIVITY_WRITE_INTERVAL - 1
    session.save()
    response = signed_in_client.get(reverse("accounts:home"))
    assert "sessionid" in response.cookies
    assert time.time() - signed_in_client.session[LAST_ACTIVITY_KEY] < 5
