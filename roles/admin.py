"""Read-only admin views of roles: every change goes through roles.services (and its help
desk pages), which write the history, the audit log and the emails."""

from django.contrib import admin

from qpp_portal.admin import ReadOnlyAdmin

from .models import CallerVerification, Membership, MembershipEvent


class MembershipEventInline(admin.TabularInline):
    model = MembershipEvent
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "reason", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "organization", "role", "status", "awaiting", "requested_at"]
    list_filter = ["role", "status", "awaiting"]
    search_fields = ["user__username", "organization__legal_business_name"]
    list_select_related = ["user", "organization"]
    inlines = [MembershipEventInline]


@admin.register(CallerVerification)
class CallerVerificationAdmin(ReadOnlyAdmin):
    list_display = ["organization", "first_name", "last_name", "help_desk_user", "created_at"]
    list_select_related = ["organization", "help_desk_user"]
