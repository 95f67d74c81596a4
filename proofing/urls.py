from django.urls import path

from . import views

app_name = "proofing"
urlpatterns = [
    path("", views.start, name="start"),
    path("questions/", views.questions, name="questions"),
    path("not-accepted/", views.failed, name="failed"),
    path("reference/", views.enter_reference, name="enter_reference"),
    path("documents/", views.manual, name="manual"),
    path("documents/<uuid:public_id>/", views.document, name="document"),
    path("status/", views.status, name="status"),
    path("sandbox/credit-file/", views.credit_file, name="credit_file"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:case_id>/", views.review_case, name="review_case"),
    path("review/references/", views.review_references, name="review_references"),
]
