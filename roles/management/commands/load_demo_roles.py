"""Make demo.official the Security Official of Sunrise Family Medicine LLC (safe to repeat).

Needs the demo people (``load_demo_data``) and the sample reference data
(``import_reference_data organizations/sample_data``). demo.staff is left unconnected so
the Staff User request → approval journey can be tried by hand.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organizations.selectors import get_practice_by_tin
from roles.capabilities import Role
from roles.models import Membership, MembershipEvent

DEMO_OFFICIAL = "demo.official"
DEMO_PRACTICE_TIN = "123456789"  # Sunrise Family Medicine LLC in organizations/sample_data


class Command(BaseCommand):
    help = "Make demo.official the Security Official of a sample practice (idempotent)."

    def handle(self, *args, **options):
        user = User.objects.filter(username__iexact=DEMO_OFFICIAL).first()
        practice = get_practice_by_tin(DEMO_PRACTICE_TIN)
        if user is None or practice is None:
            raise CommandError(
                "Run load_demo_data and import_reference_data organizations/sample_data first."
            )
        with transaction.atomic():
            existing = Membership.objects.filter(
                user=user, organization=practice, status__in=Membership.OPEN_STATUSES
            ).first()
            if (
                existing is not None
                and existing.role == Role.SECURITY_OFFICIAL
                and existing.is_active
            ):
                self.stdout.write(
                    f"{DEMO_OFFICIAL} is already Security Official of {practice}: unchanged."
                )
                return
            if existing is not None:
                existing.delete()  # demo data only: replace a pending or other role
            membership = Membership.objects.create(
                user=user,
                organization=practice,
                role=Role.SECURITY_OFFICIAL,
                status=Membership.Status.ACTIVE,
                decided_at=timezone.now(),
                decision_reason="Demo data.",
            )
            MembershipEvent.objects.create(
                membership=membership,
                from_status="",
                to_status=Membership.Status.ACTIVE,
                reason="Demo data: made Security Official by load_demo_roles.",
            )
        self.stdout.write(f"{DEMO_OFFICIAL} is now Security Official of {practice}.")
