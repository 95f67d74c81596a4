import pytest
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.gateways import locmem
from accounts.reauthentication import mark_reauthenticated

from .factories import TOTPDeviceFactory, UserFactory


@pytest.fixture(autouse=True)
def _phone_outbox():
    """Start each test with an empty outbox of texts and calls, like mail.outbox."""
    locmem.outbox.clear()
    yield
    locmem.outbox.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sign_in():
    """Return a function that signs ``client`` in as ``user`` with a verified second factor."""

    def _sign_in(client, user):
        device = TOTPDeviceFactory(user=user)
        if not user.default_device:
            user.default_device = device.persistent_id
            user.save(update_fields=["default_device"])
        client.force_login(user, backend="accounts.backends.AccountBackend")
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        # As a real sign-in does: the password was just proved (accounts.reauthentication).
        mark_reauthenticated(session)
        session.save()
        return client

    return _sign_in


@pytest.fixture
def person(db):
    """A registered, identity-verified person."""
    return UserFactory()


@pytest.fixture
def signed_in_client(client, person, sign_in):
    return sign_in(client, person)


@pytest.fixture
def help_desk(db):
    from django.contrib.auth.models import Permission

    user = UserFactory(username="helpdesk01", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="help_desk"))
    return user


@pytest.fixture
def practice(db):
    """Sunrise Family Medicine LLC, TIN 123456789 (apps' conftests may override)."""
    from tests.organizations.factories import PracticeFactory

    return PracticeFactory(legal_business_name="Sunrise Family Medicine LLC", tin="123456789")


@pytest.fixture
def enrolment(practice):
    """Ada Lovelace bills under the practice with individual PTAN ADA12345."""
    from tests.organizations.factories import ClinicianFactory, EnrolmentFactory

    clinician = ClinicianFactory(first_name="Ada", last_name="Lovelace")
    return EnrolmentFactory(practice=practice, clinician=clinician, ptan="ADA12345")


@pytest.fixture
def security_official(practice):
    """Sam Official, Security Official of the practice."""
    from roles.capabilities import Role
    from tests.roles.factories import MembershipFactory

    user = UserFactory(username="sam.official", first_name="Sam", last_name="Official")
    MembershipFactory(user=user, organization=practice, role=Role.SECURITY_OFFICIAL)
    return user


@pytest.fixture
def staff_user(practice, security_official):
    """Stan Staff, Staff User of the practice."""
    from roles.capabilities import Role
    from tests.roles.factories import MembershipFactory

    user = UserFactory(username="stan.staff", first_name="Stan", last_name="Staff")
    MembershipFactory(user=user, organization=practice, role=Role.STAFF_USER)
    return user
