"""Preview public reporting (Care Compare) for practices, virtual groups and APM entities,
and the help desk's queue of figures flagged for review. Thin: access check → selector →
form → service → message + redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from roles.capabilities import Capability
from roles.decorators import requires_capability

from . import public_reporting, selectors, services
from .forms import PublicReportingFlagForm, PublicReportingResolutionForm, YearForm
from .views import _sections


@requires_capability(Capability.PREVIEW_PUBLIC_REPORTING)
def preview(request, membership):
    """The figures Care Compare would publish for a year, and, while the year's preview
    window is open, a form to flag one for review."""
    organization = membership.organization
    years = public_reporting.preview_years()
    source = request.POST if request.method == "POST" else request.GET
    year_form = YearForm(source if "year" in source else None, years=years)
    if year_form.is_bound and year_form.is_valid():
        year = year_form.cleaned_data["year"]
    else:
        year = years[0] if years else None
    figures = selectors.public_reporting_figures(organization, year) if year else []
    window = public_reporting.preview_window(year) if year else None
    window_open = bool(window and window.is_open())
    form = PublicReportingFlagForm(
        request.POST if request.method == "POST" else None, figures=figures
    )
    status = 200
    if request.method == "POST":
        if not year_form.is_valid():
            form.add_error(None, ValidationError("Choose a performance year from the list."))
        elif form.is_valid():
            try:
                services.flag_public_reporting_figure(
                    organization=organization,
                    performance_year=year,
                    figure=form.cleaned_data["figure"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, "Your request was sent. The help desk will review the figure."
                )
                url = reverse(
                    "feedback:public_reporting", kwargs={"organization_id": organization.pk}
                )
                return redirect(f"{url}?year={year}")
        status = 400
    return render(
        request,
        "feedback/public_reporting.html",
        {
            "organization": organization,
            "sections": _sections(membership),
            "year_form": year_form,
            "year": year,
            "window": window,
            "window_open": window_open,
            "figures": figures,
            "form": form,
            "flags": selectors.public_reporting_flags(organization, year) if year else [],
        },
        status=status,
    )


def review_flags(request):
    """Help desk: figures flagged in public reporting previews, awaiting review."""
    selectors.require_help_desk(request.user)
    return render(
        request,
        "feedback/public_reporting_reviews.html",
        {"flags": selectors.open_public_reporting_flags()},
    )


def review_flag(request, pk):
    """Help desk: close one review request with a note the requester is emailed."""
    flag = selectors.get_public_reporting_flag_for_review(request.user, pk)
    form = PublicReportingResolutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolve_public_reporting_flag(
                flag=flag,
                resolution=form.cleaned_data["resolution"],
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Review recorded; the requester was emailed.")
            return redirect("feedback:public_reporting_reviews")
    return render(
        request,
        "feedback/public_reporting_review.html",
        {"flag": flag, "form": form},
        status=400 if request.method == "POST" else 200,
    )
