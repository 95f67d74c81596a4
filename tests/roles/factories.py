"""Factories for roles. A MembershipFactory row is an active Security Official unless told."""

import factory
from django.utils import timezone

from roles.capabilities import Role
from roles.models import Membership
from tests.factories import UserFactory
from tests.organizations.factories import PracticeFactory


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    class Params:
        pending = factory.Trait(
            status=Membership.Status.PENDING,
            awaiting=Membership.Awaiting.SECURITY_OFFICIAL,
            decided_at=None,
            expires_at=factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=30)),
        )

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(PracticeFactory)
    role = Role.SECURITY_OFFICIAL
    status = Membership.Status.ACTIVE
    awaiting = ""
    decided_at = factory.LazyFunction(timezone.now)
