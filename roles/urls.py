from django.urls import path

from . import views

app_name = "roles"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("connect/", views.connect, name="connect"),
    path("connect/clinician/", views.connect_clinician, name="connect_clinician"),
    path("connect/find/<slug:kind>/", views.connect_find, name="connect_find"),
    path("connect/organizations/<int:organization_id>/", views.connect_role, name="connect_role"),
    path("requests/<int:membership_id>/", views.request_detail, name="request_detail"),
    path(
        "requests/<int:membership_id>/validate/",
        views.request_validate,
        name="request_validate",
    ),
    path("requests/<int:membership_id>/cancel/", views.request_cancel, name="request_cancel"),
    path("organizations/<int:organization_id>/", views.organization, name="organization"),
    path(
        "organizations/<int:organization_id>/access/",
        views.organization_access,
        name="organization_access",
    ),
    path(
        "organizations/<int:organization_id>/requests/<int:membership_id>/",
        views.decide,
        name="decide",
    ),
    path(
        "organizations/<int:organization_id>/members/<int:membership_id>/revoke/",
        views.revoke,
        name="revoke",
    ),
    path(
        "organizations/<int:organization_id>/access-review/",
        views.access_review,
        name="access_review",
    ),
    path("help-desk/", views.help_desk, name="help_desk"),
    path(
        "help-desk/organizations/<int:organization_id>/",
        views.help_desk_organization,
        name="help_desk_organization",
    ),
    path("help-desk/queue/", views.help_desk_queue, name="help_desk_queue"),
    path("help-desk/queue/<int:membership_id>/", views.help_desk_review, name="help_desk_review"),
]
