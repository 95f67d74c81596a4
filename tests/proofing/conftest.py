import pytest

from tests.factories import UserFactory

ALLOW_ALL = "accounts.backends.AccountBackend"


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Keep every uploaded document of a test in its own temporary directory."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def unverified(db):
    """A person whose account exists but whose identity is not verified yet."""
    return UserFactory(unverified=True)


@pytest.fixture
def no_ssn_person(db):
    return UserFactory(unverified=True, password__ssn="")


@pytest.fixture
def as_person(client):
    """Return a function that signs ``client`` in as an unverified person (no second factor)."""

    def _as_person(user):
        client.force_login(user, backend=ALLOW_ALL)
        return client

    return _as_person


@pytest.fixture
def proofing_client(as_person, unverified):
    return as_person(unverified)


@pytest.fixture
def reviewer_client(help_desk, sign_in):
    """A separate client signed in as the help desk, with a verified second factor."""
    from django.test import Client

    return sign_in(Client(), help_desk)


@pytest.fixture
def outsider(db):
    """A verified person who is not on the help desk."""
    return UserFactory(username="outsider01")
