"""Factories and form data for the accounts tests."""

import factory
from django_otp.plugins.otp_email.models import EmailDevice

from accounts.models import BackupCodeDevice, PhoneDevice
from tests.factories import DEFAULT_PASSWORD, UserFactory

NEW_PASSWORD = "Fresh.Start42Now"


class PhoneDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhoneDevice

    user = factory.SubFactory(UserFactory)
    name = "sms"
    number = "+12025550143"
    method = PhoneDevice.Method.SMS
    confirmed = True


class EmailDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmailDevice

    user = factory.SubFactory(UserFactory)
    name = "Email"
    email = factory.LazyAttribute(lambda d: d.user.email)
    confirmed = True


class BackupCodeDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BackupCodeDevice

    user = factory.SubFactory(UserFactory)
    name = "Backup codes"
    confirmed = True


def profile_data(**overrides):
    """Valid POST data for the registration profile step."""
    data = {
        "first_name": "Jordan",
        "last_name": "Rivera",
        "date_of_birth": "04/28/1986",
        "email": "jordan.rivera@example.com",
        "phone": "(202) 555-0143",
        "street_address": "1600 Pennsylvania Ave NW",
        "address_line_2": "Apt 4",
        "city": "Washington",
        "state": "DC",
        "zip_code": "20500",
        "ssn": "234-56-7890",
    }
    data.update(overrides)
    return data


def account_data(**overrides):
    """Valid POST data for the registration account step."""
    data = {
        "username": "jrivera01",
        "password1": "Sunny.Meadow42x",
        "password2": "Sunny.Meadow42x",
        "challenge_question": "first_pet",
        "challenge_answer": "Rex the Dog",
    }
    data.update(overrides)
    return data


__all__ = [
    "DEFAULT_PASSWORD",
    "NEW_PASSWORD",
    "BackupCodeDeviceFactory",
    "EmailDeviceFactory",
    "PhoneDeviceFactory",
    "account_data",
    "profile_data",
]
