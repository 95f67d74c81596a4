from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin page that only shows rows: changes go through the apps' services, which
    audit them and send the messages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
