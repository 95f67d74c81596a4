from django.urls import path

from . import api

app_name = "eligibility_api"
urlpatterns = [
    # CMS's path has no trailing slash (and its clients send none); the slash form and the
    # older singular ``npi/`` path answer the same, without a redirect.
    path("npis/<str:npis>", api.npis, name="npis"),
    path("npis/<str:npis>/", api.npis),
    path("npi/<str:npis>", api.npis, name="npi"),
    path("npi/<str:npis>/", api.npis),
    path("stats", api.stats, name="stats"),
    path("stats/", api.stats),
]
