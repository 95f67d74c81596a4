"""Feedback pages show the adjustment's parts in bonus years, the group feedback that
applies to a clinician, and the preliminary score (with measure detail) of submitted data."""

import pytest
from django.urls import reverse

from feedback import program

from .factories import FeedbackReportFactory

pytestmark = pytest.mark.django_db


def url(practice, year):
    return reverse("feedback:summary", args=[practice.pk]) + f"?year={year}"


def test_a_bonus_year_shows_base_and_exceptional_adjustments(
    client, sign_in, staff_user, practice
):
    report = FeedbackReportFactory(
        organization=practice,
        performance_year=2021,
        quality="95.00",
        cost="95.00",
        promoting_interoperability="95.00",
        improvement_activities="100.00",
        quality_weight=40,
        cost_weight=20,
    )
    base, exceptional = program.payment_adjustment_parts(report.final_score, 2021)
    assert exceptional > 0
    sign_in(client, staff_user)
    content = client.get(url(practice, 2021)).content.decode()
    assert "Exceptional performance adjustment" in content
    assert f"+{base}%" in content and f"+{exceptional}%" in content


def test_a_year_without_the_bonus_shows_one_adjustment(client, sign_in, staff_user, practice):
    FeedbackReportFactory(organization=practice, performance_year=2025)
    sign_in(client, staff_user)
    assert (
        "Exceptional performance adjustment"
        not in client.get(url(practice, 2025)).content.decode()
    )


def test_a_clinician_without_an_individual_report_sees_the_group_report(
    client, sign_in, clinician_user, practice
):
    group = FeedbackReportFactory(organization=practice, quality="55.00")
    sign_in(client, clinician_user)
    content = client.get(url(practice, 2025)).content.decode()
    assert "Group feedback" in content
    assert str(group.final_score) in content
    assert "score that applies to you" in content


def test_an_approved_exception_shows_on_the_eligibility_page(
    client, sign_in, staff_user, practice
):
    from django.utils import timezone

    from feedback.models import ExceptionApplication

    from .factories import ExceptionApplicationFactory

    ExceptionApplicationFactory(
        organization=practice,
        performance_year=2026,
        status=ExceptionApplication.Status.APPROVED,
        decided_at=timezone.now(),
        cost=True,
    )
    sign_in(client, staff_user)
    content = client.get(
        reverse("feedback:eligibility", args=[practice.pk]) + "?year=2026"
    ).content.decode()
    assert "Approved exceptions for 2026" in content
    assert "Quality, Cost reweighted to 0%" in content
