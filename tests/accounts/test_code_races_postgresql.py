"""One code, posted several times at once, is accepted once.

Runs on PostgreSQL only (SQLite serialises every writer, so there is no race to lose). Each
thread has its own database connection and loads the device itself, as a separate request
would; accounts.services.verify_code locks the device row, so the second waits and then sees
the first's spent code (TOTP: the time step it used, django-otp's TOTPDevice.last_t).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_email.models import EmailDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.models import BackupCodeDevice, PhoneDevice
from tests.factories import TOTPDeviceFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]

RACERS = 6


def race(model, pk, user_pk, code, *, setup=False):
    """Post ``code`` RACERS times at once; return how many were accepted."""
    from accounts.models import User

    barrier = threading.Barrier(RACERS)
    results, errors = [], []

    def attempt():
        from django.db import connection as thread_connection

        try:
            device = model.objects.get(pk=pk)
            user = User.objects.get(pk=user_pk)
            barrier.wait(timeout=10)
            if setup:
                results.append(services.verify_setup_code(device=device, code=code))
            else:
                results.append(
                    services.verify_code(
                        request=None, user=user, device=device, code=code, sign_in=False
                    )
                )
        except services.AccountError:
            results.append(False)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(results) == RACERS
    return sum(results)


def current_totp(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0):0{device.digits}d}"


@pytest.mark.parametrize("round_number", range(3))
def test_one_authenticator_code_posted_six_times_at_once_is_accepted_once(round_number):
    device = TOTPDeviceFactory(user=UserFactory())
    assert race(TOTPDevice, device.pk, device.user_id, current_totp(device)) == 1


def test_the_code_proving_a_new_authenticator_is_used_once(db):
    device = TOTPDeviceFactory(user=UserFactory(), confirmed=False)
    assert race(TOTPDevice, device.pk, device.user_id, current_totp(device), setup=True) == 1


@pytest.mark.parametrize("round_number", range(3))
def test_one_text_message_code_posted_six_times_at_once_is_accepted_once(round_number):
    user = UserFactory()
    device = PhoneDevice.objects.create(
        user=user,
        number="+12025550143",
        method="sms",
        confirmed=True,
        token="123456",
        valid_until=timezone.now() + timedelta(minutes=10),
    )
    assert race(PhoneDevice, device.pk, user.pk, "123456") == 1


def test_one_email_code_posted_six_times_at_once_is_accepted_once(db):
    user = UserFactory()
    device = EmailDevice.objects.create(
        user=user,
        email=user.email,
        confirmed=True,
        token="654321",
        valid_until=timezone.now() + timedelta(minutes=10),
    )
    assert race(EmailDevice, device.pk, user.pk, "654321") == 1


def test_one_backup_code_posted_six_times_at_once_is_accepted_once(db):
    user = UserFactory()
    device = BackupCodeDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    code = device.generate_codes()[0]
    assert race(BackupCodeDevice, device.pk, user.pk, code) == 1
