"""Register for the CMS Web Interface or CAHPS for MIPS (Security Officials of practices,
virtual groups and APM entities). Thin: access check → selector → form → service →
message + redirect."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from feedback import program
from roles.capabilities import Capability
from roles.decorators import requires_capability

from . import rules, selectors, services
from .forms import RegistrationForm
from .models import SurveyRegistration


@requires_capability(Capability.REGISTER_WEB_INTERFACE_OR_CAHPS)
def registrations(request, membership):
    """This year's window, what the organization may register for, and its registrations."""
    organization = membership.organization
    year = program.today().year
    figures = rules.registration_year(year)
    window_open = services.window_open(year)
    count = selectors.clinician_count(organization, year)
    registered = {
        r.kind
        for r in selectors.registrations_of(organization).filter(
            performance_year=year, status=SurveyRegistration.Status.REGISTERED
        )
    }
    offers = []
    for kind, label in SurveyRegistration.Kind.choices:
        problem = selectors.registration_problem(organization, year, kind, count)
        offer = figures.offers.get(kind) if figures else None
        offers.append(
            {
                "kind": kind,
                "label": label,
                "problem": problem,
                "min_clinicians": offer.min_clinicians if offer else None,
                "registered": kind in registered,
            }
        )
    open_kinds = [o["kind"] for o in offers if not o["problem"] and not o["registered"]]
    form = RegistrationForm(request.POST if request.method == "POST" else None, kinds=open_kinds)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.register(
                organization=organization,
                performance_year=year,
                kind=form.cleaned_data["kind"],
                vendor=form.cleaned_data.get("vendor", ""),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Registered for the {registration.get_kind_display()} for {year}. "
                "The Security Officials were emailed.",
            )
            return redirect("registrations:registrations", organization_id=organization.pk)
    return render(
        request,
        "registrations/registrations.html",
        {
            "organization": organization,
            "year": year,
            "figures": figures,
            "window_open": window_open,
            "clinician_count": count,
            "offers": offers,
            "form": form if (window_open and open_kinds) else None,
            "registrations": selectors.registrations_of(organization),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@requires_capability(Capability.REGISTER_WEB_INTERFACE_OR_CAHPS)
def cancel(request, membership, pk):
    registration = selectors.get_registration_for(membership.organization, pk)
    try:
        services.cancel_registration(
            registration=registration, acting_user=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "The registration was cancelled.")
    return redirect("registrations:registrations", organization_id=membership.organization.pk)
