"""The password reset link's token: Django's, also bound to the person's latest request."""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class PasswordResetLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, invalidated as well by a newer reset request.

    The hash includes the id of the person's latest ``PASSWORD_RESET_REQUESTED`` audit
    event, so asking for a new link makes every older link invalid.
    """

    key_salt = "accounts.tokens.PasswordResetLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        from . import selectors

        latest = selectors.latest_password_reset_request(user)
        return f"{super()._make_hash_value(user, timestamp)}{latest}"


password_reset_token_generator = PasswordResetLinkTokenGenerator()
