from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.management.commands.load_demo_data import DEMO_PASSWORD
from accounts.models import User
from qpp_portal import clock

from . import console as console_actions
from . import faults, why
from .forms import ClockForm, FaultsForm, WhyForm
from .models import ConsoleAction, PersonaSecret, SandboxMessage
from .personas import PERSONAS
from .reset import reset_sandbox

trainer_required = permission_required("sandbox.trainer", raise_exception=True)


@login_not_required
def inbox(request):
    """List every message the portal sent, newest first, so testers need no real phone."""
    if not settings.SANDBOX_ENABLED:
        raise Http404
    # A message held back by a "delayed" fault shows once its time comes.
    messages = SandboxMessage.objects.filter(
        Q(available_at__isnull=True) | Q(available_at__lte=timezone.now())
    )[:200]
    return render(request, "sandbox/inbox.html", {"sandbox_messages": messages})


def _console_context(clock_form=None, faults_form=None):
    current = faults.settings_now()
    return {
        "clock_form": clock_form or ClockForm(),
        "clock_now": clock.now(),
        "clock_moved": bool(clock.offset()),
        "faults_form": faults_form
        or FaultsForm(
            initial={
                "on": sorted(current["on"]),
                "delay_minutes": current["delay_minutes"],
                "slow_seconds": current["slow_seconds"],
                "slow_paths": "\n".join(current["slow_paths"]),
            }
        ),
        "faults": faults.FAULTS,
        "faults_on": current["on"],
        "personas": PERSONAS,
        "persona_secrets": dict(PersonaSecret.objects.values_list("username", "value")),
        "demo_password": DEMO_PASSWORD,
        "actions": ConsoleAction.objects.select_related("actor")[:10],
        "why_form": WhyForm(),
    }


@trainer_required
def console(request):
    """The trainer's console: clock, faults, personas, Why, reset."""
    return render(request, "sandbox/console.html", _console_context())


@require_POST
@trainer_required
def move_clock(request):
    if "reset" in request.POST:
        console_actions.reset_clock(trainer=request.user)
        messages.success(request, "The clock is back on real time.")
        return redirect("sandbox:console")
    form = ClockForm(request.POST)
    if not form.is_valid():
        return render(request, "sandbox/console.html", _console_context(clock_form=form))
    done = console_actions.move_clock(
        trainer=request.user, days=form.cleaned_data["days"], to_date=form.cleaned_data["to_date"]
    )
    summary = "; ".join(f"{what}: {count}" for what, count in done.items())
    messages.success(
        request, f"The date is now {clock.today():%B %-d, %Y}. Daily jobs ran: {summary}."
    )
    return redirect("sandbox:console")


@require_POST
@trainer_required
def set_faults(request):
    form = FaultsForm(request.POST)
    if not form.is_valid():
        return render(request, "sandbox/console.html", _console_context(faults_form=form))
    faults.save(**form.cleaned_data)
    ConsoleAction.objects.create(
        kind=ConsoleAction.Kind.FAULTS,
        actor=request.user,
        detail=("On: " + ", ".join(form.cleaned_data["on"]))[:255]
        if form.cleaned_data["on"]
        else "All faults off",
    )
    messages.success(request, "Faults saved.")
    return redirect("sandbox:console")


@trainer_required
def explain(request):
    """Why: the portal's decisions about one person, with the rule and the data compared."""
    form = WhyForm(request.GET or None)
    person, decisions = None, []
    if form.is_valid():
        person = User.objects.filter(username__iexact=form.cleaned_data["user_id"]).first()
        if person is None:
            form.add_error("user_id", "No account has this User ID.")
        else:
            decisions = why.decisions_for(person)
    return render(
        request,
        "sandbox/why.html",
        {"form": form, "person": person, "decisions": decisions},
    )


@require_POST
@trainer_required
def reset(request):
    """Everything back to the starting data; the trainer signs in again (sessions are gone)."""
    logout(request)
    reset_sandbox()
    return redirect("accounts:sign_in")
