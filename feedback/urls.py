from django.urls import path

from . import views

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
]
