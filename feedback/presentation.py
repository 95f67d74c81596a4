"""Table rows of the feedback summary page, formatted once here: a practice lists thousands
of clinicians, and filters and tags run for every row of a template are most of a page's
cost. Text only; the template escapes it."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import numberformat

NO_FIGURE = "–"


def number(value):
    """Return a number as a template shows one (no thousands separator)."""
    return numberformat.format(value, ".")


def signed_percent(value):
    """Return a payment adjustment in percent, with "+" before a positive one."""
    return f"{'+' if value > 0 else ''}{number(value)}%"


def points(value):
    """Return measure points as ``floatformat:"-2"`` shows them: two decimals, or none when
    whole; "" for none."""
    return "" if value is None else str(floatformat(value, -2))


def clinician_rows(organization, year, reports):
    """Return the drill-down table of the individual ``reports``: each clinician's link to
    their feedback for ``year``, name, NPI, final score and payment adjustment."""
    # One reverse for the whole table: only the NPI differs, ten digits, nothing to quote.
    link = reverse("feedback:clinician", args=[organization.pk, "0"]).removesuffix("0/")
    return [
        {
            "url": f"{link}{report.clinician.npi}/?year={year}",
            "name": report.clinician.full_name,
            "npi": report.clinician.npi,
            "final_score": number(report.final_score),
            "payment_adjustment": signed_percent(report.payment_adjustment),
        }
        for report in reports
    ]


def measure_rows(measures):
    """Return the quality measures table of computed feedback (``SubmittedFeedback.measures``):
    the measure, its performance rate, benchmark decile and points."""
    return [
        {
            "measure": f"{m['measure_id']} {m['title']}",
            "performance_rate": (
                NO_FIGURE if m["performance_rate"] is None else f"{number(m['performance_rate'])}%"
            ),
            "decile": number(m["decile"]) if m["decile"] else NO_FIGURE,
            "points": points(m["points"]),
        }
        for m in measures
    ]
