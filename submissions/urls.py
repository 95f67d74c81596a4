"""The portal's MIPS data pages, under /submissions/<organization_id>/."""

from django.urls import path

from . import views

app_name = "submissions"

ENTITY = "<int:organization_id>/submit/<int:year>/<str:reporting_for>/"

urlpatterns = [
    path("<int:organization_id>/submit/", views.submit, name="submit"),
    path(ENTITY, views.submit_entity, name="submit_entity"),
    path(f"{ENTITY}improvement-activities/", views.submit_ia, name="submit_ia"),
    path(f"{ENTITY}promoting-interoperability/", views.submit_pi, name="submit_pi"),
    path(f"{ENTITY}quality/", views.submit_quality, name="submit_quality"),
    path(f"{ENTITY}quality/data/", views.submit_quality_data, name="submit_quality_data"),
    path("<int:organization_id>/submitted/", views.submitted, name="submitted"),
    path(
        "<int:organization_id>/submitted/<uuid:submission_id>/score/",
        views.submitted_score,
        name="submitted_score",
    ),
    path("<int:organization_id>/upload/", views.upload, name="upload"),
    path("<int:organization_id>/scoring/", views.scoring_list, name="scoring"),
    path(
        "<int:organization_id>/scoring/<uuid:submission_id>/",
        views.scoring_detail,
        name="scoring_detail",
    ),
    path("<int:organization_id>/api-tokens/", views.tokens, name="tokens"),
    path("<int:organization_id>/api-tokens/new/", views.token_create, name="token_create"),
    path(
        "<int:organization_id>/api-tokens/<int:token_id>/secret/",
        views.token_secret,
        name="token_secret",
    ),
    path(
        "<int:organization_id>/api-tokens/<int:token_id>/rotate/",
        views.token_rotate,
        name="token_rotate",
    ),
    path(
        "<int:organization_id>/api-tokens/<int:token_id>/revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
]
