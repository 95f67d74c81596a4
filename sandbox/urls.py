from django.urls import path

from . import views

app_name = "sandbox"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("console/", views.console, name="console"),
    path("console/clock/", views.move_clock, name="clock"),
    path("console/faults/", views.set_faults, name="faults"),
    path("console/why/", views.explain, name="why"),
    path("console/reset/", views.reset, name="reset"),
]
