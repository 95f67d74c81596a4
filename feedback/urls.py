from django.urls import path

from . import apm_views, public_reporting_views, views

app_name = "feedback"
urlpatterns = [
    path("", views.index, name="index"),
    path("participation/", views.lookup, name="lookup"),
    path("help-desk/exceptions/", views.review_list, name="review_list"),
    path("help-desk/exceptions/<int:pk>/", views.review, name="review"),
    path("<int:organization_id>/", views.summary, name="summary"),
    path("<int:organization_id>/clinicians/<str:npi>/", views.clinician, name="clinician"),
    path("<int:organization_id>/<int:year>/feedback.csv", views.download, name="download"),
    path("<int:organization_id>/eligibility/", views.eligibility, name="eligibility"),
    path("<int:organization_id>/exceptions/", views.exceptions, name="exceptions"),
    path("<int:organization_id>/exceptions/new/", views.exception_new, name="exception_new"),
    path(
        "<int:organization_id>/exceptions/<int:pk>/withdraw/",
        views.exception_withdraw,
        name="exception_withdraw",
    ),
    path("<int:organization_id>/opt-in/", views.opt_in, name="opt_in"),
    path(
        "<int:organization_id>/public-reporting/",
        public_reporting_views.preview,
        name="public_reporting",
    ),
    path(
        "help-desk/public-reporting/",
        public_reporting_views.review_flags,
        name="public_reporting_reviews",
    ),
    path(
        "help-desk/public-reporting/<int:pk>/",
        public_reporting_views.review_flag,
        name="public_reporting_review",
    ),
    path(
        "<int:organization_id>/apm-participants/",
        apm_views.participants,
        name="apm_participants",
    ),
    path(
        "<int:organization_id>/apm-participants.csv",
        apm_views.participants_csv,
        name="apm_participants_csv",
    ),
]
