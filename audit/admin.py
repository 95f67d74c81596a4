from django.contrib import admin

from qpp_portal.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "action", "actor", "subject", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor__username", "subject__username"]
    date_hierarchy = "created_at"
