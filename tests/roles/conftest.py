"""Personas for the roles tests: a clinician and an outsider; the practice with a clinician
billing under it, its Security Official and Staff User and the help desk come from
tests/conftest.py."""

import pytest

from roles.capabilities import Role
from tests.factories import UserFactory

from .factories import MembershipFactory


@pytest.fixture
def clinician(practice, enrolment):
    """A person whose account name is Ada Lovelace, connected as that clinician."""
    user = UserFactory(username="ada.l", first_name="Ada", last_name="Lovelace")
    MembershipFactory(
        user=user, organization=practice, role=Role.CLINICIAN, clinician=enrolment.clinician
    )
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="olive.outsider", first_name="Olive", last_name="Outsider")


@pytest.fixture
def as_user(client, sign_in):
    """Return a function signing the test client in as a person (one person at a time)."""

    def _as(user):
        client.logout()
        return sign_in(client, user)

    return _as


@pytest.fixture
def outbox():
    """Return a function that runs the email work committed so far and returns mail.outbox.

    Each test runs in one transaction that is never committed, so ``on_commit`` work waits;
    Django has already dropped the work of any savepoint that rolled back, so what runs here
    is exactly what a real commit would have sent."""
    from django.core import mail
    from django.db import connection

    def _outbox():
        while connection.run_on_commit:
            _, callback, _ = connection.run_on_commit.pop(0)
            callback()
        return mail.outbox

    return _outbox
