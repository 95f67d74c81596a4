import datetime

import pytest

from feedback import program
from feedback.models import FeedbackReport
from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import (
    ApmEntityFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
)

from .factories import FeedbackReportFactory

# The tests' "today": exception applications for 2026 are open, opt-in for 2026 too;
# feedback for 2017-2025 is out.
TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Pin today's date for the feedback app; call ``today.set(date)`` to move it."""

    class Clock:
        value = TODAY

        def set(self, value):
            self.value = value

    clock = Clock()
    monkeypatch.setattr(program, "today", lambda: clock.value)
    return clock


def member(user, organization, role, clinician=None):
    return Membership.objects.create(
        user=user,
        organization=organization,
        role=role,
        status=Membership.Status.ACTIVE,
        clinician=clinician,
    )


@pytest.fixture
def practice(db):
    return PracticeFactory(legal_business_name="Riverbend Family Medicine")


@pytest.fixture
def own_clinician(practice):
    return EnrolmentFactory(
        practice=practice,
        clinician=ClinicianFactory(first_name="Ada", last_name="Quinn"),
    ).clinician


@pytest.fixture
def colleague(practice):
    return EnrolmentFactory(
        practice=practice,
        clinician=ClinicianFactory(first_name="Bert", last_name="Zimmer"),
    ).clinician


@pytest.fixture
def reports(practice, own_clinician, colleague):
    """2025 feedback: the group, and each clinician individually."""
    group = FeedbackReportFactory(organization=practice)
    own = FeedbackReportFactory(
        organization=practice,
        clinician=own_clinician,
        level=FeedbackReport.Level.INDIVIDUAL,
        quality="70.00",
    )
    other = FeedbackReportFactory(
        organization=practice,
        clinician=colleague,
        level=FeedbackReport.Level.INDIVIDUAL,
        quality="40.00",
        cost="20.00",
    )
    return {"group": group, "own": own, "other": other}


@pytest.fixture
def staff_user(practice):
    user = UserFactory()
    member(user, practice, Role.STAFF_USER)
    return user


@pytest.fixture
def security_official(practice):
    user = UserFactory()
    member(user, practice, Role.SECURITY_OFFICIAL)
    return user


@pytest.fixture
def clinician_user(practice, own_clinician):
    user = UserFactory()
    member(user, practice, Role.CLINICIAN, clinician=own_clinician)
    return user


@pytest.fixture
def outsider(db):
    """A verified person who holds roles elsewhere, not in ``practice``."""
    user = UserFactory()
    member(user, PracticeFactory(), Role.SECURITY_OFFICIAL)
    return user


@pytest.fixture
def apm_entity(db):
    return ApmEntityFactory(legal_business_name="Lakeside ACO")
