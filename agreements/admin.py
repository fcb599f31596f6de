from django.contrib import admin

from .models import Agreement, AgreementEvent, AgreementTemplate, TemplateClause


class TemplateClauseInline(admin.StackedInline):
    model = TemplateClause
    extra = 0


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "is_current", "created_at")
    inlines = [TemplateClauseInline]
    autocomplete_fields = ("created_by",)


class AgreementEventInline(admin.TabularInline):
    model = AgreementEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "by", "at", "comment")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    """Read-only here: the workflow lives in the portal, where every change is checked and logged."""

    list_display = ("title", "partnership", "status", "signed_at")
    list_select_related = ("partnership",)
    list_filter = ("status",)
    search_fields = ("title", "partnership__title")
    inlines = [AgreementEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
