from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import User
from qpp_portal import clock
from roles.models import Membership
from sandbox.models import PersonaSecret
from sandbox.personas import PERSONAS
from submissions.models import ApiToken

pytestmark = pytest.mark.django_db


def test_load_personas_makes_every_persona_once(starting_data):
    call_command("load_personas")  # again: changes nothing
    for persona in PERSONAS:
        assert User.objects.filter(username__iexact=persona.username).count() == 1
    assert ApiToken.objects.filter(label="Sandbox persona token").count() == 1
    assert PersonaSecret.objects.get(username="demo.registry").value.startswith("qpp_")


def test_each_persona_is_in_the_state_its_card_promises(starting_data):
    people = {user.username: user for user in User.objects.all()}
    assert people["demo.nossn"].ssn is None
    assert people["demo.quizpass"].identity_status == User.IdentityStatus.UNVERIFIED
    assert people["demo.dormant"].last_login < clock.now() - timedelta(days=60)
    assert not people["demo.leftpractice"].is_active
    assert Membership.objects.get(user=people["demo.leftpractice"]).role == "security_official"
    assert Membership.objects.get(user=people["demo.staffpending"]).is_pending
    assert Membership.objects.filter(user=people["demo.apm"], status="active").exists()
    assert people["demo.trainer"].has_perm("sandbox.trainer")


def test_the_console_shows_a_card_per_persona(starting_data, client, sign_in):
    sign_in(client, User.objects.get(username="demo.trainer"))
    page = client.get("/sandbox/console/").text
    for persona in PERSONAS:
        assert persona.username in page
    assert "Demo.Portal2026!" in page
