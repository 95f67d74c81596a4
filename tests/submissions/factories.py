"""Factories for MIPS data. A MeasurementSetFactory row is a 2024 improvement-activities set
of a group, submitted by a registry, unless told otherwise."""

from datetime import date

import factory

from submissions.models import ApiToken, EntityType, Measurement, MeasurementSet, Submission
from submissions.selectors import token_digest
from tests.organizations.factories import RegistryFactory


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    entity_type = EntityType.GROUP
    taxpayer_identification_number = factory.Sequence(lambda n: f"{100000000 + n}")
    national_provider_identifier = ""
    entity_id = ""
    performance_year = 2024


class MeasurementSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasurementSet

    submission = factory.SubFactory(SubmissionFactory)
    category = "ia"
    submission_method = "registry"
    program_name = "mips"
    performance_start = date(2024, 1, 1)
    performance_end = date(2024, 6, 30)
    cehrt_id = ""
    submitter = factory.SubFactory(RegistryFactory)


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    measurement_set = factory.SubFactory(MeasurementSetFactory)
    measure_id = "IA_PM_2"
    value = True


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """An active token. Pass ``secret="qpp_..."`` to know its secret (only the digest is
    stored)."""

    class Meta:
        model = ApiToken

    class Params:
        secret = factory.Sequence(lambda n: f"qpp_test-secret-{n:06d}-abcdefghijklmnopqrstuvwxyz")

    organization = factory.SubFactory(RegistryFactory)
    label = "Vendor CI"
    prefix = factory.LazyAttribute(lambda t: t.secret[:10])
    key_digest = factory.LazyAttribute(lambda t: token_digest(t.secret))
