from datetime import date

from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import PasswordHistory, PhoneDevice, User

DEMO_PASSWORD = "Demo.Portal2026!"
DEMO_PEOPLE = [
    # username, first, last, phone, help desk
    ("demo.official", "Olivia", "Ortega", "+12025550101", False),
    ("demo.staff", "Samuel", "Stone", "+12025550102", False),
    ("demo.helpdesk", "Hannah", "Hughes", "+12025550103", True),
    # Registry roles come from load_demo_roles (Southpoint Cardiovascular QCDR).
    ("demo.registry", "Rosa", "Ramirez", "+12025550104", False),
    ("demo.registrystaff", "Reggie", "Reed", "+12025550105", False),
]


class Command(BaseCommand):
    help = (
        "Create demo accounts (identity verified, codes by text message to the Sandbox inbox). "
        "Safe to run again."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        help_desk = Permission.objects.get(
            codename="help_desk", content_type__app_label="accounts"
        )
        for username, first, last, phone, is_help_desk in DEMO_PEOPLE:
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.com",
                    phone=phone,
                    date_of_birth=date(1984, 6, 12),
                    street_address="200 Independence Ave SW",
                    city="Washington",
                    state="DC",
                    zip_code="20201",
                    terms_version="2026-01",
                    terms_accepted_at=timezone.now(),
                    challenge_question=User.ChallengeQuestion.FIRST_PET,
                    identity_status=User.IdentityStatus.VERIFIED,
                    identity_verified_at=timezone.now(),
                    is_staff=is_help_desk,
                )
                user.set_challenge_answer("demo")
                user.set_password(DEMO_PASSWORD)
                user.save()
                PasswordHistory.objects.create(user=user, password=user.password)
                device = PhoneDevice.objects.create(
                    user=user,
                    number=phone,
                    method=PhoneDevice.Method.SMS,
                    name="sms",
                    confirmed=True,
                )
                user.default_device = device.persistent_id
                user.save(update_fields=["default_device"])
                if is_help_desk:
                    user.user_permissions.add(help_desk)
                self.stdout.write(f"Created {username}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo accounts: {', '.join(p[0] for p in DEMO_PEOPLE)}; password {DEMO_PASSWORD}; "
                "codes arrive in the Sandbox inbox (/sandbox/inbox/); challenge answer: demo."
            )
        )
