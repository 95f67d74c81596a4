from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def rate_limited(request, exception=None):
    """Answer a request over one of settings.RATE_LIMITS."""
    return render(request, "429.html", status=429)
