from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render

from .models import SandboxMessage


@login_not_required
def inbox(request):
    """List every message the portal sent, newest first, so testers need no real phone."""
    if not settings.SANDBOX_ENABLED:
        raise Http404
    messages = SandboxMessage.objects.all()[:200]
    return render(request, "sandbox/inbox.html", {"sandbox_messages": messages})
