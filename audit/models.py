from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One security-relevant event. Never holds passwords, codes, SSNs or dates of birth."""

    class Action(models.TextChoices):
        ACCOUNT_REGISTERED = "account.registered", "Account registered"
        TERMS_ACCEPTED = "account.terms_accepted", "Terms and conditions accepted"
        SIGN_IN_SUCCEEDED = "account.sign_in_succeeded", "Signed in"
        SIGN_IN_FAILED = "account.sign_in_failed", "Sign-in failed"
        SIGN_IN_LOCKED = "account.sign_in_locked", "Sign-in locked after repeated failures"
        SIGNED_OUT = "account.signed_out", "Signed out"
        SESSION_EXPIRED = "account.session_expired", "Session expired"
        CODE_VERIFIED = "account.code_verified", "Two-factor code accepted"
        CODE_FAILED = "account.code_failed", "Two-factor code refused"
        CODE_LOCKED = "account.code_locked", "Two-factor locked after repeated wrong codes"
        DEVICE_ADDED = "account.device_added", "Two-factor device added"
        DEVICE_REMOVED = "account.device_removed", "Two-factor device removed"
        DEFAULT_DEVICE_CHANGED = "account.default_device_changed", "Default device changed"
        BACKUP_CODES_GENERATED = "account.backup_codes_generated", "Backup codes generated"
        BACKUP_CODE_USED = "account.backup_code_used", "Backup code used"
        PASSWORD_CHANGED = "account.password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = "account.password_reset_requested", "Password reset requested"
        PASSWORD_RESET = "account.password_reset", "Password reset"
        USER_ID_REMINDER_SENT = "account.user_id_reminder_sent", "User ID reminder sent"
        CHALLENGE_ANSWER_FAILED = "account.challenge_failed", "Challenge answer refused"
        PROFILE_UPDATED = "account.profile_updated", "Profile updated"
        EMAIL_CHANGED = "account.email_changed", "Email address changed"
        PHONE_CHANGED = "account.phone_changed", "Phone number changed"
        EMAIL_CONFIRMED = "account.email_confirmed", "Email address confirmed"
        ACCOUNT_DEACTIVATED = "account.deactivated", "Account deactivated"
        ACCOUNT_REACTIVATED = "account.reactivated", "Account reactivated"
        SESSION_ENDED = "account.session_ended", "Another session ended"
        MESSAGE_DELIVERY_FAILED = "message.delivery_failed", "Email or text could not be sent"
        MESSAGE_RETRIED = "message.retried", "Undelivered email or text sent again by help desk"
        REAUTHENTICATED = "account.reauthenticated", "Password confirmed for a security change"
        REAUTHENTICATION_FAILED = (
            "account.reauthentication_failed",
            "Wrong password to confirm a change",
        )
        SIGN_IN_THROTTLED = "account.sign_in_throttled", "Sign-ins from one address slowed down"
        IDENTITY_VERIFIED = "proofing.identity_verified", "Identity verified"
        REPROOFING_REQUIRED = (
            "proofing.reproofing_required",
            "Legal name changed: identity to verify again",
        )
        PROOFING_STARTED = "proofing.started", "Identity proofing started"
        PROOFING_FAILED = "proofing.failed", "Identity proofing failed"
        PROOFING_REFERENCE_CLEARED = "proofing.reference_cleared", "Proofing reference cleared"
        MANUAL_PROOFING_SUBMITTED = "proofing.manual_submitted", "Manual proofing submitted"
        MANUAL_PROOFING_APPROVED = "proofing.manual_approved", "Manual proofing approved"
        MANUAL_PROOFING_REJECTED = "proofing.manual_rejected", "Manual proofing rejected"
        PROOFING_DOCUMENT_VIEWED = "proofing.document_viewed", "Proofing document viewed"
        ROLE_REQUESTED = "roles.requested", "Role requested"
        ROLE_VALIDATION_FAILED = "roles.validation_failed", "Security Official validation failed"
        ROLE_SENT_TO_REVIEW = "roles.sent_to_review", "Role request sent to manual review"
        ROLE_GRANTED = "roles.granted", "Role granted on validation"
        ROLE_APPROVED = "roles.approved", "Role request approved"
        ROLE_DENIED = "roles.denied", "Role request denied"
        ROLE_CANCELLED = "roles.cancelled", "Role request cancelled"
        ROLE_EXPIRED = "roles.expired", "Role request expired"
        ROLE_REVOKED = "roles.revoked", "Role revoked"
        ACCESS_REVIEW_OPENED = "roles.access_review_opened", "Yearly access review opened"
        ACCESS_REVIEW_CONFIRMED = (
            "roles.access_review_confirmed",
            "Role confirmed in access review",
        )
        ACCESS_REVIEW_REMOVED = (
            "roles.access_review_removed",
            "Role removed: not confirmed in the access review",
        )
        CLINICIAN_CONNECTED = "roles.clinician_connected", "Connected as a clinician"
        CLINICIAN_ROLE_ENDED = (
            "roles.clinician_ended",
            "Clinician role ended: name no longer matches",
        )
        SECURITY_OFFICIALS_LOOKED_UP = "roles.officials_looked_up", "Security Officials looked up"
        CALLER_VERIFIED = "roles.caller_verified", "Help desk caller verified"
        SECURITY_OFFICIAL_VACATED = "roles.official_vacated", "Security Official vacated"
        REVIEW_APPROVED = "roles.review_approved", "Failed validation approved by help desk"
        REVIEW_REJECTED = "roles.review_rejected", "Failed validation rejected by help desk"
        HELP_DESK_CALLER_CHECKED = "helpdesk.caller_checked", "Help desk verified a caller"
        SIGN_IN_UNLOCKED = "account.sign_in_unlocked", "Sign-in lockout cleared by help desk"
        CODES_UNLOCKED = "account.codes_unlocked", "Code lockout cleared by help desk"
        TWO_FACTOR_RESET = "account.two_factor_reset", "Two-factor devices reset by help desk"
        CONFIRMATION_RESENT = "account.confirmation_resent", "Confirmation email resent"
        AUDIT_LOG_EXPORTED = "audit.exported", "Audit log exported"
        EXCEPTION_FILED = "feedback.exception_filed", "Exception application filed"
        EXCEPTION_WITHDRAWN = "feedback.exception_withdrawn", "Exception application withdrawn"
        EXCEPTION_APPROVED = "feedback.exception_approved", "Exception application approved"
        EXCEPTION_DENIED = "feedback.exception_denied", "Exception application denied"
        OPT_IN_ELECTED = "feedback.opt_in_elected", "Opt-in election made"
        FEEDBACK_DOWNLOADED = "feedback.downloaded", "Performance feedback downloaded"
        MEASUREMENT_SET_SAVED = "submissions.set_saved", "Measurement set submitted"
        MEASUREMENT_SET_DELETED = "submissions.set_deleted", "Measurement set deleted"
        SUBMISSION_FILE_UPLOADED = "submissions.file_uploaded", "Submission file uploaded"
        API_TOKEN_CREATED = "submissions.token_created", "API token created"
        API_TOKEN_ROTATED = "submissions.token_rotated", "API token rotated"
        API_TOKEN_REVOKED = "submissions.token_revoked", "API token revoked"
        API_TOKEN_USED = "submissions.token_used", "API token used"
        PUBLIC_REPORTING_FLAGGED = (
            "feedback.public_reporting_flagged",
            "Public reporting figure flagged for review",
        )
        PUBLIC_REPORTING_FLAG_RESOLVED = (
            "feedback.public_reporting_flag_resolved",
            "Public reporting review closed by help desk",
        )
        SURVEY_REGISTERED = "registrations.registered", "Registered for Web Interface or CAHPS"
        SURVEY_REGISTRATION_CANCELLED = (
            "registrations.cancelled",
            "Web Interface or CAHPS registration cancelled",
        )

    action = models.CharField(max_length=64, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events_acted",
        help_text="Who did it; empty for anonymous or system actions.",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        help_text="Whose account it concerns.",
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject", "-created_at"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()}"
