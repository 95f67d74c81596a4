"""The capability table, read row by row against seed 003 ("QPP Access At a Glance"), and
every capability of every role and kind checked through the organization's home page."""

import pytest
from django.urls import reverse

from roles.capabilities import CAPABILITIES, Capability, MatrixKind, Role, role_allows
from tests.factories import UserFactory
from tests.organizations.factories import ApmEntityFactory, PracticeFactory, RegistryFactory

from .factories import MembershipFactory

C = Capability

# Seed 003, transcribed independently of roles/capabilities.py: each row's "You want to..."
# column. Extras from seeds 000/001 (eligibility, exception applications) are marked.
SEED_ROWS = {
    # Practice Staff/Representative or Solo Practitioner: Staff User.
    (MatrixKind.PRACTICE, Role.STAFF_USER): {
        C.SUBMIT_DATA,
        C.SUBMIT_OPT_IN_ELECTION,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.VIEW_ELIGIBILITY,  # seed 001
        C.FILE_EXCEPTION_APPLICATION,  # seed 001
    },
    # "Everything above plus" approve/deny and register for CMS Web Interface or CAHPS.
    (MatrixKind.PRACTICE, Role.SECURITY_OFFICIAL): {
        C.SUBMIT_DATA,
        C.SUBMIT_OPT_IN_ELECTION,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.VIEW_ELIGIBILITY,
        C.FILE_EXCEPTION_APPLICATION,
        C.MANAGE_ACCESS,
        C.REGISTER_WEB_INTERFACE_OR_CAHPS,
    },
    # Clinician: view feedback (and, seed 000, eligibility); never public reporting.
    (MatrixKind.PRACTICE, Role.CLINICIAN): {C.VIEW_PERFORMANCE_FEEDBACK, C.VIEW_ELIGIBILITY},
    # Virtual Group Representative.
    (MatrixKind.VIRTUAL_GROUP, Role.STAFF_USER): {
        C.SUBMIT_DATA,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
    },
    (MatrixKind.VIRTUAL_GROUP, Role.SECURITY_OFFICIAL): {
        C.SUBMIT_DATA,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.MANAGE_ACCESS,
        C.REGISTER_WEB_INTERFACE_OR_CAHPS,
    },
    (MatrixKind.VIRTUAL_GROUP, Role.CLINICIAN): {C.VIEW_PERFORMANCE_FEEDBACK, C.VIEW_ELIGIBILITY},
    # QCDR or Qualified Registry Representative.
    (MatrixKind.REGISTRY, Role.STAFF_USER): {
        C.UPLOAD_SUBMISSION_FILE,
        C.SUBMIT_OPT_IN_ELECTION,
        C.VIEW_PRELIMINARY_SCORING,
    },
    (MatrixKind.REGISTRY, Role.SECURITY_OFFICIAL): {
        C.UPLOAD_SUBMISSION_FILE,
        C.SUBMIT_OPT_IN_ELECTION,
        C.VIEW_PRELIMINARY_SCORING,
        C.MANAGE_ACCESS,
        C.DOWNLOAD_API_TOKEN,
    },
    # APM Entity Representative.
    (MatrixKind.APM_ENTITY, Role.STAFF_USER): {
        C.SUBMIT_DATA,
        C.VIEW_APM_PARTICIPANTS,
        C.VIEW_ELIGIBILITY,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.FILE_EXCEPTION_APPLICATION,  # seed 001
    },
    (MatrixKind.APM_ENTITY, Role.SECURITY_OFFICIAL): {
        C.SUBMIT_DATA,
        C.VIEW_APM_PARTICIPANTS,
        C.VIEW_ELIGIBILITY,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.FILE_EXCEPTION_APPLICATION,
        C.MANAGE_ACCESS,
        C.REGISTER_WEB_INTERFACE_OR_CAHPS,
    },
    (MatrixKind.APM_ENTITY, Role.CLINICIAN): {C.VIEW_PERFORMANCE_FEEDBACK, C.VIEW_ELIGIBILITY},
}

ORGANIZATION_FACTORIES = {
    MatrixKind.PRACTICE: lambda: PracticeFactory(),
    MatrixKind.VIRTUAL_GROUP: lambda: PracticeFactory(virtual_group=True),
    MatrixKind.REGISTRY: lambda: RegistryFactory(),
    MatrixKind.APM_ENTITY: lambda: ApmEntityFactory(),
}


@pytest.mark.parametrize("row", sorted(SEED_ROWS, key=str))
def test_each_row_of_the_table_matches_seed_003(row):
    assert set(CAPABILITIES[row]) == SEED_ROWS[row]


def test_the_table_has_no_row_the_seed_lacks():
    # Registries have no Clinician role: clinicians connect to practices and APM entities.
    assert set(CAPABILITIES) == set(SEED_ROWS)


@pytest.mark.parametrize("kind", list(MatrixKind))
def test_a_security_official_may_do_everything_a_staff_user_may_plus_manage_access(kind):
    staff = CAPABILITIES[(kind, Role.STAFF_USER)]
    official = CAPABILITIES[(kind, Role.SECURITY_OFFICIAL)]
    assert staff < official
    assert C.MANAGE_ACCESS in official and C.MANAGE_ACCESS not in staff


def test_the_clinician_role_is_view_only_and_cannot_preview_public_reporting():
    for kind in (MatrixKind.PRACTICE, MatrixKind.VIRTUAL_GROUP, MatrixKind.APM_ENTITY):
        allowed = CAPABILITIES[(kind, Role.CLINICIAN)]
        assert C.PREVIEW_PUBLIC_REPORTING not in allowed
        assert not allowed & {C.SUBMIT_DATA, C.SUBMIT_OPT_IN_ELECTION, C.MANAGE_ACCESS}


CASES = [
    (kind, role, capability)
    for (kind, role) in sorted(SEED_ROWS, key=str)
    for capability in Capability
]


@pytest.mark.django_db
@pytest.mark.parametrize("kind, role, capability", CASES)
def test_every_capability_for_every_role_and_kind(kind, role, capability):
    organization = ORGANIZATION_FACTORIES[kind]()
    expected = capability in SEED_ROWS[(kind, role)]
    assert role_allows(role, organization, capability) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("kind, role", sorted(SEED_ROWS, key=str))
def test_the_organization_page_shows_exactly_what_the_role_allows(client, sign_in, kind, role):
    organization = ORGANIZATION_FACTORIES[kind]()
    person = UserFactory()
    extra = {}
    if role == Role.CLINICIAN:
        from tests.organizations.factories import ClinicianFactory

        extra["clinician"] = ClinicianFactory()
    MembershipFactory(user=person, organization=organization, role=role, **extra)
    sign_in(client, person)
    page = client.get(reverse("roles:organization", args=[organization.pk])).content.decode()
    for capability in Capability:
        shown = f'data-capability="{capability.value}"' in page
        assert shown is (capability in SEED_ROWS[(kind, role)]), capability
    access = client.get(reverse("roles:organization_access", args=[organization.pk]))
    assert access.status_code == (200 if C.MANAGE_ACCESS in SEED_ROWS[(kind, role)] else 403)


@pytest.mark.parametrize("capability", list(Capability))
def test_every_capability_has_a_page_of_its_own(capability):
    from roles.views import CAPABILITY_PAGES

    assert reverse(CAPABILITY_PAGES[capability], kwargs={"organization_id": 1})
