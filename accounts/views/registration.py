from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django_ratelimit.decorators import ratelimit

from ..backends import SESSION_BACKEND
from ..drafts import RegistrationDraft
from ..forms import AccountForm, ProfileForm, TermsForm
from ..services import UserIdTaken, register_account

STEPS = [
    "Profile",
    "Terms and conditions",
    "Account",
    "Verify identity",
    "Two-factor authentication",
]


def step_context(current):
    return {"steps": STEPS, "current_step": current, "current_step_name": STEPS[current - 1]}


@login_not_required
def start(request):
    return redirect("accounts:register_profile")


@login_not_required
@sensitive_post_parameters("ssn", "date_of_birth")
@sensitive_variables("form")
def profile(request):
    """Step 1: who the person is. The draft lives in the session until the account exists."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    draft = RegistrationDraft(request.session)
    kept = {
        "kept_ssn_masked": draft.masked_ssn(),
        "kept_date_of_birth_masked": draft.masked_date_of_birth(),
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, **kept)
        if form.is_valid():
            draft.save_profile(form.cleaned_data)
            return redirect("accounts:register_terms")
        if form.cleaned_data.get("ssn"):
            # The SSN is never rendered back: keep a valid one sealed in the draft, masked.
            draft.keep_ssn(form.cleaned_data["ssn"])
            form.show_kept_ssn(draft.masked_ssn())
        if form.cleaned_data.get("date_of_birth"):
            # Nor the date of birth: a valid one is kept sealed and shown masked.
            draft.keep_date_of_birth(form.cleaned_data["date_of_birth"])
            form.show_kept_date_of_birth(draft.masked_date_of_birth())
        elif form.data.get("date_of_birth"):
            form.ask_date_of_birth_again()
    else:
        form = ProfileForm(initial=draft.initial(), **kept)
    return render(request, "accounts/register/profile.html", {"form": form, **step_context(1)})


@login_not_required
def terms(request):
    """Step 2: the Terms and Conditions, accepted with their version and time."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    draft = RegistrationDraft(request.session)
    if not draft.has_profile:
        messages.info(request, "Start with your profile information.")
        return redirect("accounts:register_profile")
    form = TermsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        draft.accept_terms(settings.TERMS_VERSION)
        return redirect("accounts:register_account")
    return render(
        request,
        "accounts/register/terms.html",
        {"form": form, "terms_version": settings.TERMS_VERSION, **step_context(2)},
    )


@login_not_required
@sensitive_post_parameters("password1", "password2", "challenge_answer")
@sensitive_variables("form")
@ratelimit(
    key="ip",
    rate=lambda group, request: settings.RATE_LIMITS["registration"],
    method="POST",
    block=True,
)
def account(request):
    """Step 3: User ID, password and challenge question; creates the account."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    draft = RegistrationDraft(request.session)
    if not draft.has_profile:
        return redirect("accounts:register_profile")
    if not draft.terms_accepted:
        return redirect("accounts:register_terms")
    profile_data = draft.profile()
    form = AccountForm(request.POST if request.method == "POST" else None, profile=profile_data)
    if request.method == "POST" and form.is_valid():
        try:
            user = register_account(
                profile=profile_data,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                challenge_question=form.cleaned_data["challenge_question"],
                challenge_answer=form.cleaned_data["challenge_answer"],
                terms_version=draft.data["terms_version"],
                request=request,
            )
        except UserIdTaken as error:
            form.add_error("username", str(error))
        else:
            draft.clear()
            login(request, user, backend=SESSION_BACKEND)
            messages.success(request, "Your account is created. Next, verify your identity.")
            return redirect("proofing:start")
    return render(request, "accounts/register/account.html", {"form": form, **step_context(3)})
