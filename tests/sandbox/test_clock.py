from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import is_dormant
from feedback import program
from qpp_portal import clock
from roles.capabilities import Role
from roles.models import Membership
from roles.services import expire_role_requests
from tests.factories import UserFactory
from tests.roles.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_clock_is_real_time_until_a_trainer_moves_it():
    assert abs(clock.now() - timezone.now()) < timedelta(seconds=1)
    clock.set_offset(timedelta(days=31))
    assert clock.now() - timezone.now() > timedelta(days=30, hours=23)
    # The portal's date, in its time zone: in the evening in New York it is already tomorrow
    # in UTC.
    assert program.today() == timezone.localdate(timezone.now() + timedelta(days=31))


def test_outside_the_sandbox_the_offset_is_ignored_and_cannot_be_set(settings):
    clock.set_offset(timedelta(days=90))
    settings.SANDBOX_ENABLED = False
    assert clock.offset() == timedelta(0)
    with pytest.raises(RuntimeError):
        clock.set_offset(timedelta(days=1))


def test_the_clock_never_runs_behind_real_time():
    with pytest.raises(ValueError):
        clock.set_offset(timedelta(days=-1))


def test_a_moved_clock_makes_an_unused_account_dormant():
    user = UserFactory(last_login=timezone.now())
    assert not is_dormant(user)
    clock.set_offset(timedelta(days=61))
    assert is_dormant(user)


def test_a_moved_clock_expires_a_pending_request(practice):
    MembershipFactory(organization=practice, role=Role.SECURITY_OFFICIAL)
    pending = MembershipFactory(
        organization=practice,
        role=Role.STAFF_USER,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.SECURITY_OFFICIAL,
        expires_at=clock.now() + timedelta(days=30),
    )
    assert expire_role_requests() == 0
    clock.set_offset(timedelta(days=31))
    assert expire_role_requests() == 1
    pending.refresh_from_db()
    assert pending.status == Membership.Status.EXPIRED


def test_every_page_shows_the_simulated_date_once_the_clock_moved(client):
    assert "Simulated date" not in client.get("/signin/").text
    clock.set_offset(timedelta(days=10))
    page = client.get("/signin/").text
    assert "Simulated date" in page
    shown = clock.today()
    assert f"{shown:%B} {shown.day}, {shown:%Y}" in page
