"""``short_date`` writes what ``date:"M j, Y"`` writes, in the portal's time zone."""

import datetime

import pytest
from django.template import engines
from django.utils import timezone

NEW_YORK_EVENING_IN_UTC = datetime.datetime(2027, 1, 6, 3, 30, tzinfo=datetime.UTC)


def both(value):
    rendered = engines["django"].from_string(
        '{% load dates %}{{ value|date:"M j, Y" }}|{{ value|short_date }}'
    )
    return rendered.render({"value": value}).split("|")


@pytest.mark.parametrize("month", range(1, 13))
def test_every_month_is_written_as_the_date_filter_writes_it(month):
    written, short = both(timezone.make_aware(datetime.datetime(2027, month, 9, 12)))
    assert short == written


def test_a_time_after_midnight_in_utc_is_the_portal_s_day_before():
    written, short = both(NEW_YORK_EVENING_IN_UTC)
    assert short == written == "Jan 5, 2027"


def test_a_date_without_a_time_is_written_as_it_is():
    assert both(datetime.date(2027, 9, 1)) == ["Sep 1, 2027", "Sep 1, 2027"]


@pytest.mark.parametrize("value", [None, "", "<b>not a date</b>", 20270105])
def test_what_is_not_a_date_is_written_as_nothing(value):
    assert both(value)[1] == ""
