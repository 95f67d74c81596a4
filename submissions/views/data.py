"""View submitted data and the preliminary score: what an organization may see
(``selectors``), scored by ``scoring``."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from feedback import program
from feedback.forms import YearForm
from roles.capabilities import Capability
from roles.decorators import requires_capability

from .. import catalogue, scoring, selectors
from ..catalogue import Category
from ..models import SubmissionMethod
from .common import (
    allows,
    checklist,
    clinician_names,
    entity_description,
    measurement_rows,
    sections,
)

SUBMISSIONS_PER_PAGE = 20


def _pick_year(request):
    years = sorted(catalogue.performance_years(), reverse=True)
    form = YearForm(request.GET if "year" in request.GET else None, years=years)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["year"]
    return form, years[0]


def submitter_label(measurement_set, organization):
    if measurement_set.submitter_id == organization.pk:
        return f"{organization.legal_business_name} (your organization)"
    return (
        f"{measurement_set.submitter.legal_business_name} ({measurement_set.submitter.kind_label})"
    )


def submitted_by_label(measurement_set):
    if measurement_set.submitted_by is not None:
        return (
            measurement_set.submitted_by.get_full_name() or measurement_set.submitted_by.username
        )
    return "Through the API"


def method_label(measurement_set):
    """Name how a set was reported: attestation for improvement activities and Promoting
    Interoperability sent as "registry" (CMS's method for attested data)."""
    if measurement_set.category != Category.QUALITY and measurement_set.submission_method == (
        SubmissionMethod.REGISTRY
    ):
        return "Attestation"
    return measurement_set.get_submission_method_display()


def set_rows(submission, organization):
    return [
        {
            "set": measurement_set,
            "category": Category.LABELS.get(measurement_set.category, measurement_set.category),
            "submitter": submitter_label(measurement_set, organization),
            "submitted_by": submitted_by_label(measurement_set),
            "method": method_label(measurement_set),
            "measurements": measurement_rows(measurement_set, submission.performance_year),
        }
        for measurement_set in submission.visible_sets
    ]


@requires_capability(Capability.VIEW_SUBMITTED_DATA)
def submitted(request, membership):
    """Every measurement set for the organization and year, whoever submitted it."""
    organization = membership.organization
    form, year = _pick_year(request)
    submissions = list(selectors.submissions_visible_to(organization, performance_year=year))
    names = clinician_names(submissions)
    rows = [
        {
            "submission": submission,
            "entity": entity_description(submission, names),
            "sets": set_rows(submission, organization),
        }
        for submission in submissions
    ]
    return render(
        request,
        "submissions/submitted.html",
        {
            "membership": membership,
            "sections": sections(membership),
            "organization": organization,
            "form": form,
            "year": year,
            "rows": rows,
            "can_submit": allows(membership, Capability.SUBMIT_DATA),
        },
    )


def _messages(node):
    return [text for text in (node.get("metadata", {}).get("messages") or {}).values() if text]


def score_view_model(tree):
    """Return the score tree arranged for the template: categories, their sets and measures,
    each with its reasons."""
    categories = []
    for part in tree.get("parts", ()):
        original = part.get("original")
        if not original:
            continue
        categories.append(
            {
                "name": part["name"],
                "label": Category.LABELS.get(part["name"], part["name"]),
                "weight": part.get("metadata", {}).get("maxContribution"),
                "contribution": part.get("value"),
                "score": original.get("value"),
                "detail": original.get("detail", ""),
                "sets": [
                    {
                        "title": set_part.get("title", ""),
                        "method": set_part.get("detail", ""),
                        "score": set_part.get("value"),
                        "picked": set_part.get("metadata", {}).get("measurementSetPicked", True),
                        "messages": _messages(set_part),
                        "measures": [
                            {
                                "name": measure.get("name"),
                                "title": measure.get("title", ""),
                                "value": measure.get("value"),
                                "detail": measure.get("detail", ""),
                                "messages": _messages(measure),
                            }
                            for measure in set_part.get("parts", ())
                        ],
                    }
                    for set_part in original.get("parts", ())
                ],
            }
        )
    return categories


def _score_page(request, membership, submission, *, back_url, back_label):
    organization = membership.organization
    data, tree = selectors.preliminary_score(submission)
    year = submission.performance_year
    context = {
        "membership": membership,
        "sections": sections(membership),
        "organization": organization,
        "submission": submission,
        "entity": entity_description(submission, clinician_names([submission])),
        "tree": tree,
        "back_url": back_url,
        "back_label": back_label,
        "sets": set_rows(submission, organization),
    }
    if tree is not None:
        adjustment = scoring.preliminary_payment_adjustment(tree, year)
        context.update(
            categories=score_view_model(tree),
            total_messages=_messages(tree),
            adjustment=adjustment,
            payment_year=program.program_year(year).payment_year,
            checks=checklist(year, tree),
        )
    return render(request, "submissions/score.html", context)


@requires_capability(Capability.VIEW_SUBMITTED_DATA)
def submitted_score(request, membership, submission_id):
    """A practice's (or virtual group's) preliminary score of one of its submissions, from
    every set it may see."""
    submission = selectors.get_submission_for(membership.organization, submission_id)
    back = reverse("submissions:submitted", args=[membership.organization.pk])
    return _score_page(
        request,
        membership,
        submission,
        back_url=f"{back}?year={submission.performance_year}",
        back_label="View submitted data",
    )


@requires_capability(Capability.VIEW_PRELIMINARY_SCORING)
def scoring_list(request, membership):
    """A registry's clients' submissions (the data it submitted for them), with scores."""
    organization = membership.organization
    form, year = _pick_year(request)
    submissions = selectors.submissions_visible_to(organization, performance_year=year).order_by(
        "-updated_at"
    )
    page = Paginator(submissions, SUBMISSIONS_PER_PAGE).get_page(request.GET.get("page"))
    names = clinician_names(page.object_list)
    rows = []
    for submission in page.object_list:
        _, tree = selectors.preliminary_score(submission)
        rows.append(
            {
                "submission": submission,
                "entity": entity_description(submission, names),
                "categories": sorted(
                    {Category.LABELS.get(s.category, s.category) for s in submission.visible_sets}
                ),
                "score": tree["value"] if tree else None,
            }
        )
    return render(
        request,
        "submissions/scoring_list.html",
        {
            "membership": membership,
            "sections": sections(membership),
            "organization": organization,
            "form": form,
            "year": year,
            "page": page,
            "rows": rows,
            "can_upload": allows(membership, Capability.UPLOAD_SUBMISSION_FILE),
        },
    )


@requires_capability(Capability.VIEW_PRELIMINARY_SCORING)
def scoring_detail(request, membership, submission_id):
    """A registry's preliminary score of one client's submission, from its own sets."""
    submission = selectors.get_submission_for(membership.organization, submission_id)
    back = reverse("submissions:scoring", args=[membership.organization.pk])
    return _score_page(
        request,
        membership,
        submission,
        back_url=f"{back}?year={submission.performance_year}",
        back_label="Preliminary scoring",
    )
