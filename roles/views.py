"""Manage Access, Connect to an Organization, the Security Official's pages and the help
desk's. Thin: access check → selector → form → service → message + redirect."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from organizations import selectors as organization_selectors
from organizations.models import Organization
from qpp_portal.templatetags.page_urls import url_for

from . import selectors, services
from .capabilities import Capability, Role, capabilities_for
from .decorators import ANY_ROLE, help_desk_only, open_to_requesters, requires_capability
from .forms import (
    CLINICIAN,
    CallerVerificationForm,
    ConnectSearchForm,
    ConnectTypeForm,
    DecisionForm,
    HelpDeskSearchForm,
    ReviewDecisionForm,
    RevokeForm,
    RoleChoiceForm,
    validation_form_class,
)
from .models import Membership

RESULTS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50
PENDING_SHOWN = 50
# An organization with no more open memberships than this is read in one query.
MEMBERS_READ_WHOLE = MEMBERS_PER_PAGE + PENDING_SHOWN
SEARCHABLE_KINDS = {kind.value for kind in Organization.Kind}

# The page behind each capability: every capability of seed 003's table has one
# (tests/roles/test_capabilities.py checks that each name resolves).
CAPABILITY_PAGES = {
    Capability.MANAGE_ACCESS: "roles:organization_access",
    Capability.VIEW_PERFORMANCE_FEEDBACK: "feedback:summary",
    Capability.VIEW_ELIGIBILITY: "feedback:eligibility",
    Capability.FILE_EXCEPTION_APPLICATION: "feedback:exceptions",
    Capability.SUBMIT_DATA: "submissions:submit",
    Capability.VIEW_SUBMITTED_DATA: "submissions:submitted",
    Capability.UPLOAD_SUBMISSION_FILE: "submissions:upload",
    Capability.VIEW_PRELIMINARY_SCORING: "submissions:scoring",
    Capability.DOWNLOAD_API_TOKEN: "submissions:tokens",
    Capability.SUBMIT_OPT_IN_ELECTION: "feedback:opt_in",
    Capability.PREVIEW_PUBLIC_REPORTING: "feedback:public_reporting",
    Capability.VIEW_APM_PARTICIPANTS: "feedback:apm_participants",
    Capability.REGISTER_WEB_INTERFACE_OR_CAHPS: "registrations:registrations",
}


def capability_page(capability, organization):
    """Return the URL of ``capability``'s page for ``organization``."""
    return url_for(CAPABILITY_PAGES[capability], organization.pk)


# --- Manage Access ---------------------------------------------------------------------------


def manage(request):
    """The person's connected organizations, their pending requests, and the way to connect.

    Requests past their expiry are left out, not expired here: a GET sends no email."""
    memberships, pending = selectors.connections_and_requests(request.user)
    return render(request, "roles/manage.html", {"memberships": memberships, "pending": pending})


def connect(request):
    """Connect to an Organization, step 1: the organization type."""
    form = ConnectTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if kind == CLINICIAN:
            return redirect("roles:connect_clinician")
        return redirect("roles:connect_find", kind=kind)
    return render(request, "roles/connect/type.html", {"form": form})


def connect_find(request, kind):
    """Step 2: find the practice, APM Entity or registry (TINs shown masked)."""
    if kind not in SEARCHABLE_KINDS:
        raise Http404("No such organization type.")
    data = {**request.GET.dict(), "kind": kind} if "query" in request.GET else None
    form = ConnectSearchForm(data, kind=kind, initial={"kind": kind})
    page = None
    if form.is_valid():
        results = organization_selectors.search_organizations(
            kind=kind,
            query=form.cleaned_data["query"],
            model_type=form.cleaned_data.get("model_type") or None,
        )
        page = organization_selectors.CappedPaginator(results, RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "roles/connect/find.html",
        {
            "form": form,
            "page": page,
            "kind": kind,
            "kind_label": Organization.Kind(kind).label,
            # "Find your APM Entity" (a program's name), "Find your practice" (a word).
            "kind_name": (
                Organization.Kind(kind).label
                if kind == Organization.Kind.APM_ENTITY
                else Organization.Kind(kind).label.lower()
            ),
        },
    )


@open_to_requesters
def connect_role(request, organization_id):
    """Step 3: the role. Only Security Official while the organization has none."""
    organization = get_object_or_404(Organization, pk=organization_id)
    existing = selectors.open_membership(request.user, organization)
    has_official = selectors.has_security_official(organization)
    form = RoleChoiceForm(request.POST or None, has_security_official=has_official)
    if request.method == "POST" and existing is None and form.is_valid():
        try:
            membership = services.request_role(
                user=request.user,
                organization=organization,
                role=form.cleaned_data["role"],
                request=request,
            )
        except services.RoleError as error:
            form.add_error("role", error.message)
        else:
            if membership.needs_validation:
                return redirect("roles:request_validate", membership_id=membership.pk)
            return redirect("roles:request_detail", membership_id=membership.pk)
    return render(
        request,
        "roles/connect/role.html",
        {
            "organization": organization,
            "form": form,
            "existing": existing,
            "has_official": has_official,
            "role_summaries": [
                (
                    role.label,
                    [c.label for c in Capability if c in capabilities_for(role, organization)],
                )
                for role in (Role.STAFF_USER, Role.SECURITY_OFFICIAL)
            ],
        },
    )


def validation_rate(group, request):
    return settings.RATE_LIMITS["role_validation"]


@ratelimit(key="user", rate=validation_rate, method="POST", block=True)
def request_validate(request, membership_id):
    """Step 4 for a first Security Official: the details that prove the link."""
    membership = selectors.get_own_request(request.user, membership_id)
    if not membership.needs_validation:
        return redirect("roles:request_detail", membership_id=membership.pk)
    organization = membership.organization
    form_class = validation_form_class(organization)
    kwargs = (
        {"organization": organization} if organization.kind == Organization.Kind.APM_ENTITY else {}
    )
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.validate_first_security_official(
                membership=membership, evidence=form.evidence(), request=request
            )
        except services.RoleError as error:
            messages.error(request, error.message)
            return redirect("roles:request_detail", membership_id=membership.pk)
        if outcome.granted:
            messages.success(
                request, f"You are now a Security Official of {organization.legal_business_name}."
            )
            return redirect("roles:organization", organization_id=organization.pk)
        if outcome.sent_to_review or outcome.sent_to_officials:
            return redirect("roles:request_detail", membership_id=membership.pk)
        if outcome.wrong_tins:
            # Beside each TIN that does not take part, not above the form.
            for position in outcome.wrong_tins:
                form.add_error(f"tin_{position + 1}", outcome.failure_message)
        else:
            form.add_error(
                FAILURE_FIELDS.get((organization.kind, outcome.failure_code)),
                outcome.failure_message,
            )
        membership = outcome.membership
    return render(
        request,
        "roles/connect/validate.html",
        {
            "membership": membership,
            "organization": organization,
            "form": form,
            "tries_left": selectors.validation_tries_left(request.user, organization),
        },
    )


# Which field a failed validation's message sits beside (None: above the form).
FAILURE_FIELDS = {
    (Organization.Kind.PRACTICE, "group_identifier"): "npi",
    (Organization.Kind.APM_ENTITY, "entity_id_mismatch"): "entity_id",
    (Organization.Kind.APM_ENTITY, "tins_missing"): "tin_1",
}


def request_detail(request, membership_id):
    """The result of a request: where it stands, what happens next, and its history."""
    membership = selectors.get_own_request(request.user, membership_id)
    return render(
        request,
        "roles/request_detail.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "events": selectors.membership_history(membership),
            "expiry_days": selectors.request_expiry_days(),
        },
    )


@require_POST
def request_cancel(request, membership_id):
    membership = selectors.get_own_request(request.user, membership_id)
    try:
        services.cancel_role_request(membership=membership, user=request.user, request=request)
    except services.RoleError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Your request for {membership.organization.legal_business_name} is cancelled.",
        )
    return redirect("roles:manage")


def connect_clinician(request):
    """Connect as an Individual Clinician: list the organizations of the clinician whose
    name matches the account's exactly; Verify grants the Clinician role in them."""
    match = selectors.match_clinician(request.user)
    if request.method == "POST":
        try:
            created = services.connect_as_clinician(user=request.user, request=request)
        except services.RoleError as error:
            messages.error(request, error.message)
            return redirect("roles:connect_clinician")
        if created:
            messages.success(
                request,
                f"You are connected as a Clinician to {len(created)} "
                f"organization{'s' if len(created) != 1 else ''}.",
            )
        else:
            messages.info(request, "You were already connected to every organization listed.")
        return redirect("roles:manage")
    connected = set(
        Membership.objects.filter(
            user=request.user,
            organization__in=match.organizations,
            status__in=Membership.OPEN_STATUSES,
        ).values_list("organization_id", flat=True)
    )
    return render(
        request,
        "roles/connect/clinician.html",
        {
            "match": match,
            "connected": connected,
            "problem_message": services.clinician_problem_message(match.problem)
            if match.problem
            else "",
        },
    )


# --- An organization ------------------------------------------------------------------------


@requires_capability(ANY_ROLE)
def organization(request, membership):
    """The organization's home: what the person's role allows there, and nothing else."""
    capabilities = [
        (capability, capability_page(capability, membership.organization))
        for capability in selectors.membership_capabilities(membership)
    ]
    return render(
        request,
        "roles/organization.html",
        {
            "membership": membership,
            "organization": membership.organization,
            "capabilities": capabilities,
        },
    )


@requires_capability(Capability.MANAGE_ACCESS)
def organization_access(request, membership):
    """A Security Official's view of who has access and who is waiting."""
    organization = membership.organization
    # The oldest requests only, so the page does not grow with the organization.
    people = selectors.organization_people(
        organization, read_whole=MEMBERS_READ_WHOLE, pending_shown=PENDING_SHOWN
    )
    members = Paginator(people.members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "roles/organization_access.html",
        {
            "membership": membership,
            "organization": organization,
            "members": members,
            "page": members,
            "official_count": people.security_official_count,
            "pending": people.pending,
            "pending_total": people.pending_total,
        },
    )


@requires_capability(Capability.MANAGE_ACCESS)
def decide(request, membership, membership_id):
    """Approve or deny one pending request of the organization."""
    organization = membership.organization
    target = selectors.get_membership_in_organization(organization, membership_id)
    if not (target.is_pending and target.awaiting == Membership.Awaiting.SECURITY_OFFICIAL):
        messages.info(request, "This request has already been decided.")
        return redirect("roles:organization_access", organization_id=organization.pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        service = services.approve_role_request if approve else services.deny_role_request
        try:
            service(
                membership=target,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.RoleError as error:
            form.add_error(None, error.message)
        else:
            name = target.user.get_full_name()
            messages.success(
                request,
                f"{name} now has the {target.get_role_display()} role."
                if approve
                else f"{name}'s request is denied.",
            )
            return redirect("roles:organization_access", organization_id=organization.pk)
    return render(
        request,
        "roles/decide.html",
        {"organization": organization, "target": target, "form": form},
    )


@requires_capability(Capability.MANAGE_ACCESS)
def revoke(request, membership, membership_id):
    """Remove someone's active role in the organization, with a reason."""
    organization = membership.organization
    target = selectors.get_membership_in_organization(
        organization, membership_id, status=Membership.Status.ACTIVE
    )
    is_last_official = (
        target.role == Role.SECURITY_OFFICIAL
        and selectors.security_officials(organization).count() <= 1
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_role(
                membership=target,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.RoleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{target.user.get_full_name()} no longer has the "
                f"{target.get_role_display()} role.",
            )
            if target.user_id == request.user.pk:
                return redirect("roles:manage")
            return redirect("roles:organization_access", organization_id=organization.pk)
    return render(
        request,
        "roles/revoke.html",
        {
            "organization": organization,
            "target": target,
            "form": form,
            "is_last_official": is_last_official,
            "last_official_message": services.LAST_SECURITY_OFFICIAL_MESSAGE,
        },
    )


# --- Help desk -------------------------------------------------------------------------------


@help_desk_only
def help_desk(request):
    """Find the Security Officials of a TIN (or an APM Entity ID)."""
    form = HelpDeskSearchForm(request.GET if "query" in request.GET else None)
    results = None
    if form.is_valid():
        results = selectors.help_desk_find_organizations(request.user, form.cleaned_data["query"])
    return render(
        request,
        "roles/help_desk/search.html",
        {
            "form": form,
            "results": results,
            "queue_count": selectors.review_queue(request.user).count(),
        },
    )


@help_desk_only
@sensitive_post_parameters("ssn", "date_of_birth")
def help_desk_organization(request, organization_id):
    """Who the Security Officials are; record a verified caller and vacate one."""
    organization = selectors.help_desk_get_organization(request.user, organization_id)
    officials = selectors.security_officials(organization).order_by("decided_at", "id")
    form = CallerVerificationForm(
        request.POST or None, organization=organization, officials=officials
    )
    if request.method == "POST" and form.is_valid():
        official = form.cleaned_data["official"]
        try:
            services.vacate_security_official(
                membership=official,
                help_desk_user=request.user,
                caller=form.caller(),
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.RoleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"{official.user.get_full_name()} is no longer a Security Official of "
                f"{organization.legal_business_name}.",
            )
            return redirect("roles:help_desk_organization", organization_id=organization.pk)
    if request.method == "GET":
        services.record_security_official_lookup(
            help_desk_user=request.user, organization=organization, request=request
        )
    return render(
        request,
        "roles/help_desk/organization.html",
        {"organization": organization, "officials": officials, "form": form},
    )


@help_desk_only
def help_desk_queue(request):
    """Requests whose first-Security-Official validation failed three times, oldest first."""
    return render(
        request,
        "roles/help_desk/queue.html",
        {"requests": selectors.review_queue(request.user)},
    )


@help_desk_only
def help_desk_review(request, membership_id):
    """Decide one request of the failed-validation queue."""
    membership = selectors.get_review_request(request.user, membership_id)
    form = ReviewDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        service = services.approve_manual_review if approve else services.reject_manual_review
        try:
            service(
                membership=membership,
                help_desk_user=request.user,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.RoleError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                f"Request {membership.pk} {'approved' if approve else 'rejected'}; "
                f"{membership.user.get_full_name()} was emailed.",
            )
            return redirect("roles:help_desk_queue")
    return render(
        request,
        "roles/help_desk/review.html",
        {
            "membership": membership,
            "form": form,
            "events": selectors.membership_history(membership),
            "attempts": selectors.validation_attempts(request.user, membership),
            "reference": selectors.review_reference(request.user, membership),
        },
    )


@requires_capability(Capability.MANAGE_ACCESS)
def access_review(request, membership):
    """The yearly access review: a Security Official confirms, per member, that they still
    need their role (POST ``item``)."""
    organization = membership.organization
    review = selectors.latest_access_review(organization)
    if request.method == "POST":
        item = get_object_or_404(
            review.items.all() if review else Membership.objects.none(),
            pk=request.POST.get("item") or 0,
        )
        try:
            item = services.confirm_access(item=item, acting_user=request.user, request=request)
        except services.RoleError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"Confirmed: {item.membership.user.get_full_name()} keeps the role."
            )
        return redirect("roles:access_review", organization.pk)
    return render(
        request,
        "roles/access_review.html",
        {"membership": membership, "organization": organization, "review": review},
    )
