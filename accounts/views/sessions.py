"""The person's signed-in sessions: see them, and end the ones that are not this one."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import selectors, services


def sessions(request):
    current = request.session.session_key
    rows = selectors.signed_in_sessions(request.user)
    return render(
        request,
        "accounts/profile/sessions.html",
        {"sessions": rows, "current_key": current},
    )


@require_POST
def end_session(request):
    try:
        services.end_other_session(
            request=request, user=request.user, public_id=request.POST.get("session", "")
        )
        messages.success(request, "That session is ended: it is signed out.")
    except services.AccountError as error:
        messages.error(request, str(error))
    except ValueError:
        messages.error(request, "That session has already ended.")
    return redirect("accounts:sessions")
