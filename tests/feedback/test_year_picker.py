"""The year picker writes its select out by hand (templates/feedback/includes/year_picker.html)
to spare the page the form renderer; it must stay what ``{{ form }}`` renders."""

import re

import pytest
from django.template.loader import render_to_string

from feedback.forms import YearForm

YEARS = [2025, 2024, 2023, 2021]
PICKER = "feedback/includes/year_picker.html"


def without_whitespace(html):
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()


def form_part(html):
    return without_whitespace(html.split("novalidate>", 1)[1].split("<button", 1)[0])


@pytest.mark.parametrize("data", [None, {"year": "2023"}], ids=["unbound", "chosen"])
def test_the_year_picker_renders_its_select_as_the_form_renderer_does(data):
    form = YearForm(data, years=YEARS)
    form.is_valid()
    assert form_part(render_to_string(PICKER, {"form": form})) == without_whitespace(str(form))


def test_the_year_picker_marks_only_the_chosen_year_selected():
    form = YearForm({"year": "2023"}, years=YEARS)
    form.is_valid()
    html = render_to_string(PICKER, {"form": form})
    assert html.count(" selected") == 1
    assert '<option value="2023" selected>2023</option>' in html


def test_a_refused_year_is_shown_with_the_form_renderer_s_error_wiring():
    form = YearForm({"year": "1999"}, years=YEARS)
    form.is_valid()
    html = render_to_string(PICKER, {"form": form})
    assert "Choose a performance year from the list." in html
    assert 'aria-invalid="true"' in html
