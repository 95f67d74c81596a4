"""One factory per model of the organizations app. Identifiers are valid and unique."""

import factory

from organizations.models import (
    ApmEntity,
    ApmParticipation,
    Clinician,
    Enrolment,
    Organization,
    Practice,
    Registry,
    VirtualGroupTin,
)
from organizations.validators import npi_check_digit


def valid_npi(first_nine):
    return first_nine + str(npi_check_digit(first_nine))


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    class Params:
        virtual_group = factory.Trait(
            is_virtual_group=True,
            group_npi=None,
            group_ptan=None,
            virtual_group_id=factory.Sequence(lambda n: f"VG-{n:05d}"),
        )

    kind = Organization.Kind.PRACTICE
    tin = factory.Sequence(lambda n: f"{100000000 + n:09d}")
    legal_business_name = factory.Sequence(lambda n: f"Practice Number {n} Medical Group")
    group_npi = factory.Sequence(lambda n: valid_npi(f"2{n:08d}"))
    group_ptan = factory.Sequence(lambda n: f"G{n:07d}")
    street_address = "100 Main St"
    city = "Springfield"
    state = "IL"
    zip_code = "62701"


class ApmEntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApmEntity

    kind = Organization.Kind.APM_ENTITY
    entity_id = factory.Sequence(lambda n: f"A{n:04d}")
    legal_business_name = factory.Sequence(lambda n: f"Entity Number {n} ACO")
    model_type = Organization.ModelType.SSP_ACO
    is_single_tin = False


class RegistryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registry

    kind = Organization.Kind.REGISTRY
    registry_id = factory.Sequence(lambda n: f"Q{n:04d}")
    tin = factory.Sequence(lambda n: f"{900000000 + n:09d}")
    legal_business_name = factory.Sequence(lambda n: f"Registry Number {n} QCDR")
    registry_kind = Organization.RegistryKind.QCDR


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    npi = factory.Sequence(lambda n: valid_npi(f"1{n:08d}"))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    specialty = "Family Practice"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    clinician = factory.SubFactory(ClinicianFactory)
    practice = factory.SubFactory(PracticeFactory)
    ptan = factory.Sequence(lambda n: f"P{n:07d}")


class ApmParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApmParticipation

    entity = factory.SubFactory(ApmEntityFactory)
    practice = factory.SubFactory(PracticeFactory)
    clinician = None
    performance_year = 2025


class VirtualGroupTinFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VirtualGroupTin

    virtual_group = factory.SubFactory(PracticeFactory, virtual_group=True)
    practice = factory.SubFactory(PracticeFactory)
    performance_year = 2025
