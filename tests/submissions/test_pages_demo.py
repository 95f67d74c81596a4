"""The demo registry people (README's table) reach their registry's submission pages."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from roles.models import Membership
from tests.organizations.factories import PracticeFactory, RegistryFactory

pytestmark = pytest.mark.django_db


def test_demo_registry_people_get_their_roles_once_and_open_their_pages(client, sign_in):
    PracticeFactory(tin="123456789")
    registry = RegistryFactory(registry_id="Q0001", legal_business_name="Southpoint QCDR")
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_roles", verbosity=0)
    call_command("load_demo_roles", verbosity=0)
    official = User.objects.get(username="demo.registry")
    staff = User.objects.get(username="demo.registrystaff")
    roles = {m.user.username: m.role for m in Membership.objects.filter(organization=registry)}
    assert roles == {"demo.registry": "security_official", "demo.registrystaff": "staff_user"}
    assert not Membership.objects.filter(user__username="demo.staff").exists()
    sign_in(client, official)
    assert client.get(reverse("submissions:tokens", args=[registry.pk])).status_code == 200
    sign_in(client, staff)
    assert client.get(reverse("submissions:upload", args=[registry.pk])).status_code == 200
    assert client.get(reverse("submissions:tokens", args=[registry.pk])).status_code == 403


def test_without_the_sample_registry_the_practice_role_is_still_given():
    PracticeFactory(tin="123456789")
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_roles", verbosity=0)
    assert Membership.objects.get(user__username="demo.official").role == "security_official"
