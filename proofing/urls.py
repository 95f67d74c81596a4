from django.urls import path

from . import views

app_name = "proofing"
urlpatterns = [
    path("", views.start, name="start"),
    path("reference/", views.enter_reference, name="enter_reference"),
]
