"""Every page of the portal, for every persona: the URLconf walked with real ids.

``build_world`` makes one of each persona the issue names (practice Security Official and
Staff User, clinician, registry Security Official and Staff User, APM Entity staff, help
desk, signed out) with the rows their pages need; ``persona_paths`` turns the URLconf into
the paths a persona may open. Used by test_accessibility.py and the title test.
"""

from dataclasses import dataclass, field

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from feedback.models import ExceptionApplication
from organizations.models import Clinician, Organization
from roles.capabilities import Role
from roles.models import Membership
from submissions import catalogue
from tests.factories import UserFactory
from tests.feedback.factories import ExceptionApplicationFactory
from tests.proofing.factories import ManualProofingCaseFactory
from tests.roles.factories import MembershipFactory
from tests.submissions.factories import (
    ApiTokenFactory,
    MeasurementFactory,
    MeasurementSetFactory,
    SubmissionFactory,
)

# Not pages: POST-only actions, files, JSON, the admin (Django's own), keep-alive pings and
# links that carry a one-time token.
SKIPPED = {
    "accounts:sign_out",
    "accounts:keepalive",
    "accounts:device_action",
    "accounts:end_session",
    "accounts:confirm_email",
    "accounts:password_reset",
    "proofing:document",
    "feedback:download",
    "helpdesk:audit_export",
    "helpdesk:person_action",
    "submissions:token_rotate",
    "submissions:token_revoke",
    "accounts:regenerate_backup_codes",
    "feedback:exception_withdraw",
}
SKIPPED_NAMESPACES = {"admin", "eligibility_api", "submissions_api"}


def url_names():
    """Yield (name, kwarg names) of every named page in the URLconf."""

    def walk(resolver, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, tuple(entry.pattern.converters)

    for name, kwargs in walk(get_resolver(), None):
        namespace = name.split(":")[0]
        # django-health-check's own status page is for monitors, not people.
        if name in SKIPPED or namespace in SKIPPED_NAMESPACES or "health" in name:
            continue
        yield name, kwargs


@dataclass
class Persona:
    name: str
    user: object = None
    ids: dict = field(default_factory=dict)
    # Further states of a page, as paths with a query string
    extra: list = field(default_factory=list)


def persona_path(persona, name, kwargs):
    """Return the path of URL ``name`` with the persona's ids, or None if it lacks one."""
    values = {}
    for kwarg in kwargs:
        value = persona.ids.get(f"{name}.{kwarg}", persona.ids.get(kwarg))
        if value is None:
            return None
        values[kwarg] = value
    return reverse(name, kwargs=values)


def persona_paths(persona):
    """Return every path of the URLconf this persona has ids for (its pages and others)."""
    paths = [persona_path(persona, name, kwargs) for name, kwargs in url_names()]
    return [path for path in paths if path] + persona.extra


def _member(user, organization, role, **kwargs):
    return MembershipFactory(user=user, organization=organization, role=role, **kwargs)


def build_world():
    """Create the reference data and one person per persona; return the personas."""
    call_command("import_reference_data", "organizations/sample_data", verbosity=0)
    call_command("generate_feedback_data", seed=1, verbosity=0)
    year = max(catalogue.performance_years())
    practice = Organization.objects.get(tin="123456789")
    registry = Organization.objects.get(registry_id="Q0001")
    apm = Organization.objects.get(entity_id="BPCIA-1115")

    official = UserFactory(username="walk.official", first_name="Olivia", last_name="Ortega")
    _member(official, practice, Role.SECURITY_OFFICIAL)
    staff = UserFactory(username="walk.staff", first_name="Samuel", last_name="Stone")
    staff_role = _member(staff, practice, Role.STAFF_USER)
    newcomer = UserFactory(username="walk.newcomer", first_name="Nia", last_name="Newton")
    pending = _member(newcomer, practice, Role.STAFF_USER, pending=True)
    # The first Security Official of an APM Entity, at the validation step (entity ID, TINs).
    validating = _member(
        newcomer,
        Organization.objects.get(entity_id="T43572"),
        Role.SECURITY_OFFICIAL,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.VALIDATION,
        decided_at=None,
    )

    ada = Clinician.objects.get(npi="1234567893")
    clinician = UserFactory(username="walk.clinician", first_name="Ada", last_name="Lovelace")
    clinician_role = _member(clinician, practice, Role.CLINICIAN, clinician=ada)

    registry_official = UserFactory(username="walk.registry", first_name="Rosa")
    _member(registry_official, registry, Role.SECURITY_OFFICIAL)
    registry_staff = UserFactory(username="walk.registrystaff", first_name="Reggie")
    _member(registry_staff, registry, Role.STAFF_USER)
    token = ApiTokenFactory(organization=registry, created_by=registry_official)
    registry_set = MeasurementSetFactory(
        submission=SubmissionFactory(taxpayer_identification_number="415027485"),
        submitter=registry,
    )
    MeasurementFactory(measurement_set=registry_set)
    practice_set = MeasurementSetFactory(
        submission=SubmissionFactory(taxpayer_identification_number=practice.tin),
        submitter=practice,
    )
    MeasurementFactory(measurement_set=practice_set)

    apm_official = UserFactory(username="walk.apmofficial")
    _member(apm_official, apm, Role.SECURITY_OFFICIAL)
    apm_staff = UserFactory(username="walk.apmstaff", first_name="Alma")
    _member(apm_staff, apm, Role.STAFF_USER)

    help_desk = UserFactory(username="walk.helpdesk", is_staff=True)
    from django.contrib.auth.models import Permission

    help_desk.user_permissions.add(Permission.objects.get(codename="help_desk"))
    case = ManualProofingCaseFactory()
    stuck = _member(
        UserFactory(username="walk.stuck"),
        Organization.objects.get(tin="447721181"),
        Role.SECURITY_OFFICIAL,
        status=Membership.Status.PENDING,
        awaiting=Membership.Awaiting.HELP_DESK,
        decided_at=None,
    )
    application = ExceptionApplicationFactory(organization=practice)
    ExceptionApplication.objects.filter(pk=application.pk).update(filed_by=official)

    group = {"year": year, "reporting_for": "group"}
    return [
        Persona(
            "practice-official",
            official,
            {
                "organization_id": practice.pk,
                "membership_id": pending.pk,
                "roles:revoke.membership_id": staff_role.pk,
                "roles:request_detail.membership_id": Membership.objects.get(user=official).pk,
                "roles:request_validate.membership_id": None,
                "roles:request_cancel.membership_id": None,
                "npi": ada.npi,
                "pk": application.pk,
                "submission_id": practice_set.submission.pk,
                "kind": "practice",
                **group,
            },
            [
                "/access/connect/find/practice/?query=sunrise",
                "/organizations/search/?kind=practice&query=sun",
            ],
        ),
        Persona(
            "practice-staff",
            staff,
            {
                "organization_id": practice.pk,
                "membership_id": staff_role.pk,
                "npi": ada.npi,
                "kind": "apm_entity",
                **group,
            },
            ["/access/connect/find/apm_entity/?query=BPCIA"],
        ),
        Persona(
            "newcomer",
            newcomer,
            {
                "membership_id": pending.pk,
                "roles:request_validate.membership_id": validating.pk,
                "roles:connect_role.organization_id": registry.pk,
                "kind": "registry",
            },
        ),
        Persona(
            "clinician",
            clinician,
            {"organization_id": practice.pk, "membership_id": clinician_role.pk, "npi": ada.npi},
        ),
        Persona(
            "registry-official",
            registry_official,
            {
                "organization_id": registry.pk,
                "token_id": token.pk,
                "submission_id": registry_set.submission.pk,
            },
        ),
        Persona(
            "registry-staff",
            registry_staff,
            {"organization_id": registry.pk, "submission_id": registry_set.submission.pk},
        ),
        Persona(
            "apm-staff",
            apm_staff,
            {"organization_id": apm.pk, "year": year, "reporting_for": "apm"},
        ),
        Persona(
            "help-desk",
            help_desk,
            {
                "organization_id": practice.pk,
                "helpdesk:person.person_id": official.pk,
                "person_id": official.pk,
                "case_id": case.pk,
                "membership_id": stuck.pk,
                "pk": application.pk,
            },
            [
                "/help-desk/people/?query=ortega",
                "/help-desk/audit/?person=walk.official",
            ],
        ),
        Persona(
            "signed-out",
            None,
            {},
            ["/feedback/participation/?npi=1234567893", "/feedback/participation/?npi=12"],
        ),
    ]
