from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from qpp_portal import clock
from sandbox import faults
from sandbox.models import ConsoleAction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_console_is_for_trainers_only(client, person, sign_in):
    assert client.get("/sandbox/console/").status_code == 302  # to the sign-in page
    sign_in(client, person)
    assert client.get("/sandbox/console/").status_code == 403


def test_a_trainer_sees_the_console(trainer_client):
    page = trainer_client.get("/sandbox/console/")
    assert page.status_code == 200
    assert "Simulated clock" in page.text


def test_moving_the_clock_runs_the_daily_jobs_but_keeps_the_trainer(trainer_client, trainer):
    idle = UserFactory(last_login=timezone.now())
    response = trainer_client.post("/sandbox/console/clock/", {"days": "61"})
    assert response.status_code == 302
    idle.refresh_from_db()
    trainer.refresh_from_db()
    assert (idle.is_active, idle.deactivation_reason) == (False, User.DeactivationReason.DORMANT)
    assert trainer.is_active
    assert clock.offset() == timedelta(days=61)
    assert ConsoleAction.objects.filter(kind=ConsoleAction.Kind.CLOCK).exists()
    assert trainer_client.get("/sandbox/console/").status_code == 200


def test_a_clock_form_without_days_or_date_is_refused_beside_the_form(trainer_client):
    page = trainer_client.post("/sandbox/console/clock/", {"days": ""})
    assert page.status_code == 200
    assert "Give a number of days or a date." in page.text
    assert clock.offset() == timedelta(0)


def test_the_clock_goes_back_to_real_time(trainer_client):
    clock.set_offset(timedelta(days=5))
    trainer_client.post("/sandbox/console/clock/", {"reset": "1"})
    assert clock.offset() == timedelta(0)


def test_faults_are_saved_from_the_console(trainer_client):
    trainer_client.post(
        "/sandbox/console/faults/",
        {
            "on": ["bureau_down", "sms_failing"],
            "delay_minutes": "5",
            "slow_seconds": "2",
            "slow_paths": "/submissions/\n/feedback/",
        },
    )
    current = faults.settings_now()
    assert current["on"] == {"bureau_down", "sms_failing"}
    assert current["slow_paths"] == ["/submissions/", "/feedback/"]
