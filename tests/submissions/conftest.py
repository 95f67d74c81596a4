"""Personas for the submissions tests: a practice with a clinician billing under it and its
Security Official and Staff User; a registry with its Security Official, Staff User and an
API token; an APM entity's Staff User; a clinician (view only); and the help desk (from
tests/conftest.py)."""

import json
from pathlib import Path

import pytest

from roles.capabilities import Role
from tests.factories import UserFactory
from tests.organizations.factories import (
    ApmEntityFactory,
    PracticeFactory,
    RegistryFactory,
    VirtualGroupTinFactory,
)
from tests.roles.factories import MembershipFactory

from .factories import ApiTokenFactory

CMS_EXAMPLES = Path(__file__).parent / "cms_examples"
TOKEN_SECRET = "qpp_registry-test-token-0123456789abcdefghijklmnop"
OTHER_TOKEN_SECRET = "qpp_other-registry-token-0123456789abcdefghijklmn"


def cms_example(name, *, year=2024, tin="123456789", npi=None):
    """Return CMS's example submission ``name`` ("quality", "ia" or "aci") with its
    placeholders filled: the year, and identifiers that pass our TIN and NPI rules (CMS's
    examples use 000456789 and 9876543210, which do not)."""
    text = (CMS_EXAMPLES / f"submission-example-{name}.json").read_text()
    text = text.replace('"< performanceYearToBeReported >"', str(year))
    text = text.replace("< performanceYearToBeReported >", str(year))
    document = json.loads(text)
    document["taxpayerIdentificationNumber"] = tin
    if npi is not None:
        document["nationalProviderIdentifier"] = npi
    return document


@pytest.fixture
def practice_official(security_official):
    """The practice's Security Official (tests/conftest.py)."""
    return security_official


@pytest.fixture
def practice_staff(staff_user):
    """The practice's Staff User (tests/conftest.py)."""
    return staff_user


@pytest.fixture
def practice_clinician(practice, enrolment):
    user = UserFactory(username="ada.lovelace", first_name="Ada", last_name="Lovelace")
    MembershipFactory(
        user=user, organization=practice, role=Role.CLINICIAN, clinician=enrolment.clinician
    )
    return user


@pytest.fixture
def registry(db):
    return RegistryFactory(legal_business_name="Summit Quality Registry", registry_id="QR0042")


@pytest.fixture
def other_registry(db):
    return RegistryFactory(legal_business_name="Other Registry QCDR", registry_id="QR0099")


@pytest.fixture
def registry_official(registry):
    user = UserFactory(username="rita.official", first_name="Rita", last_name="Official")
    MembershipFactory(user=user, organization=registry, role=Role.SECURITY_OFFICIAL)
    return user


@pytest.fixture
def registry_staff(registry, registry_official):
    user = UserFactory(username="reg.staff", first_name="Reggie", last_name="Staff")
    MembershipFactory(user=user, organization=registry, role=Role.STAFF_USER)
    return user


@pytest.fixture
def registry_token(registry):
    """An active token of the registry; its secret is TOKEN_SECRET."""
    return ApiTokenFactory(organization=registry, secret=TOKEN_SECRET)


@pytest.fixture
def other_registry_token(other_registry):
    return ApiTokenFactory(organization=other_registry, secret=OTHER_TOKEN_SECRET)


@pytest.fixture
def apm_entity(db):
    return ApmEntityFactory(legal_business_name="Lakeside ACO", entity_id="A1234")


@pytest.fixture
def virtual_group(db):
    """A virtual group of two practice TINs, as CMS forms them, reporting as VG-12345."""
    group = PracticeFactory(
        virtual_group=True,
        legal_business_name="Prairie Virtual Group",
        virtual_group_id="VG-12345",
    )
    for practice in PracticeFactory.create_batch(2):
        VirtualGroupTinFactory(virtual_group=group, practice=practice, performance_year=2024)
    return group


@pytest.fixture
def virtual_group_staff(virtual_group):
    official = UserFactory(username="vg.official")
    MembershipFactory(user=official, organization=virtual_group, role=Role.SECURITY_OFFICIAL)
    user = UserFactory(username="vg.staff")
    MembershipFactory(user=user, organization=virtual_group, role=Role.STAFF_USER)
    return user


@pytest.fixture
def apm_staff(apm_entity):
    official = UserFactory(username="apm.official")
    MembershipFactory(user=official, organization=apm_entity, role=Role.SECURITY_OFFICIAL)
    user = UserFactory(username="apm.staff")
    MembershipFactory(user=user, organization=apm_entity, role=Role.STAFF_USER)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="otto.outsider")
