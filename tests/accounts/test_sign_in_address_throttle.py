"""Failed sign-ins per client address are counted apart from any account: no success resets
the count, the address is slowed down rather than its people's accounts locked, the message
says so, and the address is read correctly behind the trusted reverse proxies."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from accounts.views.signin import ADDRESS_SLOWED_DOWN, LOCKED_OUT
from audit.models import AuditEvent
from qpp_portal.network import client_address
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign_in")
ATTACKER = "203.0.113.66"


@pytest.fixture(autouse=True)
def small_address_limit(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sign_in_address": "8/15m"}


def post(client, username, password, address=ATTACKER, **extra):
    return client.post(
        SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def test_an_own_successful_sign_in_does_not_clear_the_addresses_failures(client):
    own = UserFactory()
    victims = [UserFactory() for _ in range(9)]
    for victim in victims[:7]:
        assert post(client, victim.username, "Wrong.Password1").status_code == 200
        # The attacker's own account signs in between guesses: axes' reset on success
        # must not give the address its tries back.
        assert post(client, own.username, DEFAULT_PASSWORD).status_code == 302
        client.logout()
    assert post(client, victims[7].username, "Wrong.Password1").status_code == 200
    response = post(client, victims[8].username, "Wrong.Password1")
    assert response.status_code == 429
    assert ADDRESS_SLOWED_DOWN in response.content.decode()


def test_a_slowed_down_address_is_refused_even_with_the_right_password(client, person):
    for n in range(8):
        post(client, f"nobody{n:02d}", "Wrong.Password1")
    response = post(client, person.username, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert ADDRESS_SLOWED_DOWN in response.content.decode()
    assert client.session.get("_auth_user_id") is None


def test_slowing_an_address_down_locks_no_account(client, person):
    for _ in range(8):
        post(client, f"{person.username}x", "Wrong.Password1")
    # From elsewhere, the same people sign in at once: no account was locked.
    assert (
        post(client, person.username, DEFAULT_PASSWORD, address="198.51.100.9").status_code == 302
    )


def test_the_message_for_a_slowed_address_does_not_blame_the_account(client):
    for n in range(9):
        response = post(client, f"nobody{n:02d}", "Wrong.Password1")
    content = response.content.decode()
    assert "Your account is not locked" in content
    assert LOCKED_OUT not in content


def test_reaching_the_address_limit_is_audited(client):
    for n in range(8):
        post(client, f"nobody{n:02d}", "Wrong.Password1")
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.SIGN_IN_THROTTLED, ip_address=ATTACKER
        ).count()
        == 1
    )


def test_an_account_still_locks_after_five_failures_from_many_addresses(client, person):
    for n in range(settings.AXES_FAILURE_LIMIT):
        post(client, person.username, "Wrong.Password1", address=f"198.51.100.{n}")
    response = post(client, person.username, DEFAULT_PASSWORD, address="198.51.100.99")
    assert response.status_code == 429
    assert LOCKED_OUT in response.content.decode()


def test_the_address_limit_is_declared_in_settings():
    assert "sign_in_address" in settings.RATE_LIMITS


# Reading the client address


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.5", "10.9.9.9")) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_appended_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client claimed 10.9.9.9; the proxy appended the address it really saw.
    request = request_from("10.0.0.2", "10.9.9.9, 198.51.100.77")
    assert client_address(request) == "198.51.100.77"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_clients(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.2", "1.2.3.4, 198.51.100.77, 10.0.0.1")
    assert client_address(request) == "198.51.100.77"


def test_a_missing_or_malformed_forwarded_entry_falls_back_to_the_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"
    assert client_address(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"


def test_behind_a_proxy_every_client_is_throttled_on_its_own_address(client, person, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(8):
        post(
            client,
            f"nobody{n:02d}",
            "Wrong.Password1",
            address="10.0.0.2",
            HTTP_X_FORWARDED_FOR=ATTACKER,
        )
    blocked = post(
        client,
        person.username,
        DEFAULT_PASSWORD,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR=ATTACKER,
    )
    assert blocked.status_code == 429
    other = post(
        client,
        person.username,
        DEFAULT_PASSWORD,
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.12",
    )
    assert other.status_code == 302
    assert AuditEvent.objects.filter(ip_address=ATTACKER).exists()
