"""The help desk's workspace: its queues, finding a person, acting for a verified caller,
and the audit log. Thin: help-desk check → selector → form → the owning app's service."""

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from audit.models import AuditEvent
from audit.services import record_event
from qpp_portal.spreadsheets import safe_cell
from roles.decorators import help_desk_only

from . import selectors, services
from .forms import ActionForm, AuditSearchForm, CallerCheckForm, PersonSearchForm

PEOPLE_PER_PAGE = 25
EVENTS_PER_PAGE = 50
EXPORT_LIMIT = 10_000

# The actions on a person's page: the accounts service each one calls, what the button
# says, when it applies, and what the help desk is told afterwards.
ACTIONS = {
    "unlock-sign-in": (
        account_services.unlock_sign_in,
        "Unlock sign-in",
        lambda p: bool(account_selectors.sign_in_lockouts(p)),
        "The failed sign-ins of {name} are cleared: they can sign in again now.",
    ),
    "unlock-codes": (
        account_services.unlock_codes,
        "Unlock code entry",
        lambda p: account_selectors.codes_locked(p) or bool(p.code_failures),
        "Code entry is unlocked for {name}.",
    ),
    "reset-two-factor": (
        account_services.reset_two_factor,
        "Reset two-factor devices",
        lambda p: bool(account_selectors.two_factor_devices(p)),
        "The two-factor devices of {name} are removed: they set up a new one at their "
        "next sign-in, and were emailed.",
    ),
    "reactivate": (
        account_services.reactivate_account,
        "Reactivate account",
        lambda p: not p.is_active,
        "The account of {name} is active again.",
    ),
    "resend-confirmation": (
        account_services.resend_account_confirmation,
        "Resend confirmation email",
        lambda p: p.is_identity_verified and not p.email_confirmed_at,
        "A new confirmation email is on its way to {name}.",
    ),
}


@help_desk_only
def home(request):
    """Every queue with its count of open cases, the longest-waiting first."""
    return render(
        request,
        "helpdesk/home.html",
        {"queues": selectors.queues(request.user), "search_form": PersonSearchForm()},
    )


@help_desk_only
def people(request):
    """Find a person by name, email, User ID, phone or organization."""
    form = PersonSearchForm(request.GET if "query" in request.GET else None)
    page = None
    if form.is_valid():
        found = selectors.search_people(request.user, form.cleaned_data["query"])
        page = Paginator(found, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "helpdesk/people.html", {"form": form, "page": page})


@help_desk_only
def person(request, person_id):
    """A person's account as the help desk sees it, and what it may do for them."""
    person = selectors.get_person(request.user, person_id)
    check = selectors.current_caller_check(request.user, person)
    actions = [
        (slug, label, ActionForm(auto_id=f"id_{slug}_%s"))
        for slug, (_, label, applies, _) in ACTIONS.items()
        if applies(person)
    ]
    return render(
        request,
        "helpdesk/person.html",
        {
            "person": person,
            "check": check,
            "check_expires": check.created_at + selectors.caller_check_validity()
            if check
            else None,
            "actions": actions,
            "devices": selectors.person_devices(request.user, person),
            "lockouts": account_selectors.sign_in_lockouts(person),
            "codes_locked": account_selectors.codes_locked(person),
            "sessions": selectors.person_sessions(request.user, person),
            "last_sign_in": account_selectors.last_sign_in(person),
            "memberships": selectors.person_memberships(request.user, person),
            "events": selectors.person_events(request.user, person),
        },
    )


@help_desk_only
@sensitive_post_parameters("ssn", "date_of_birth")
def verify_caller(request, person_id):
    """Record that the caller is the person: every detail they give must match the account."""
    person = selectors.get_person(request.user, person_id)
    form = CallerCheckForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        services.record_caller_check(
            help_desk_user=request.user,
            person=person,
            ssn_digits=form.ssn_digits,
            request=request,
        )
        minutes = int(selectors.caller_check_validity().total_seconds() // 60)
        messages.success(
            request,
            f"The caller is verified as {person.get_full_name()} for the next {minutes} minutes.",
        )
        return redirect("helpdesk:person", person_id=person.pk)
    return render(request, "helpdesk/verify.html", {"person": person, "form": form})


@help_desk_only
@require_POST
def person_action(request, person_id, action):
    """Make one change for a verified caller, through the accounts service."""
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, label, _, done = ACTIONS[action]
    person = selectors.get_person(request.user, person_id)
    check = selectors.current_caller_check(request.user, person)
    if check is None:
        messages.error(request, "Verify the caller first: nothing was changed.")
        return redirect("helpdesk:verify_caller", person_id=person.pk)
    form = ActionForm(request.POST, auto_id=f"id_{action}_%s")
    if form.is_valid():
        try:
            service(
                user=person,
                help_desk_user=request.user,
                reason=form.cleaned_data["reason"],
                verification_id=check.pk,
                request=request,
            )
        except account_services.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, done.format(name=person.get_full_name()))
    else:
        messages.error(request, f"{label}: {' '.join(form.errors['reason'])} Nothing was changed.")
    return redirect("helpdesk:person", person_id=person.pk)


def _audit_filters(request):
    form = AuditSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    else:
        filters = {}
    return form, filters


@help_desk_only
def audit_log(request):
    """Search the audit log by person, organization, action and dates."""
    form, filters = _audit_filters(request)
    events = selectors.audit_events(request.user, **filters)
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "helpdesk/audit.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@help_desk_only
def audit_export(request):
    """Download the events of the audit log's filters as CSV (at most EXPORT_LIMIT rows);
    the export is itself audited."""
    form, filters = _audit_filters(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "Correct the filters before you export.")
        return redirect(f"{request.path.removesuffix('export.csv')}?{request.GET.urlencode()}")
    events = selectors.audit_events(request.user, **filters)[:EXPORT_LIMIT]
    record_event(
        action=AuditEvent.Action.AUDIT_LOG_EXPORTED,
        request=request,
        filters=sorted(filters),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Time (UTC)", "Action", "Description", "By", "About", "Address", "Reason", "Detail"]
    )
    for event in events:
        detail = dict(event.detail or {})
        reason = detail.pop("reason", "")
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    event.created_at.isoformat(),
                    event.action,
                    event.get_action_display(),
                    event.actor.username if event.actor else "",
                    event.subject.username if event.subject else "",
                    event.ip_address or "",
                    str(reason),
                    json.dumps(detail, sort_keys=True) if detail else "",
                )
            ]
        )
    return response


@help_desk_only
def undelivered(request):
    """Emails and texts the outbox gave up on after its retries, newest first."""
    from outbox import selectors as outbox_selectors

    page = Paginator(outbox_selectors.undelivered_messages(), EVENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "helpdesk/undelivered.html", {"page": page})


@help_desk_only
@require_POST
def retry_undelivered(request, message_id):
    """Queue one undelivered message again (``outbox.services.retry_message``)."""
    from outbox import selectors as outbox_selectors
    from outbox import services as outbox_services

    message = outbox_selectors.get_undelivered_message(message_id)
    if message is not None and outbox_services.retry_message(
        message=message, acting_user=request.user, request=request
    ):
        messages.success(request, "The message is queued to be sent again.")
    else:
        messages.info(request, "This message is no longer waiting to be sent again.")
    return redirect("helpdesk:undelivered")
