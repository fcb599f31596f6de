"""The sent-log in Django admin: read-only, for seeing what was sent, to whom, and why not."""

from django.contrib import admin

from .kinds import GROUPS, KINDS
from .models import Muted, Notification


def kind_label(key: str) -> str:
    """A kind as people read it: its group, then the kind in words ("Actions: action overdue")."""
    kind = KINDS.get(key)
    words = key.replace("_", " ")
    return f"{kind.group.label}: {words}" if kind else words


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "what", "recipient", "occasion", "delivery", "attempts", "created_at", "sent_at")
    list_filter = ("delivery", "kind")
    search_fields = ("title", "recipient__email", "recipient__last_name")
    date_hierarchy = "created_at"
    list_select_related = ("recipient__organisation",)
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="kind", ordering="kind")
    def what(self, note):
        return kind_label(note.kind)


@admin.register(Muted)
class MutedAdmin(admin.ModelAdmin):
    list_display = ("user", "group_label")
    list_filter = ("group",)
    list_select_related = ("user__organisation",)
    autocomplete_fields = ("user",)

    @admin.display(description="reminder group", ordering="group")
    def group_label(self, muted):
        group = GROUPS.get(muted.group)
        return group.label if group else muted.group
