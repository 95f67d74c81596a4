"""The SVG charts of the feedback pages (feedback.charts): one bar per figure, each with its
value in words, the year's thresholds named in a legend."""

import re
from decimal import Decimal

from django.utils.safestring import SafeString

from feedback import charts, program
from feedback.models import FeedbackReport


def report(**fields):
    return FeedbackReport(
        performance_year=2022,
        final_score=Decimal("67.75"),
        quality=Decimal("80.00"),
        promoting_interoperability=None,
        improvement_activities=Decimal("0.00"),
        cost=Decimal("62.50"),
        quality_weight=55,
        promoting_interoperability_weight=0,
        improvement_activities_weight=15,
        cost_weight=30,
        **fields,
    )


def test_the_score_chart_names_each_threshold_of_the_year_in_its_legend_and_description():
    svg = charts.score_chart(report(), program.program_year(2022))
    assert isinstance(svg, SafeString)
    labels = [
        "Full negative at or below 18.75",
        "Performance threshold 75",
        "Exceptional performance 89",
    ]
    assert re.findall(r'font-size="12" fill="#1b1b1b">([^<]*)</text>', svg) == labels
    assert (
        f"A bar from 0 to 67.75 on a scale of 0 to 100 points, with marks at {', '.join(labels)}."
        in svg
    )
    assert 'width="318.4" height="32" fill="url(#pattern-score)"' in svg


def test_the_score_chart_has_no_exceptional_marker_after_the_bonus_ended():
    svg = charts.score_chart(report(), program.program_year(2024))
    assert "Exceptional performance" not in svg
    assert svg.count("stroke-dasharray") == 4  # a line and its legend sample per threshold


def test_a_category_chart_bar_shows_its_score_and_weight_and_an_unscored_one_says_so():
    svg = charts.category_chart(report())
    assert "Quality: 80 of 100 · weight 55%." in svg
    assert "Promoting Interoperability: Not scored (reweighted)." in svg
    assert "Cost: 62.5 of 100 · weight 30%." in svg
    # Bars only for scores above 0: Quality and Cost, each in its own pattern.
    assert re.findall(r'fill="url\(#([a-z-]+)\)"', svg) == [
        "pattern-diagonal",
        "pattern-horizontal",
    ]
