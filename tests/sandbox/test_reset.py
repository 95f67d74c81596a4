from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import User
from qpp_portal import clock
from sandbox import faults
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_reset_sandbox_brings_back_the_starting_data_clock_and_faults(client, sign_in):
    call_command("reset_sandbox")
    starting = User.objects.count()
    UserFactory(username="someone.new")
    User.objects.filter(username="demo.official").delete()
    clock.set_offset(timedelta(days=3))
    faults.save(on={"bureau_down"})
    trainer = User.objects.get(username="demo.trainer")
    sign_in(client, trainer)
    response = client.post("/sandbox/console/reset/")
    assert response.status_code == 302
    assert User.objects.count() == starting
    assert User.objects.filter(username="demo.official").exists()
    assert not User.objects.filter(username="someone.new").exists()
    assert clock.offset() == timedelta(0)
    assert faults.settings_now()["on"] == set()


def test_reset_sandbox_forgets_the_roles_the_shared_cache_held(monkeypatch):
    """The reload gives the same ids to new rows: no cached role may outlive the old ones."""
    from django.core.cache import cache

    from roles.selectors import active_membership_cache_key
    from sandbox import reset

    monkeypatch.setattr(reset, "call_command", lambda *args, **kwargs: None)
    key = active_membership_cache_key(1, 1)
    cache.set(key, "a role of the person who had id 1")
    reset.reset_sandbox()
    assert cache.get(key) is None
