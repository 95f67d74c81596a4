from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls")),
    path("proofing/", include("proofing.urls")),
    path("organizations/", include("organizations.urls")),
    path("access/", include("roles.urls")),
    path("feedback/", include("feedback.urls")),
    path("api/eligibility/", include("feedback.api_urls")),
    path("submissions/", include("submissions.urls")),
    path("api/submissions/", include("submissions.api.urls")),
    path("help-desk/", include("helpdesk.urls")),
    path("admin/", admin.site.urls),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
