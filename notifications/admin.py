"""The sent-log in Django admin: read-only, for seeing what was sent, to whom, and why not."""

from django.contrib import admin

from .models import Muted, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "recipient", "occasion", "delivery", "attempts", "created_at", "sent_at")
    list_filter = ("delivery", "kind")
    search_fields = ("title", "recipient__email", "recipient__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient__organisation",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Muted)
class MutedAdmin(admin.ModelAdmin):
    list_display = ("user", "group")
    list_filter = ("group",)
    list_select_related = ("user__organisation",)
