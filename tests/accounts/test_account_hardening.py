"""ASVS 5.1.x, 6.x / 2.x: ASCII-only SSN digits, digests that survive key rotation,
reactivation only after dormancy, and no date of birth echoed back."""

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from accounts.models import BackupCodeDevice, User
from accounts.services import set_password
from accounts.validators import validate_ssn
from proofing.selectors import ssn_in_use_elsewhere
from tests.factories import DEFAULT_PASSWORD, UserFactory

from .assertions import field_error, text_of, value_of
from .factories import profile_data
from .test_sign_in import post_sign_in

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:register_profile")
ARABIC_INDIC_SSN = "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"  # ١٢٣٤٥٦٧٨٩


# SSN digits


@pytest.mark.parametrize(
    "value",
    [
        ARABIC_INDIC_SSN,
        "\u0669\u0669\u0669\u0664\u0665\u0666\u0667\u0668\u0669",  # area 999 in Arabic-Indic
        "\u0967\u0968\u0969\u096a\u096b\u096c\u096d\u096e\u096f",  # Devanagari
        "１２３４５６７８９",  # fullwidth
    ],
)
def test_ssn_validator_accepts_ascii_digits_only(value):
    with pytest.raises(ValidationError) as error:
        validate_ssn(value)
    assert error.value.code == "ssn_format"


def test_registration_refuses_an_ssn_in_other_digits_beside_the_field(client):
    response = client.post(PROFILE, profile_data(ssn=ARABIC_INDIC_SSN))
    assert "9 digits" in field_error(response, "ssn")


def test_registration_refuses_a_zip_code_in_other_digits_beside_the_field(client):
    response = client.post(PROFILE, profile_data(zip_code="\u0662\u0660\u0665\u0660\u0660"))
    assert "ZIP code" in field_error(response, "zip_code")


# Keyed digests and key rotation

OLD_KEY = "old-key-" + "x9Qz!" * 10
NEW_KEY = "new-key-" + "Lm3#p" * 10


def backup_codes(user):
    device = BackupCodeDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    return device, device.generate_codes()


def test_backup_codes_still_work_after_secret_key_rotation_with_fallbacks(person):
    with override_settings(SECRET_KEY=OLD_KEY, DIGEST_KEY=""):
        device, codes = backup_codes(person)
    with override_settings(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[OLD_KEY], DIGEST_KEY=""):
        assert device.verify_token(codes[0])


def test_backup_codes_still_work_after_digest_key_rotation_with_fallbacks(person):
    with override_settings(DIGEST_KEY=OLD_KEY):
        device, codes = backup_codes(person)
    with override_settings(DIGEST_KEY=NEW_KEY, DIGEST_KEY_FALLBACKS=[OLD_KEY]):
        assert device.verify_token(codes[0])


def test_a_dedicated_digest_key_lets_secret_key_rotate_without_fallbacks(person):
    with override_settings(SECRET_KEY=OLD_KEY, DIGEST_KEY="digest-" + "Zr7&k" * 10):
        device, codes = backup_codes(person)
    with override_settings(SECRET_KEY=NEW_KEY, DIGEST_KEY="digest-" + "Zr7&k" * 10):
        assert device.verify_token(codes[0])


def test_a_retired_key_no_longer_listed_stops_matching(person):
    with override_settings(DIGEST_KEY=OLD_KEY):
        device, codes = backup_codes(person)
    with override_settings(DIGEST_KEY=NEW_KEY, DIGEST_KEY_FALLBACKS=[]):
        assert not device.verify_token(codes[0])


def test_ssn_lookups_still_find_accounts_digested_with_the_old_key():
    with override_settings(DIGEST_KEY=OLD_KEY):
        UserFactory(password__ssn="234567890")
    with override_settings(DIGEST_KEY=NEW_KEY, DIGEST_KEY_FALLBACKS=[OLD_KEY]):
        second = UserFactory(unverified=True, password__ssn="234567890")
        assert ssn_in_use_elsewhere(second)


# Reactivation by password reset: only after dormancy


def test_password_reset_reactivates_only_an_account_deactivated_for_dormancy(client):
    dormant = UserFactory(is_active=False, deactivation_reason=User.DeactivationReason.DORMANT)
    set_password(user=dormant, password="Fresh.Start42Now")
    assert User.objects.get(pk=dormant.pk).is_active is True


@pytest.mark.parametrize("reason", [User.DeactivationReason.HELP_DESK, ""])
def test_password_reset_does_not_reactivate_an_account_deactivated_for_another_reason(
    client, reason
):
    user = UserFactory(is_active=False, deactivation_reason=reason)
    set_password(user=user, password="Fresh.Start42Now")
    assert User.objects.get(pk=user.pk).is_active is False
    response = post_sign_in(client, user.username, "Fresh.Start42Now")
    assert "Call the help desk" in response.content.decode()


def test_dormancy_records_the_reason_so_a_reset_can_reactivate(client):
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory(last_login=timezone.now() - timedelta(days=61))
    post_sign_in(client, user.username, DEFAULT_PASSWORD)
    user.refresh_from_db()
    assert (user.is_active, user.deactivation_reason) == (False, "dormant")


# Date of birth never echoed back


def test_refused_profile_does_not_render_the_date_of_birth_back(client):
    response = client.post(PROFILE, profile_data(email="not-an-email"))
    content = response.content.decode()
    assert "04/28/1986" not in content
    assert "1986-04-28" not in content
    assert value_of(response, "date_of_birth") == ""
    assert "**/**/1986" in text_of(response, "id_date_of_birth_hint")


def test_refused_profile_keeps_the_valid_date_of_birth_for_the_next_try(client):
    client.post(PROFILE, profile_data(email="not-an-email"))
    response = client.post(PROFILE, profile_data(date_of_birth=""))
    assert response.status_code == 302


def test_an_invalid_date_of_birth_is_asked_for_again_not_shown(client):
    response = client.post(PROFILE, profile_data(date_of_birth="02/30/1990"))
    assert "02/30/1990" not in response.content.decode()
    assert "type it again" in text_of(response, "id_date_of_birth_hint")
