"""One factory per model of the feedback app; the defaults describe a plain 2025 case."""

from decimal import Decimal

import factory
from django.utils import timezone

from feedback import program
from feedback.models import (
    ClinicianEligibility,
    ExceptionApplication,
    FeedbackReport,
    OptInElection,
    PracticeEligibility,
)
from tests.organizations.factories import ClinicianFactory, PracticeFactory


class FeedbackReportFactory(factory.django.DjangoModelFactory):
    """A 2025 group report whose final score and adjustment follow from its categories."""

    class Meta:
        model = FeedbackReport

    organization = factory.SubFactory(PracticeFactory)
    clinician = None
    level = FeedbackReport.Level.GROUP
    performance_year = 2025
    quality = Decimal("80.00")
    promoting_interoperability = Decimal("90.00")
    improvement_activities = Decimal("100.00")
    cost = Decimal("60.00")
    quality_weight = 30
    promoting_interoperability_weight = 25
    improvement_activities_weight = 15
    cost_weight = 30
    final_score = factory.LazyAttribute(
        lambda r: program.final_score(
            {name: getattr(r, name) for name in program.CATEGORIES},
            {name: getattr(r, f"{name}_weight") for name in program.CATEGORIES},
        )
    )
    payment_adjustment = factory.LazyAttribute(
        lambda r: program.payment_adjustment(r.final_score, r.performance_year)
    )


class PracticeEligibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeEligibility

    practice = factory.SubFactory(PracticeFactory)
    performance_year = 2026
    allowed_charges = 500_000
    beneficiaries = 900
    services = 2000
    below_charges = False
    below_beneficiaries = False
    below_services = False


class ClinicianEligibilityFactory(factory.django.DjangoModelFactory):
    """An eligible clinician (set the ``below_*`` flags and eligibility to say otherwise)."""

    class Meta:
        model = ClinicianEligibility

    clinician = factory.SubFactory(ClinicianFactory)
    practice = factory.SubFactory(PracticeFactory)
    performance_year = 2026
    below_charges = False
    below_beneficiaries = False
    below_services = False
    individual_eligible = True
    group_eligible = True

    class Params:
        may_opt_in = factory.Trait(
            below_beneficiaries=True, individual_eligible=False, opt_in_eligible=True
        )


class ExceptionApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExceptionApplication

    organization = factory.SubFactory(PracticeFactory)
    performance_year = 2026
    kind = ExceptionApplication.Kind.EXTREME_AND_UNCONTROLLABLE
    reason = ExceptionApplication.Reason.NATURAL_DISASTER
    quality = True
    start_date = factory.LazyFunction(lambda: program.today().replace(month=3, day=1))
    end_date = factory.LazyFunction(lambda: program.today().replace(month=4, day=1))
    description = "Flooding closed the clinic."
    filed_at = factory.LazyFunction(timezone.now)


class OptInElectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OptInElection

    practice = factory.SubFactory(PracticeFactory)
    performance_year = 2026
    decision = OptInElection.Decision.OPT_IN
    made_at = factory.LazyFunction(timezone.now)
