from django.shortcuts import render

from . import selectors
from .forms import OrganizationSearchForm

RESULTS_PER_PAGE = 20


def search(request):
    """Find a practice, APM entity or registry (sign-in required, like every page)."""
    form = OrganizationSearchForm(request.GET if "query" in request.GET else None)
    page = None
    if form.is_valid():
        results = selectors.search_organizations(
            kind=form.cleaned_data["kind"],
            query=form.cleaned_data["query"],
            model_type=form.cleaned_data["model_type"] or None,
        )
        page = selectors.CappedPaginator(results, RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(request, "organizations/search.html", {"form": form, "page": page})
