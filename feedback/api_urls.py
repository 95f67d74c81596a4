from django.urls import path

from . import api

app_name = "eligibility_api"
urlpatterns = [
    path("npis/<str:npis>/", api.npis, name="npis"),
]
