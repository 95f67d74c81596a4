from django.urls import path

from . import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/verify/", views.verify_caller, name="verify_caller"),
    path("people/<int:person_id>/<slug:action>/", views.person_action, name="person_action"),
    path("audit/", views.audit_log, name="audit_log"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("undelivered/", views.undelivered, name="undelivered"),
    path("undelivered/<int:message_id>/retry/", views.retry_undelivered, name="retry_undelivered"),
]
