"""Give the demo people their roles (safe to repeat):

- demo.official: Security Official of Sunrise Family Medicine LLC (TIN 123456789);
- demo.registry: Security Official of Southpoint Cardiovascular QCDR (registry Q0001);
- demo.registrystaff: Staff User of that registry.

Needs the demo people (``load_demo_data``) and the sample reference data
(``import_reference_data organizations/sample_data``). demo.staff is left unconnected so
the Staff User request → approval journey can be tried by hand.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.selectors import get_practice_by_tin, get_registry_by_id
from roles.capabilities import Role
from roles.models import Membership, MembershipEvent

DEMO_OFFICIAL = "demo.official"
DEMO_PRACTICE_TIN = "123456789"  # Sunrise Family Medicine LLC in organizations/sample_data
DEMO_REGISTRY_OFFICIAL = "demo.registry"
DEMO_REGISTRY_STAFF = "demo.registrystaff"
DEMO_REGISTRY_ID = "Q0001"  # Southpoint Cardiovascular QCDR in organizations/sample_data


def _user(username):
    return User.objects.filter(username__iexact=username).first()


class Command(BaseCommand):
    help = "Give the demo people their roles in the sample organizations (idempotent)."

    def handle(self, *args, **options):
        user = _user(DEMO_OFFICIAL)
        practice = get_practice_by_tin(DEMO_PRACTICE_TIN)
        if user is None or practice is None:
            raise CommandError(
                "Run load_demo_data and import_reference_data organizations/sample_data first."
            )
        self.grant(user, practice, Role.SECURITY_OFFICIAL)
        registry = get_registry_by_id(DEMO_REGISTRY_ID)
        registry_people = [
            (_user(DEMO_REGISTRY_OFFICIAL), Role.SECURITY_OFFICIAL),
            (_user(DEMO_REGISTRY_STAFF), Role.STAFF_USER),
        ]
        if registry is None or any(person is None for person, _ in registry_people):
            self.stdout.write(
                f"Registry {DEMO_REGISTRY_ID} or its demo people are missing: registry roles "
                "skipped."
            )
            return
        for person, role in registry_people:  # the Security Official first
            self.grant(person, registry, role)

    @transaction.atomic
    def grant(self, user, organization, role):
        """Make ``user`` hold ``role`` in ``organization``, replacing any other open role."""
        existing = Membership.objects.filter(
            user=user, organization=organization, status__in=Membership.OPEN_STATUSES
        ).first()
        if existing is not None and existing.role == role and existing.is_active:
            self.stdout.write(
                f"{user.username} is already {Role(role).label} of {organization}: unchanged."
            )
            return
        if existing is not None:
            existing.delete()  # demo data only: replace a pending or other role
        membership = Membership.objects.create(
            user=user,
            organization=organization,
            role=role,
            status=Membership.Status.ACTIVE,
            decided_at=timezone.now(),
            decision_reason="Demo data.",
        )
        MembershipEvent.objects.create(
            membership=membership,
            from_status="",
            to_status=Membership.Status.ACTIVE,
            reason=f"Demo data: made {Role(role).label} by load_demo_roles.",
        )
        self.stdout.write(f"{user.username} is now {Role(role).label} of {organization}.")
