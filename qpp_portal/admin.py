from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that only shows rows: changes go through the apps' services, which
    audit them and send the messages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PortalAdminSite(admin.AdminSite):
    """Django's admin, entered only through the portal's own sign-in and second factor.

    ``/admin/login/`` is not a second way in: it sends the person to the portal's sign-in
    (lockout, dormancy, "LOGIN FAILED" wording, then a code) and back. Every admin page
    also needs a session whose second factor is verified, as django-otp's OTPAdminSite.
    """

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request, extra_context=None):
        from accounts.views.signin import safe_next

        target = safe_next(request) or reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated:
            if not user.is_verified():
                return redirect("accounts:verify_code")
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied
        return redirect(f"{reverse('accounts:sign_in')}?{urlencode({'next': target})}")
