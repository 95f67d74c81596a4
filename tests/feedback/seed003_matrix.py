"""Seed 003's table, written out again by hand (not read from roles.capabilities) so the
page tests catch a drift in either: for each (organization kind, role), which of the new
pages it opens."""

import pytest

from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import (
    ApmEntityFactory,
    ClinicianFactory,
    EnrolmentFactory,
    PracticeFactory,
    RegistryFactory,
)

from .conftest import member

SO, STAFF, CLINICIAN = Role.SECURITY_OFFICIAL, Role.STAFF_USER, Role.CLINICIAN
CASES = [
    ("practice", SO),
    ("practice", STAFF),
    ("practice", CLINICIAN),
    ("virtual_group", SO),
    ("virtual_group", STAFF),
    ("virtual_group", CLINICIAN),
    ("registry", SO),
    ("registry", STAFF),
    ("apm_entity", SO),
    ("apm_entity", STAFF),
    ("apm_entity", CLINICIAN),
]
ALLOWED = {
    # "Preview public reporting data": practice, virtual group and APM entity staff (and so
    # their Security Officials); "You won't be able to preview ... with this role" (Clinician).
    "public_reporting": {
        ("practice", SO),
        ("practice", STAFF),
        ("virtual_group", SO),
        ("virtual_group", STAFF),
        ("apm_entity", SO),
        ("apm_entity", STAFF),
    },
    # "View a list of participating practices and clinicians in the APM": APM entity staff.
    "apm_participants": {("apm_entity", SO), ("apm_entity", STAFF)},
    # "Register for the CMS Web Interface or CAHPS for MIPS": Security Officials only.
    "registrations": {("practice", SO), ("virtual_group", SO), ("apm_entity", SO)},
    # "Submit opt-in elections on behalf of your practice" / "... of your clients".
    "opt_in": {("practice", SO), ("practice", STAFF), ("registry", SO), ("registry", STAFF)},
}


def organization_of(kind):
    if kind == "practice":
        return PracticeFactory()
    if kind == "virtual_group":
        return PracticeFactory(virtual_group=True)
    if kind == "registry":
        return RegistryFactory()
    return ApmEntityFactory()


def person_with_role(kind, role):
    """Return (user, organization) with ``role`` in a new organization of ``kind``."""
    organization = organization_of(kind)
    user = UserFactory()
    clinician = None
    if role == CLINICIAN:
        clinician = ClinicianFactory()
        if kind != "apm_entity":
            EnrolmentFactory(practice=organization, clinician=clinician)
    member(user, organization, role, clinician=clinician)
    return user, organization


def matrix_params(page):
    return [
        pytest.param(kind, role, (kind, role) in ALLOWED[page], id=f"{kind}-{role}")
        for kind, role in CASES
    ]
