"""The help desk's own record: which caller it verified, before changing their account.

The changes themselves belong to the apps that own them (accounts, roles, proofing,
feedback); this app only keeps proof that the caller was who they said they were."""

from django.conf import settings
from django.db import models


class CallerCheck(models.Model):
    """The help desk verified that a caller is the owner of ``person``'s account: name,
    email, date of birth, SSN (the last 4 digits or all 9), home address and phone all
    matched the account. Holds none of what the caller said, only that it matched.

    A check is good for ``HELP_DESK_CALLER_CHECK_VALIDITY`` (one call), and only for the
    help-desk person who made it."""

    help_desk_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caller_checks"
    )
    ssn_digits = models.PositiveSmallIntegerField(
        default=0, help_text="How many SSN digits the caller gave (0: the account has none)."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ssn_digits__in=[0, 4, 9]), name="helpdesk_ssn_digits_valid"
            )
        ]

    def __str__(self):
        return f"Caller verified as {self.person} at {self.created_at:%Y-%m-%d %H:%M}"
