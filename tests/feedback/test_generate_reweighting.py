"""The generated sample feedback follows the scoring rules: 414.1380(c) rows, APM pathway
weights for APM entities, approved exceptions reweighted, virtual groups from 2018."""

import pytest
from django.utils import timezone

from feedback import program, reweighting
from feedback.models import ExceptionApplication, FeedbackReport
from feedback.synthetic import generate_feedback_data
from organizations.models import Organization

from .factories import ExceptionApplicationFactory
from .test_generate import sample_data  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
CATEGORIES = ("quality", "cost", "improvement_activities", "promoting_interoperability")


def weights_of(report):
    return {name: getattr(report, f"{name}_weight") for name in CATEGORIES}


def test_apm_entities_are_scored_on_the_apm_weights(sample_data):  # noqa: F811
    generate_feedback_data(seed=1)
    reports = FeedbackReport.objects.filter(level="apm_entity").select_related("organization")
    assert reports.exists()
    for report in reports:
        assert report.cost_weight == 0
        assert weights_of(report) == reweighting.category_weights(
            report.performance_year,
            [n for n in CATEGORIES if getattr(report, n) is None],
            apm_entity=True,
            model_type=report.organization.model_type,
        )


def test_every_report_uses_the_regulations_row(sample_data):  # noqa: F811
    generate_feedback_data(seed=1)
    for report in FeedbackReport.objects.exclude(level="apm_entity").iterator():
        unscored = [n for n in CATEGORIES if getattr(report, n) is None]
        allowed = [
            reweighting.category_weights(report.performance_year, unscored, small_practice=small)
            for small in (False, True)
        ]
        assert weights_of(report) in allowed


def test_no_virtual_group_feedback_before_2018(sample_data):  # noqa: F811
    generate_feedback_data(seed=1)
    assert Organization.objects.filter(is_virtual_group=True).exists()
    assert not FeedbackReport.objects.filter(
        organization__is_virtual_group=True, performance_year=2017
    ).exists()


def test_an_approved_exception_reweights_the_generated_report(sample_data):  # noqa: F811
    generate_feedback_data(seed=1)
    report = FeedbackReport.objects.filter(level="group", cost__isnull=False).first()
    ExceptionApplicationFactory(
        organization=report.organization,
        performance_year=report.performance_year,
        status=ExceptionApplication.Status.APPROVED,
        decided_at=timezone.now(),
        quality=False,
        cost=True,
    )
    generate_feedback_data(seed=1)
    again = FeedbackReport.objects.get(
        organization=report.organization, performance_year=report.performance_year, level="group"
    )
    assert again.cost is None and again.cost_weight == 0


def test_apm_feedback_only_in_the_years_the_model_ran(sample_data):  # noqa: F811
    # The sample participation lists each model only in years it ran (CPC+ in 2020-2021,
    # the Oncology Care Model in 2021-2022), and feedback follows it.
    generate_feedback_data(seed=1)
    reports = FeedbackReport.objects.filter(level="apm_entity")
    years = set(reports.values_list("organization__model_type", "performance_year"))
    assert all(program.apm_model_ran(model, year) for model, year in years), sorted(years)
    assert not reports.filter(
        organization__model_type__in=["cpc_plus", "ocm"], performance_year__gt=2022
    ).exists()
    assert reports.filter(organization__model_type="cpc_plus", performance_year=2021).exists()
    assert reports.filter(organization__model_type="ssp_aco", performance_year=2025).exists()
