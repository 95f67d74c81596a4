"""Factories shared by every app's tests. Each app may add its own in tests/<app>/factories.py."""

import itertools
from datetime import date

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import PasswordHistory, User

DEFAULT_PASSWORD = "Correct.Horse7Battery"


class UserFactory(factory.django.DjangoModelFactory):
    """A registered person whose identity is verified (use ``unverified=True`` for not yet)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        unverified = factory.Trait(
            identity_status=User.IdentityStatus.UNVERIFIED, identity_verified_at=None
        )

    username = factory.Sequence(lambda n: f"person{n:04d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    phone = "+12025550143"
    date_of_birth = date(1980, 4, 28)
    street_address = "1600 Pennsylvania Ave NW"
    city = "Washington"
    state = "DC"
    zip_code = "20500"
    terms_version = "2026-01"
    terms_accepted_at = factory.LazyFunction(timezone.now)
    challenge_question = User.ChallengeQuestion.FIRST_PET
    challenge_answer = factory.PostGenerationMethodCall("set_challenge_answer", "Rex the Dog")
    identity_status = User.IdentityStatus.VERIFIED
    identity_verified_at = factory.LazyFunction(timezone.now)
    # A verified person's name is the one proofed.
    proofed_first_name = factory.LazyAttribute(
        lambda u: u.first_name if u.identity_status == User.IdentityStatus.VERIFIED else ""
    )
    proofed_last_name = factory.LazyAttribute(
        lambda u: u.last_name if u.identity_status == User.IdentityStatus.VERIFIED else ""
    )
    last_login = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or DEFAULT_PASSWORD)
        # Each person has their own SSN, as HARP allows one account per SSN.
        obj.set_ssn(kwargs.get("ssn", next_ssn()))
        if create:
            obj.save()
            PasswordHistory.objects.create(user=obj, password=obj.password)


_ssn_numbers = itertools.count()


def next_ssn():
    """Return a valid SSN no other factory person has, ending in 6789 like 123-45-6789."""
    n = next(_ssn_numbers) % (565 * 99)
    return f"{100 + n // 99:03d}{n % 99 + 1:02d}6789"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True
