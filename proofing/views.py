"""Identity proofing pages: remote questions, reference numbers, manual documents, review."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET

from accounts.models import User
from accounts.views.registration import step_context
from qpp_portal import clock

from . import documents, selectors, services
from .backends.base import ProofingUnavailable
from .forms import (
    ClearReferenceForm,
    ManualProofingForm,
    QuizForm,
    ReferenceForm,
    ReferenceSearchForm,
    ReviewDecisionForm,
)
from .models import ManualProofingCase, ProofingAttempt

VERIFY_IDENTITY_STEP = 4
TIME_RAN_OUT = "Time ran out before your answers were sent, so they could not be accepted."
# HARP's wording when Experian cannot be reached; no attempt is used up.
BUREAU_UNAVAILABLE = (
    "We are unable to verify your identity at this time because the identity verification "
    "service is unavailable. Your information has been saved. Please try again later."
)


def page(request, template, context=None):
    """Render a page of the person's own proofing, with the registration step indicator."""
    context = {
        **step_context(VERIFY_IDENTITY_STEP),
        "bureau_phone": settings.PROOFING_BUREAU_PHONE,
        **(context or {}),
    }
    return render(request, template, context)


def manual_reason_message(request, reason):
    if reason == "no_ssn":
        messages.info(
            request,
            "You did not give a Social Security Number, so you will verify your identity "
            "by uploading documents for our help desk to review.",
        )
    elif reason == "ssn_in_use":
        messages.warning(
            request,
            "We cannot verify this identity online: each person may have one account. If "
            "you already have one, use Forgot User ID to find it. Otherwise upload documents "
            "for our help desk to review.",
        )
    elif reason == "name_changed":
        messages.info(
            request,
            "You changed your legal name, so verify your identity again: upload documents "
            "that show your new name for our help desk to review.",
        )
    elif reason == "too_many_failures":
        hours = int(settings.PROOFING_FAILURE_WINDOW.total_seconds() // 3600)
        messages.warning(
            request,
            f"Your answers were not accepted {settings.PROOFING_FAILURE_LIMIT} times within "
            f"{hours} hours. Upload documents to verify your identity, or call the bureau and "
            "enter your reference number.",
        )


def after_attempt(request, attempt):
    """Send the person where the attempt's outcome leads."""
    status = attempt.status
    if status == ProofingAttempt.Status.IN_PROGRESS:
        return redirect("proofing:questions")
    if status == ProofingAttempt.Status.VERIFIED:
        messages.success(
            request, "Your identity is verified. Next, set up two-factor authentication."
        )
        return redirect("accounts:two_factor_setup")
    if status in ProofingAttempt.FAILED_STATUSES:
        if status == ProofingAttempt.Status.EXPIRED:
            messages.error(request, TIME_RAN_OUT)
        return redirect("proofing:failed")
    if status == ProofingAttempt.Status.MANUAL_REVIEW:
        return redirect("proofing:manual")
    messages.info(request, "Those questions can no longer be answered. Start again.")
    return redirect("proofing:start")


def start(request):
    """Explain remote proofing and start the questions (POST)."""
    user = request.user
    if user.identity_status == User.IdentityStatus.VERIFIED:
        return redirect("accounts:home")
    if user.identity_status == User.IdentityStatus.MANUAL_REVIEW:
        return redirect("proofing:status")
    attempt = selectors.open_attempt(user)
    if attempt is not None:
        if attempt.is_expired:
            return after_attempt(request, services.expire_if_due(attempt=attempt, request=request))
        return redirect("proofing:questions")
    reason = selectors.manual_proofing_reason(user)
    if reason:
        manual_reason_message(request, reason)
        return redirect("proofing:manual")
    if request.method == "POST":
        try:
            attempt = services.start_proofing(user=user, request=request)
        except services.ProofingError as error:
            messages.info(request, str(error))
            return redirect("proofing:start")
        except ProofingUnavailable:
            # Nothing was recorded (the transaction rolled back): no try is counted.
            messages.error(request, BUREAU_UNAVAILABLE)
            return redirect("proofing:start")
        return after_attempt(request, attempt)
    return page(
        request,
        "proofing/start.html",
        {
            "question_count": settings.PROOFING_QUESTION_COUNT,
            "time_limit_minutes": int(settings.PROOFING_QUIZ_TIME_LIMIT.total_seconds() // 60),
            "last_failure": selectors.latest_failed_attempt(user),
        },
    )


@sensitive_post_parameters()
def questions(request):
    """Show the open questions; score them when sent."""
    attempt = selectors.open_attempt(request.user)
    if attempt is None:
        return redirect("proofing:start")
    if attempt.is_expired:
        return after_attempt(request, services.expire_if_due(attempt=attempt, request=request))
    if request.method == "POST" and "extend" in request.POST:
        # "I need more time": the answers chosen so far come back as they were.
        try:
            attempt = services.extend_quiz(attempt=attempt)
        except services.ProofingError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"You have until {timezone.localtime(attempt.expires_at):%-I:%M %p} to send "
                "your answers.",
            )
        form = QuizForm(initial=request.POST.dict(), questions=attempt.questions)
    else:
        form = QuizForm(request.POST or None, questions=attempt.questions)
    if request.method == "POST" and form.is_bound and form.is_valid():
        try:
            attempt = services.submit_answers(
                attempt=attempt, answers=form.cleaned_data, request=request
            )
        except services.ProofingError as error:
            messages.info(request, str(error))
            return redirect("proofing:start")
        return after_attempt(request, attempt)
    return page(
        request,
        "proofing/questions.html",
        {
            "form": form,
            "attempt": attempt,
            "pass_minimum": settings.PROOFING_PASS_MINIMUM,
            "time_limit_minutes": int(settings.PROOFING_QUIZ_TIME_LIMIT.total_seconds() // 60),
            "extensions_left": settings.PROOFING_QUIZ_EXTENSIONS - attempt.extensions_used,
            "seconds_left": max(0, int((attempt.expires_at - clock.now()).total_seconds())),
        },
    )


def failed(request):
    """Show the reference number of the latest failure and what to do next."""
    user = request.user
    if user.identity_status == User.IdentityStatus.VERIFIED:
        return redirect("accounts:home")
    attempt = selectors.latest_failed_attempt(user)
    if attempt is None:
        return redirect("proofing:start")
    failures = selectors.recent_failure_count(user)
    return page(
        request,
        "proofing/failed.html",
        {
            "attempt": attempt,
            "failures": failures,
            "failure_limit": settings.PROOFING_FAILURE_LIMIT,
            "may_retry": failures < settings.PROOFING_FAILURE_LIMIT,
            "manual_pending": user.identity_status == User.IdentityStatus.MANUAL_REVIEW,
        },
    )


@login_not_required
def enter_reference(request):
    """Continue after calling the bureau: a cleared reference number verifies the person."""
    if not request.user.is_authenticated:
        sign_in_url = f"{reverse('accounts:sign_in')}?{urlencode({'next': request.path})}"
        return page(
            request, "proofing/enter_reference_signed_out.html", {"sign_in_url": sign_in_url}
        )
    if request.user.identity_status == User.IdentityStatus.VERIFIED:
        return redirect("accounts:home")
    form = ReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.redeem_reference(
                user=request.user, reference=form.cleaned_data["reference"], request=request
            )
        except services.ProofingError as error:
            form.add_error("reference", str(error))
        else:
            messages.success(
                request, "Your identity is verified. Next, set up two-factor authentication."
            )
            return redirect("accounts:two_factor_setup")
    return page(request, "proofing/enter_reference.html", {"form": form})


def manual(request):
    """Upload a photo ID and two statements for a reviewer.

    Files that pass their checks are kept even if the rest of the form does not, so
    nothing the person chose is lost.
    """
    user = request.user
    if user.identity_status == User.IdentityStatus.VERIFIED:
        return redirect("accounts:home")
    if selectors.pending_case(user) is not None:
        return redirect("proofing:status")
    staged = selectors.staged_documents(user)
    address = (
        ", ".join(part for part in [user.street_address, user.address_line_2, user.city] if part)
        + f", {user.state} {user.zip_code}"
    )
    if request.method == "POST":
        form = ManualProofingForm(request.POST, request.FILES, staged=staged, address=address)
        valid = form.is_valid()
        for slot, uploaded in form.valid_uploads().items():
            content_type, extension = uploaded.sniffed
            staged[slot] = services.stage_document(
                user=user,
                slot=slot,
                uploaded=uploaded,
                content_type=content_type,
                extension=extension,
            )
        form.set_staged(staged)
        if valid:
            try:
                services.submit_manual_proofing(
                    user=user, photo_id_type=form.cleaned_data["photo_id_type"], request=request
                )
            except services.ProofingError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your documents are sent for review.")
                return redirect("proofing:status")
    else:
        form = ManualProofingForm(staged=staged, address=address)
    latest = selectors.latest_case(user)
    return page(
        request,
        "proofing/manual.html",
        {
            "form": form,
            "staged": staged,
            "rejected_case": latest
            if latest and latest.status == latest.Status.REJECTED
            else None,
            "has_ssn": bool(user.ssn),
        },
    )


def status(request):
    """Where the person's manual proofing stands."""
    user = request.user
    if user.identity_status == User.IdentityStatus.VERIFIED:
        return redirect("accounts:home")
    case = selectors.latest_case(user)
    if case is None:
        return redirect("proofing:start")
    return page(
        request,
        "proofing/status.html",
        {"case": case, "documents": case.documents.all(), "statuses": ManualProofingCase.Status},
    )


def credit_file(request):
    """Sandbox only: show the signed-in person's simulated credit file, the quiz's answers."""
    if not settings.SANDBOX_ENABLED:
        raise Http404
    credit = services.ensure_credit_file(user=request.user)
    return page(request, "proofing/credit_file.html", {"credit": credit})


@require_GET
def document(request, public_id):
    """Send a document to its owner or a reviewer as a download, and audit it."""
    doc = selectors.get_document_for_user(request.user, public_id)
    try:
        handle = documents.open_file(doc.stored_name)
    except FileNotFoundError as error:
        raise Http404 from error
    services.record_document_view(document=doc, viewer=request.user, request=request)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{doc.slot}-{doc.case_id or 'kept'}.{doc.extension}",
        content_type=doc.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def review_queue(request):
    """Help desk: manual proofing cases waiting for a decision, oldest first."""
    cases = selectors.review_queue(request.user)
    return render(request, "proofing/review/queue.html", {"cases": cases})


def review_case(request, case_id):
    """Help desk: one case, its documents and the person's proofing history; decide it."""
    case = selectors.get_case_for_reviewer(request.user, case_id)
    # A reviewer's own case is not offered for a decision (the service refuses it too).
    pending = case.status == ManualProofingCase.Status.PENDING and case.user_id != request.user.pk
    form = ReviewDecisionForm(request.POST or None) if pending else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            if form.cleaned_data["decision"] == form.APPROVE:
                services.approve_manual_proofing(case=case, reviewer=request.user, request=request)
                messages.success(request, f"Case {case.pk} approved; {case.user} is verified.")
            else:
                services.reject_manual_proofing(
                    case=case,
                    reviewer=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
                messages.success(request, f"Case {case.pk} rejected; {case.user} was emailed.")
        except services.ProofingError as error:
            form.add_error(None, str(error))
        else:
            return redirect("proofing:review_queue")
    return render(
        request,
        "proofing/review/case.html",
        {
            "case": case,
            "person": case.user,
            "form": form,
            "attempts": selectors.attempts_for_review(case.user),
        },
    )


def review_references(request):
    """Help desk, acting for the bureau: clear the reference number of a verified caller."""
    selectors.require_reviewer(request.user)
    search = ReferenceSearchForm(request.GET or None)
    reference = search.cleaned_data["reference"] if search.is_valid() else ""
    clear_form = ClearReferenceForm(request.POST or None)
    if request.method == "POST":
        if clear_form.is_valid():
            attempt = clear_form.cleaned_data["attempt"]
            try:
                services.clear_reference(attempt=attempt, reviewer=request.user, request=request)
            except services.ProofingError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    f"Reference {attempt.reference_display} is cleared. {attempt.user} can now "
                    "choose Enter Reference Number.",
                )
        else:
            for error in clear_form.errors.get("attempt", []):
                messages.error(request, error)
        return redirect(request.get_full_path())
    attempts = selectors.outstanding_references(request.user, reference)[:100]
    return render(
        request,
        "proofing/review/references.html",
        {"search": search, "attempts": attempts, "reference": reference},
    )
