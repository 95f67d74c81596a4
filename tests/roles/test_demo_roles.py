import pytest
from django.core.management import call_command

from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import PracticeFactory

pytestmark = pytest.mark.django_db


def test_load_demo_roles_makes_demo_official_the_security_official_once():
    official = UserFactory(username="demo.official")
    practice = PracticeFactory(tin="123456789")
    call_command("load_demo_roles")
    call_command("load_demo_roles")
    membership = Membership.objects.get(user=official)
    assert (membership.organization, membership.role, membership.status) == (
        practice,
        "security_official",
        "active",
    )
