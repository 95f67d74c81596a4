from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("<int:organization_id>/", views.registrations, name="registrations"),
    path("<int:organization_id>/<int:pk>/cancel/", views.cancel, name="cancel"),
]
