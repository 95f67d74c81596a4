"""What a signed-in page reads from the shared cache instead of the database, and that a
change to it is seen on the very next request."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import selectors
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOME = "accounts:home"


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_signed_in_page_reads_the_two_factor_device_once_then_from_the_cache(
    client, person, sign_in
):
    sign_in(client, person)
    first = _queries_of(client, reverse(HOME))
    second = _queries_of(client, reverse(HOME))
    assert any("otp_totp_totpdevice" in sql for sql in first)
    assert not any("otp_totp_totpdevice" in sql for sql in second)


def test_a_deleted_device_ends_the_verified_session_at_the_next_request(client, person, sign_in):
    sign_in(client, person)
    assert client.get(reverse(HOME)).status_code == 200
    for device in selectors.two_factor_devices(person):
        device.delete()
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response.url != reverse(HOME)


def test_an_unconfirmed_device_ends_the_verified_session_at_the_next_request(
    client, person, sign_in
):
    sign_in(client, person)
    assert client.get(reverse(HOME)).status_code == 200
    [device] = selectors.two_factor_devices(person)
    device.confirmed = False
    device.save()
    assert client.get(reverse(HOME)).status_code == 302


def test_a_cached_device_of_another_person_does_not_verify_a_session(client, person, sign_in):
    other = UserFactory(username="someone.else")
    other_client = sign_in(Client(), other)
    assert other_client.get(reverse(HOME)).status_code == 200  # other's device now cached
    [other_device] = selectors.two_factor_devices(other)
    sign_in(client, person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id
    session.save()
    assert client.get(reverse(HOME)).status_code == 302


def test_the_header_does_not_query_permissions_on_every_page(client, person, sign_in):
    sign_in(client, person)
    client.get(reverse(HOME))
    assert not any("auth_permission" in sql for sql in _queries_of(client, reverse(HOME)))


def test_granting_the_help_desk_permission_shows_the_header_link_at_once(client, person, sign_in):
    sign_in(client, person)
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content
    person.user_permissions.add(Permission.objects.get(codename="help_desk"))
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content


def test_revoking_the_help_desk_permission_hides_the_link_and_closes_the_workspace(
    client, help_desk, sign_in
):
    sign_in(client, help_desk)
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content
    help_desk.user_permissions.clear()
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content
    assert client.get(reverse("helpdesk:home")).status_code == 403


def test_the_feedback_home_links_the_help_desk_to_its_review_queue_only(
    client, help_desk, person, sign_in
):
    sign_in(client, help_desk)
    assert b"exception applications to review" in client.get(reverse("feedback:index")).content
    sign_in(client, person)
    assert b"exception applications to review" not in client.get(reverse("feedback:index")).content
