"""Personas for the help-desk tests: the roles personas (one practice, its Security
Official, an outsider) and a caller whose account the help desk acts on."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from helpdesk.models import CallerCheck
from tests.factories import UserFactory
from tests.roles.conftest import (  # noqa: F401 - fixtures (the practice's people: tests/conftest.py)
    as_user,
    outbox,
    outsider,
)


@pytest.fixture
def caller(db):
    """Grace Hopper: the person who calls the help desk about her own account."""
    return UserFactory(
        username="grace.hopper",
        first_name="Grace",
        last_name="Hopper",
        email="grace@example.com",
        phone="+12175550143",
        street_address="12 Elm Street",
        city="Springfield",
        state="IL",
        zip_code="62701",
        password__ssn="123456789",
    )


def identity(**overrides):
    """What Grace says on the call (see ``caller``)."""
    return {
        "first_name": "Grace",
        "last_name": "Hopper",
        "email": "grace@example.com",
        "date_of_birth": "04/28/1980",
        "ssn": "6789",
        "street_address": "12 Elm Street",
        "zip_code": "62701",
        "phone": "(217) 555-0143",
        **overrides,
    }


@pytest.fixture
def desk(as_user, help_desk):  # noqa: F811 - the fixture imported above
    """The test client signed in as the help desk."""
    return as_user(help_desk)


@pytest.fixture
def verified(desk, help_desk, caller):
    """The help desk has verified the caller as Grace (through the page)."""
    response = desk.post(reverse("helpdesk:verify_caller", args=[caller.pk]), identity())
    assert response.status_code == 302, response.context["form"].errors
    return CallerCheck.objects.get(person=caller, help_desk_user=help_desk)


def expire(check):
    CallerCheck.objects.filter(pk=check.pk).update(created_at=timezone.now() - timedelta(hours=1))
