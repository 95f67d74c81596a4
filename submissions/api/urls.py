"""/api/submissions/: CMS's paths, each with and without a trailing slash (CMS's clients
call them without). Every view is public to LoginRequiredMiddleware (the token, not a
session, authenticates) and CSRF-exempt (DRF's APIView.as_view)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularJSONAPIView,
    SpectacularSwaggerSplitView,
    SpectacularYAMLAPIView,
)

from . import views

app_name = "submissions_api"


def _both(route, view, name):
    """Route ``route`` and ``route/`` to ``view`` (public to LoginRequiredMiddleware)."""
    view = login_not_required(view)
    return [path(route, view, name=name), path(f"{route}/", view, name=f"{name}_slash")]


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI from drf-spectacular-sidecar, its start-up script served as a separate
    file so the site's Content-Security-Policy (no inline scripts) holds."""

    template_name = "submissions/api_docs.html"


urlpatterns = [
    path(
        "openapi.json",
        login_not_required(SpectacularJSONAPIView.as_view()),
        name="openapi",
    ),
    path(
        "openapi.yaml",
        login_not_required(SpectacularYAMLAPIView.as_view()),
        name="openapi_yaml",
    ),
    path(
        "docs/",
        login_not_required(DocsView.as_view(url_name="submissions_api:openapi")),
        name="docs",
    ),
    *_both("submissions", views.SubmissionListView.as_view(), "submissions"),
    *_both("submissions/score-preview", views.ScorePreviewView.as_view(), "score_preview"),
    *_both("submissions/<str:submission_id>", views.SubmissionDetailView.as_view(), "submission"),
    *_both(
        "submissions/<str:submission_id>/score",
        views.SubmissionScoreView.as_view(),
        "submission_score",
    ),
    *_both("measurement-sets", views.MeasurementSetListView.as_view(), "measurement_sets"),
    *_both(
        "measurement-sets/<str:measurement_set_id>",
        views.MeasurementSetDetailView.as_view(),
        "measurement_set",
    ),
    *_both(
        "public/validate-submission", views.ValidateSubmissionView.as_view(), "validate_submission"
    ),
    re_path(r"^.*$", login_not_required(views.NotFoundView.as_view()), name="not_found"),
]
