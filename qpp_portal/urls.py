from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from qpp_portal.health import PortalHealthCheckView

urlpatterns = [
    path("", include("accounts.urls")),
    path("proofing/", include("proofing.urls")),
    path("organizations/", include("organizations.urls")),
    path("access/", include("roles.urls")),
    path("feedback/", include("feedback.urls")),
    path("api/eligibility/", include("feedback.api_urls")),
    path("submissions/", include("submissions.urls")),
    path("registrations/", include("registrations.urls")),
    path("api/submissions/", include("submissions.api.urls")),
    path("help-desk/", include("helpdesk.urls")),
    path("admin/", admin.site.urls),
    # For load balancers: public, 200 or 503 (qpp_portal/health.py).
    path("health/", PortalHealthCheckView.as_view(), name="health"),
]

if settings.SANDBOX_ENABLED:
    urlpatterns.append(path("sandbox/", include("sandbox.urls")))
