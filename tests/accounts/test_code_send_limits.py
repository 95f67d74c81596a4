"""Every send of a code is rate limited, per person and per destination: contact-change codes
cannot be used to text an arbitrary number again and again."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.gateways import locmem
from accounts.models import ContactChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "+12025550188"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "send_code": "5/10m",
        "send_code_destination": "10/h",
    }


def test_contact_change_codes_to_one_number_stop_after_the_per_person_limit(
    signed_in_client, person
):
    from accounts.reauthentication import mark_reauthenticated

    session = signed_in_client.session
    mark_reauthenticated(session)
    session.save()
    url = reverse("accounts:change_contact_phone")
    statuses = []
    for _ in range(25):
        response = signed_in_client.post(url, {"phone": NUMBER})
        statuses.append(response.status_code)
    texts = [m for m in locmem.outbox if m.to == NUMBER]
    assert len(texts) == 5
    assert statuses[:5] == [302] * 5
    assert "too many codes" in response.content.decode()


def test_one_destination_is_limited_whoever_asks(db):
    sent = 0
    for _ in range(4):
        user = UserFactory()
        for _ in range(5):
            try:
                services.start_contact_change(
                    user=user, channel=ContactChange.Channel.PHONE, new_value=NUMBER
                )
                sent += 1
            except services.AccountError:
                pass
    assert sent == 10
    assert len([m for m in locmem.outbox if m.to == NUMBER]) == 10


def test_email_change_codes_are_limited_too(db):
    user = UserFactory()
    for _ in range(5):
        services.start_contact_change(
            user=user, channel=ContactChange.Channel.EMAIL, new_value="new@example.com"
        )
    with pytest.raises(services.AccountError):
        services.start_contact_change(
            user=user, channel=ContactChange.Channel.EMAIL, new_value="other@example.com"
        )


def test_sign_in_codes_count_against_the_same_per_person_limit(db):
    from accounts.models import PhoneDevice

    user = UserFactory()
    device = PhoneDevice.objects.create(user=user, number=NUMBER, method="sms", confirmed=True)
    for _ in range(5):
        services.start_contact_change(
            user=user, channel=ContactChange.Channel.EMAIL, new_value="new@example.com"
        )
    with pytest.raises(services.AccountError) as raised:
        services.send_code(device=device)
    assert "too many codes" in str(raised.value)


def test_the_limits_are_declared_in_settings(settings):
    assert {"send_code", "send_code_destination"} <= set(settings.RATE_LIMITS)
