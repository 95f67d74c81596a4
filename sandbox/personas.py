"""One persona for each path through the portal, loaded by ``manage.py load_personas`` (run
by ``scripts/start``) and shown as cards in the trainer's console.

Every persona signs in with the demo password and gets codes by text message in the
Sandbox inbox, like the demo people of ``load_demo_data``.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from accounts.management.commands.load_demo_data import DEMO_PASSWORD
from accounts.models import PasswordHistory, PhoneDevice, User
from organizations.selectors import get_apm_entity_by_id, get_practice_by_tin, get_registry_by_id
from qpp_portal import clock
from roles.capabilities import Role
from roles.models import Membership, MembershipEvent

from .models import PersonaSecret

TRAINER = "demo.trainer"
# A fixed, valid-looking SSN per persona that needs one (the simulated bureau finds a file
# from it); never a real person's: the 9xx area is not issued.
QUIZ_SSN = {"demo.quizpass": "900-11-2001", "demo.quizfail": "900-11-2002"}
REGISTRY_TOKEN_LABEL = "Sandbox persona token"


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    title: str
    shows: str
    steps: tuple[str, ...]


PERSONAS = [
    Persona(
        "demo.quizpass",
        "Quinn",
        "Parker",
        "Passes the identity questions",
        "Remote identity proofing that succeeds, then two-factor setup.",
        (
            "Sign in; the portal sends you to Verify your identity.",
            "Open Start and answer from the simulated credit file (link on the questions "
            "page in the sandbox): 4 of 5 right passes.",
            "Set up a second factor (text message to the Sandbox inbox).",
        ),
    ),
    Persona(
        "demo.quizfail",
        "Fiona",
        "Fletcher",
        "Fails the identity questions",
        "A failed question set, the reference number, and after three failures in 24 hours "
        "the move to manual proofing.",
        (
            "Sign in and start the questions.",
            'Choose "None of the above" everywhere: you get a reference number.',
            "As demo.helpdesk clear the reference (Help desk → References), then Enter "
            "Reference Number as Fiona; or fail twice more to reach manual proofing.",
        ),
    ),
    Persona(
        "demo.nossn",
        "Nadia",
        "Novak",
        "Has no SSN",
        "Manual proofing by documents, decided by the help desk.",
        (
            "Sign in: without an SSN the portal offers document upload only.",
            "Upload a photo ID and two statements (any small PDF or image).",
            "As demo.helpdesk decide the case in the manual proofing queue; the email is in "
            "the Sandbox inbox.",
        ),
    ),
    Persona(
        "demo.groupnpi",
        "Gavin",
        "Grant",
        "Has only the group NPI",
        "The first Security Official's validation refusing a group NPI/PTAN, tries counted, "
        "and three failures sending the request to the help desk.",
        (
            "Connect to an organization: practice TIN 447721181 (Bailey & Smith Rural Health "
            "Clinic PA, no Security Official yet), role Security Official.",
            "Enter the group NPI 2493458675 and group PTAN L30931: refused, 2 tries left. "
            "The console's Why panel shows the rule and the numbers compared.",
            "The individual NPI 1452313194 and PTAN 831671 (Rebecca Lopez) are accepted.",
        ),
    ),
    Persona(
        "demo.leftpractice",
        "Lena",
        "Lambert",
        "A practice's only Security Official, who left",
        "A practice whose only Security Official is gone: nobody can approve, only the help "
        "desk vacates the role after checking the caller.",
        (
            "Lena's account is deactivated (she left); she is still the only Security "
            "Official of Greenfield Rural Health Clinic (TIN 308510203).",
            "Sign in as demo.successor and request Staff User there: pending with nobody to "
            "approve (a Security Official request waits the same way).",
            "As demo.helpdesk vacate Lena's role after the caller check; demo.successor can "
            "then become the first Security Official (NPI 1449941644, PTAN A66080).",
        ),
    ),
    Persona(
        "demo.successor",
        "Simon",
        "Sato",
        "Takes over from a Security Official who left",
        "The other half of demo.leftpractice's journey.",
        ("See demo.leftpractice.",),
    ),
    Persona(
        "demo.namemismatch",
        "Rebeca",
        "Lopes",
        "Clinician whose name does not match",
        "Connecting as Individual Clinician refused: the identity-proofed name must match the "
        "participation records exactly (clinician Rebecca Lopez).",
        (
            "Sign in and connect as Individual Clinician.",
            "The portal finds no clinician with this exact name and says what to do.",
        ),
    ),
    Persona(
        "demo.dormant",
        "Dana",
        "Dorsey",
        "Dormant account",
        "An account unused for more than 60 days: deactivated at sign-in, back with a "
        "password reset.",
        (
            "Sign in: the account is deactivated for dormancy.",
            "Use Forgot password (email in the Sandbox inbox, challenge answer: demo) to "
            "reactivate it.",
        ),
    ),
    Persona(
        "demo.locked",
        "Leo",
        "Locke",
        "Locked account",
        "Five failed sign-ins lock the account for 30 minutes (loaded as just locked).",
        (
            "Sign in with the right password: still LOGIN FAILED while locked.",
            "A password reset unlocks it; the Why panel shows the failures counted.",
        ),
    ),
    Persona(
        "demo.staffpending",
        "Pat",
        "Pending",
        "Staff User awaiting approval",
        "A pending Staff User request at Sunrise Family Medicine LLC (TIN 123456789), decided "
        "by its Security Official, expiring after 30 days.",
        (
            "Sign in as demo.official and approve or deny it (Manage access).",
            "Or move the console's clock 31 days: the request expires and Pat is emailed.",
        ),
    ),
    Persona(
        "demo.registry",
        "Rosa",
        "Ramirez",
        "Registry with an API token",
        "Security Official of Southpoint Cardiovascular QCDR (Q0001) holding a Submissions "
        "API token.",
        (
            "Sign in: API tokens of the registry list the persona token (rotate, revoke).",
            "Call the Submissions API with the token shown on this card "
            "(Authorization: Bearer <token>).",
        ),
    ),
    Persona(
        "demo.apm",
        "Avery",
        "Adams",
        "APM Entity with participants",
        "Security Official of Harbor Primary Care Collaborative (APM Entity T43572) with its "
        "participating practices and clinicians.",
        ("Sign in and open the APM Entity: View participants and eligibility.",),
    ),
    Persona(
        TRAINER,
        "Terry",
        "Trainer",
        "Trainer",
        "The trainer's console: simulated clock, vendor faults, Why, reset.",
        ("Sign in and open /sandbox/console/.",),
    ),
]


def persona(username):
    return next(p for p in PERSONAS if p.username == username)


def _person(spec, *, verified=True, ssn=None, device=True, phone_suffix=0):
    user = User.objects.filter(username__iexact=spec.username).first()
    if user is not None:
        return user, False
    now = clock.now()
    user = User(
        username=spec.username,
        first_name=spec.first_name,
        last_name=spec.last_name,
        email=f"{spec.username}@example.com",
        phone=f"+1202555{phone_suffix:04d}",
        date_of_birth=date(1980, 3, 14),
        street_address="200 Independence Ave SW",
        city="Washington",
        state="DC",
        zip_code="20201",
        terms_version="2026-01",
        terms_accepted_at=now,
        challenge_question=User.ChallengeQuestion.FIRST_PET,
        identity_status=(
            User.IdentityStatus.VERIFIED if verified else User.IdentityStatus.UNVERIFIED
        ),
        identity_verified_at=now if verified else None,
        proofed_first_name=spec.first_name if verified else "",
        proofed_last_name=spec.last_name if verified else "",
        last_login=now,
    )
    user.set_ssn(ssn)
    user.set_challenge_answer("demo")
    user.set_password(DEMO_PASSWORD)
    user.save()
    PasswordHistory.objects.create(user=user, password=user.password)
    if device:
        phone_device = PhoneDevice.objects.create(
            user=user, number=user.phone, method=PhoneDevice.Method.SMS, name="sms", confirmed=True
        )
        user.default_device = phone_device.persistent_id
        user.save(update_fields=["default_device"])
    return user, True


def _grant(user, organization, role, reason="Sandbox persona."):
    if Membership.objects.filter(
        user=user, organization=organization, status__in=Membership.OPEN_STATUSES
    ).exists():
        return
    membership = Membership.objects.create(
        user=user,
        organization=organization,
        role=role,
        status=Membership.Status.ACTIVE,
        decided_at=clock.now(),
        decision_reason=reason,
    )
    MembershipEvent.objects.create(
        membership=membership, from_status="", to_status=Membership.Status.ACTIVE, reason=reason
    )


@transaction.atomic
def load_personas(*, out=None):
    """Create every persona missing (existing ones are left as they are); return the
    usernames created. Needs the sample reference data and the demo people."""
    from axes.models import AccessAttempt

    from roles import services as role_services
    from submissions.models import ApiToken
    from submissions.services import create_api_token

    created = []
    suffix = iter(range(201, 299))

    def make(username, **kwargs):
        user, new = _person(persona(username), phone_suffix=next(suffix), **kwargs)
        if new:
            created.append(username)
        return user, new

    make("demo.quizpass", verified=False, ssn=QUIZ_SSN["demo.quizpass"], device=False)
    make("demo.quizfail", verified=False, ssn=QUIZ_SSN["demo.quizfail"], device=False)
    make("demo.nossn", verified=False, device=False)
    make("demo.groupnpi")
    make("demo.namemismatch")
    make("demo.successor")

    greenfield = get_practice_by_tin("308510203")
    left, new = make("demo.leftpractice")
    if new and greenfield is not None:
        _grant(left, greenfield, Role.SECURITY_OFFICIAL)
        left.is_active = False
        left.deactivation_reason = User.DeactivationReason.HELP_DESK
        left.save(update_fields=["is_active", "deactivation_reason"])

    dormant, new = make("demo.dormant")
    if new:
        dormant.last_login = clock.now() - timedelta(days=70)
        dormant.save(update_fields=["last_login"])

    locked, new = make("demo.locked")
    if new:
        from django.conf import settings

        AccessAttempt.objects.create(
            username=locked.username,
            ip_address="127.0.0.1",
            user_agent="sandbox persona",
            http_accept="*/*",
            path_info="/sign-in/",
            get_data="",
            post_data="",
            failures_since_start=settings.AXES_FAILURE_LIMIT,
            attempt_time=timezone.now(),  # axes counts real time
        )

    pending, new = make("demo.staffpending")
    sunrise = get_practice_by_tin("123456789")
    if new and sunrise is not None:
        role_services.request_role(user=pending, organization=sunrise, role=Role.STAFF_USER)

    registry = get_registry_by_id("Q0001")
    registry_official = User.objects.filter(username__iexact="demo.registry").first()
    if (
        registry is not None
        and registry_official is not None
        and not ApiToken.objects.filter(organization=registry, label=REGISTRY_TOKEN_LABEL).exists()
    ):
        _, secret = create_api_token(
            organization=registry, label=REGISTRY_TOKEN_LABEL, created_by=registry_official
        )
        # Sandbox data only: the token is shown on the persona's card so a class can
        # call the API; a real token is shown once and never stored.
        PersonaSecret.objects.update_or_create(
            username="demo.registry", defaults={"value": secret}
        )

    apm, new = make("demo.apm")
    entity = get_apm_entity_by_id("T43572")
    if entity is not None:
        _grant(apm, entity, Role.SECURITY_OFFICIAL)

    trainer, new = make(TRAINER)
    trainer.user_permissions.add(
        Permission.objects.get(codename="trainer", content_type__app_label="sandbox")
    )
    if out is not None:
        out.write(f"Personas created: {', '.join(created) or 'none (all there already)'}.")
    return created
