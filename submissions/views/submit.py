"""Submit data in the portal: choose the year and whom the data is for, then each
category's page. Every page builds the CMS-shaped submission and calls
``services.submit_measurement_sets(via="portal")``; validation's problems come back beside
the fields they concern (``SetForm.add_problems``)."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from roles.capabilities import Capability
from roles.decorators import requires_capability

from .. import catalogue, selectors, services
from ..catalogue import Category
from ..forms import (
    METHOD_LABELS,
    ImprovementActivitiesForm,
    PromotingInteroperabilityForm,
    QualityForm,
    QualityMeasureChoiceForm,
    ReportingForm,
    SearchForm,
    initial_pi,
    initial_quality,
    matches,
    subcategory_label,
    words,
)
from ..models import SubmissionMethod
from ..validation import MINIMUM_PERIOD_DAYS, SubmissionInvalid
from .common import allows, checklist, get_reporting, reporting_entities, sections

# The portal's own attestations (improvement activities, Promoting Interoperability) are
# stored as CMS stores attestations: submission method "registry".
ATTESTATION_METHOD = SubmissionMethod.REGISTRY


@requires_capability(Capability.SUBMIT_DATA)
def submit(request, membership):
    """Step 1: the performance year and whom the data is for."""
    organization = membership.organization
    entities = reporting_entities(organization)
    form = ReportingForm(
        request.GET if "performance_year" in request.GET else None, entities=entities
    )
    if form.is_bound and form.is_valid():
        return redirect(
            "submissions:submit_entity",
            organization_id=organization.pk,
            year=form.cleaned_data["performance_year"],
            reporting_for=form.cleaned_data["reporting_for"],
        )
    return render(
        request,
        "submissions/submit.html",
        {
            "membership": membership,
            "sections": sections(membership),
            "organization": organization,
            "form": form,
        },
    )


def _context(membership, reporting, **extra):
    return {
        "membership": membership,
        "sections": sections(membership),
        "organization": membership.organization,
        "reporting": reporting,
        "year": reporting.year,
        "entity_url": reverse(
            "submissions:submit_entity",
            args=[membership.organization.pk, reporting.year, reporting.reporting_for],
        ),
        **extra,
    }


def _checks(reporting, submission, category=None):
    if submission is None:
        return checklist(reporting.year, None) if category is None else []
    _, tree = selectors.preliminary_score(submission)
    if tree is None:
        return []
    checks = checklist(reporting.year, tree)
    if category is not None:
        checks = [c for c in checks if c.category == Category.LABELS[category]]
    return checks


@requires_capability(Capability.SUBMIT_DATA)
def submit_entity(request, membership, year, reporting_for):
    """The three categories for one entity and year: what the organization has saved and
    what is still missing before it counts."""
    organization = membership.organization
    reporting = get_reporting(organization, year, reporting_for)
    submission = reporting.submission()
    categories = [
        {
            "category": category,
            "label": Category.LABELS[category],
            "url_name": url_name,
            "sets": [
                s
                for s in ([reporting.own_set(submission, category, m) for m in methods])
                if s is not None
            ],
        }
        for category, url_name, methods in (
            (Category.IMPROVEMENT_ACTIVITIES, "submissions:submit_ia", [ATTESTATION_METHOD]),
            (Category.PROMOTING_INTEROPERABILITY, "submissions:submit_pi", [ATTESTATION_METHOD]),
            (Category.QUALITY, "submissions:submit_quality", list(METHOD_LABELS)),
        )
    ]
    return render(
        request,
        "submissions/submit_entity.html",
        _context(
            membership,
            reporting,
            submission=submission,
            categories=categories,
            checks=_checks(reporting, submission),
            can_view=allows(membership, Capability.VIEW_SUBMITTED_DATA),
        ),
    )


def _save(request, membership, reporting, form, category):
    """Submit the form's measurement set; return the redirect on success, or None after
    putting validation's problems on the form."""
    organization = membership.organization
    try:
        services.submit_measurement_sets(
            data=reporting.data(form.measurement_set()),
            submitter=organization,
            submitted_by=request.user,
            request=request,
            via="portal",
        )
    except SubmissionInvalid as error:
        form.add_problems(error.problems)
        return None
    label = Category.LABELS[category]
    checks = _checks(reporting, reporting.submission(), category)
    missing = " ".join(c.text for c in checks)
    messages.success(
        request,
        f"{label} saved for {reporting.label}, {reporting.year}."
        + (f" {missing}" if missing else ""),
    )
    if allows(membership, Capability.VIEW_SUBMITTED_DATA):
        url = reverse("submissions:submitted", args=[organization.pk])
        return redirect(f"{url}?year={reporting.year}")
    return redirect(
        "submissions:submit_entity",
        organization_id=organization.pk,
        year=reporting.year,
        reporting_for=reporting.reporting_for,
    )


def _period_initial(measurement_set, year):
    if measurement_set is None:
        return {"performance_start": date(year, 1, 1), "performance_end": date(year, 12, 31)}
    return {
        "performance_start": measurement_set.performance_start,
        "performance_end": measurement_set.performance_end,
    }


def _stored_values(measurement_set):
    if measurement_set is None:
        return {}
    return {m.measure_id: m.value for m in measurement_set.measurements.all()}


SEARCH_ACTION = "search"


@requires_capability(Capability.SUBMIT_DATA)
def submit_ia(request, membership, year, reporting_for):
    """Attest improvement activities (searchable by title or subcategory)."""
    reporting = get_reporting(membership.organization, year, reporting_for)
    submission = reporting.submission()
    existing = reporting.own_set(submission, Category.IMPROVEMENT_ACTIVITIES, ATTESTATION_METHOD)
    stored = _stored_values(existing)
    initial = {
        **_period_initial(existing, year),
        "activities": [m for m, value in stored.items() if value is True],
    }
    # The search button posts the activities form too, so ticks and dates not yet saved
    # survive a search: the form is re-shown with them as its initial values, unvalidated.
    searching = request.method == "POST" and SEARCH_ACTION in request.POST
    if searching:
        initial = {
            "performance_start": request.POST.get("performance_start", ""),
            "performance_end": request.POST.get("performance_end", ""),
            "activities": request.POST.getlist("activities"),
        }
    bound = request.method == "POST" and not searching
    form = ImprovementActivitiesForm(request.POST if bound else None, year=year, initial=initial)
    if bound and form.is_valid():
        response = _save(request, membership, reporting, form, Category.IMPROVEMENT_ACTIVITIES)
        if response is not None:
            return response
    search = SearchForm(request.POST if searching else (request.GET or None))
    query = search.query()
    checked = form.checked()
    options = []
    for option, measure in zip(form["activities"].subwidgets, form.activities, strict=True):
        if measure.measure_id in checked or matches(measure, query):
            option.data["attrs"]["class"] = "usa-checkbox__input"
            options.append(
                {
                    "option": option,
                    "measure": measure,
                    "subcategory": subcategory_label(measure.subcategory),
                    "checked": measure.measure_id in checked,
                }
            )
    return render(
        request,
        "submissions/submit_ia.html",
        _context(
            membership,
            reporting,
            form=form,
            search=search,
            query=query,
            options=options,
            total=len(form.activities),
            has_weights=any(m.weight for m in form.activities),
            minimum_days=MINIMUM_PERIOD_DAYS[Category.IMPROVEMENT_ACTIVITIES],
            checks=_checks(reporting, submission, Category.IMPROVEMENT_ACTIVITIES),
        ),
    )


@requires_capability(Capability.SUBMIT_DATA)
def submit_pi(request, membership, year, reporting_for):
    """Promoting Interoperability: CEHRT ID, the period, and each measure by objective."""
    reporting = get_reporting(membership.organization, year, reporting_for)
    submission = reporting.submission()
    existing = reporting.own_set(
        submission, Category.PROMOTING_INTEROPERABILITY, ATTESTATION_METHOD
    )
    measures = catalogue.measures_of_category(year, Category.PROMOTING_INTEROPERABILITY)
    initial = {**_period_initial(existing, year), **initial_pi(measures, _stored_values(existing))}
    if existing is not None:
        initial["cehrt_id"] = existing.cehrt_id
    form = PromotingInteroperabilityForm(
        request.POST if request.method == "POST" else None, year=year, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        response = _save(request, membership, reporting, form, Category.PROMOTING_INTEROPERABILITY)
        if response is not None:
            return response
    return render(
        request,
        "submissions/submit_pi.html",
        _context(
            membership,
            reporting,
            form=form,
            minimum_days=MINIMUM_PERIOD_DAYS[Category.PROMOTING_INTEROPERABILITY],
            checks=_checks(reporting, submission, Category.PROMOTING_INTEROPERABILITY),
        ),
    )


@requires_capability(Capability.SUBMIT_DATA)
def submit_quality(request, membership, year, reporting_for):
    """Quality, step 1: how the measures are collected, and which measures (searchable)."""
    reporting = get_reporting(membership.organization, year, reporting_for)
    submission = reporting.submission()
    choice = QualityMeasureChoiceForm(request.GET if "method" in request.GET else None, year=year)
    method = choice.method_value()
    existing = reporting.own_set(submission, Category.QUALITY, method)
    if choice.is_bound:
        checked = set(request.GET.getlist("measure"))
    else:
        checked = set(_stored_values(existing))
    search = SearchForm(request.GET or None)
    query = search.query()
    measures = [
        {
            "measure": m,
            "checked": m.measure_id in checked,
            "kind": words(m.measure_type) or "Process",
        }
        for m in catalogue.measures_of_category(year, Category.QUALITY)
        if method in m.submission_methods and (m.measure_id in checked or matches(m, query))
    ]
    return render(
        request,
        "submissions/submit_quality.html",
        _context(
            membership,
            reporting,
            choice=choice,
            method=method,
            methods=list(METHOD_LABELS.items()),
            search=search,
            query=query,
            measures=measures,
            existing=existing,
            checks=_checks(reporting, submission, Category.QUALITY),
        ),
    )


@requires_capability(Capability.SUBMIT_DATA)
def submit_quality_data(request, membership, year, reporting_for):
    """Quality, step 2: the counts of each chosen measure (``?method=&measure=...``)."""
    reporting = get_reporting(membership.organization, year, reporting_for)
    choice = QualityMeasureChoiceForm(request.GET, year=year)
    picker = reverse(
        "submissions:submit_quality", args=[membership.organization.pk, year, reporting_for]
    )
    if not choice.is_valid():
        return redirect(f"{picker}?{request.GET.urlencode()}")
    method = choice.cleaned_data["method"]
    measure_ids = choice.cleaned_data["measure"]
    if not measure_ids:
        messages.error(request, "Choose at least one measure to report.")
        return redirect(f"{picker}?{urlencode({'method': method})}")
    submission = reporting.submission()
    existing = reporting.own_set(submission, Category.QUALITY, method)
    form = QualityForm(
        request.POST if request.method == "POST" else None,
        year=year,
        submission_method=method,
        measure_ids=measure_ids,
    )
    if not form.is_bound:
        form.initial = {
            **_period_initial(existing, year),
            **initial_quality(form, _stored_values(existing)),
        }
    if request.method == "POST" and form.is_valid():
        response = _save(request, membership, reporting, form, Category.QUALITY)
        if response is not None:
            return response
    return render(
        request,
        "submissions/submit_quality_data.html",
        _context(
            membership,
            reporting,
            form=form,
            method=method,
            method_label=METHOD_LABELS[method],
            picker_url=f"{picker}?{urlencode([('method', method)] + [('measure', m) for m in measure_ids])}",
            existing=existing,
        ),
    )
