from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def rate_limited(request, exception=None):
    """Answer a request over one of settings.RATE_LIMITS."""
    return render(request, "429.html", status=429)


@login_not_required
def csrf_failure(request, reason=""):
    """Answer a form whose CSRF check failed (CSRF_FAILURE_VIEW): the portal's own page,
    never Django's technical one; ``reason`` is for logs, not people."""
    return render(request, "403_csrf.html", status=403)
