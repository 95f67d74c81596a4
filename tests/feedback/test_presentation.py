"""The summary page's table values, formatted in feedback.presentation as the template
filters formatted them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from feedback import presentation
from feedback.models import FeedbackReport

from .factories import FeedbackReportFactory


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (10, "10"),
        (7.0, "7"),
        (8.9585, "8.96"),
        (3.005, "3.01"),
        (4.1, "4.10"),
        (Decimal("0.004"), "0.00"),
        (None, ""),
    ],
)
def test_measure_points_show_two_decimals_unless_whole(value, shown):
    assert presentation.points(value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("1.250"), "+1.250%"),
        (Decimal("-0.500"), "-0.500%"),
        (Decimal("0.000"), "0.000%"),
    ],
)
def test_a_payment_adjustment_shows_a_plus_only_when_positive(value, shown):
    assert presentation.signed_percent(value) == shown


def test_a_measure_without_a_rate_or_a_decile_shows_a_dash():
    rows = presentation.measure_rows(
        [
            {
                "measure_id": "001",
                "title": "A",
                "performance_rate": None,
                "decile": None,
                "points": 0,
            },
            {
                "measure_id": "236",
                "title": "B",
                "performance_rate": 55.5,
                "decile": 3,
                "points": 3.5,
            },
        ]
    )
    assert [(r["measure"], r["performance_rate"], r["decile"], r["points"]) for r in rows] == [
        ("001 A", "–", "–", "0"),
        ("236 B", "55.5%", "3", "3.50"),
    ]


@pytest.mark.django_db
def test_each_clinician_row_links_to_their_feedback_for_the_year(practice, own_clinician):
    report = FeedbackReportFactory(
        organization=practice,
        clinician=own_clinician,
        level=FeedbackReport.Level.INDIVIDUAL,
        payment_adjustment=Decimal("2.125"),
    )
    (row,) = presentation.clinician_rows(practice, 2025, [report])
    link = reverse("feedback:clinician", args=[practice.pk, own_clinician.npi]) + "?year=2025"
    assert row == {
        "url": link,
        "name": own_clinician.full_name,
        "npi": own_clinician.npi,
        "final_score": str(report.final_score),
        "payment_adjustment": "+2.125%",
    }
