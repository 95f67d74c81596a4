"""Read-only views of proofing records for administrators; decisions go through services."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from qpp_portal.admin import ReadOnlyAdmin

from . import selectors, services
from .models import CreditFile, ManualProofingCase, ProofingAttempt


@admin.register(CreditFile)
class CreditFileAdmin(ReadOnlyAdmin):
    list_display = ["user", "mortgage_servicer", "auto_lender", "current_employer", "generated_at"]
    search_fields = ["user__username"]
    exclude = ["profile_digest"]


@admin.register(ProofingAttempt)
class ProofingAttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "started_at",
        "user",
        "backend",
        "status",
        "correct_count",
        "question_count",
        "reference",
        "reference_cleared_at",
    ]
    list_filter = ["status", "backend"]
    search_fields = ["user__username", "reference"]
    exclude = ["backend_state", "questions"]
    actions = ["mark_reference_cleared"]

    @admin.action(description="Mark reference numbers cleared (the caller was verified)")
    def mark_reference_cleared(self, request, queryset):
        selectors.require_reviewer(request.user)
        cleared = 0
        for attempt in queryset:
            try:
                services.clear_reference(attempt=attempt, reviewer=request.user, request=request)
                cleared += 1
            except services.ProofingError as error:
                self.message_user(request, f"{attempt.reference}: {error}", messages.WARNING)
        self.message_user(request, f"{cleared} reference number(s) cleared.", messages.SUCCESS)


@admin.register(ManualProofingCase)
class ManualProofingCaseAdmin(ReadOnlyAdmin):
    list_display = ["submitted_at", "user", "status", "photo_id_type", "decided_by", "review_link"]
    list_filter = ["status"]
    search_fields = ["user__username"]

    @admin.display(description="Review")
    def review_link(self, obj):
        return format_html('<a href="{}">Open</a>', reverse("proofing:review_case", args=[obj.pk]))
