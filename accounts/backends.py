"""The authentication backend of signed-in sessions."""

from django.contrib.auth.backends import AllowAllUsersModelBackend

from . import selectors

# What sign-in and registration record in the session as the backend that signed in.
SESSION_BACKEND = "accounts.backends.AccountBackend"


class AccountBackend(AllowAllUsersModelBackend):
    """Django's model backend that lets a correct password on a deactivated account say so
    instead of "LOGIN FAILED" (the sign-in view refuses inactive accounts itself).

    Each request's signed-in person is read through the shared cache
    (accounts.selectors.cached_user)."""

    def get_user(self, user_id):
        user = selectors.cached_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
