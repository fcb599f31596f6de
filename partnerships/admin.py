from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Action, Contact, Engagement, InformationShare, Organisation, Partnership, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "active")
    list_filter = ("kind", "region", "active")
    search_fields = ("name",)
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_select_related = ("organisation",)
    search_fields = ("name", "organisation__name")
    autocomplete_fields = ("organisation",)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "job_title", "organisation", "unit", "email")
    list_select_related = ("organisation", "unit")
    list_filter = ("organisation__kind",)
    search_fields = ("name", "email", "organisation__name")
    autocomplete_fields = ("organisation", "unit", "user")


@admin.register(Partnership)
class PartnershipAdmin(SimpleHistoryAdmin):
    list_display = ("title", "institution", "police_force", "status", "next_review_date")
    list_select_related = ("institution", "police_force")
    list_filter = ("status",)
    search_fields = ("title", "institution__name", "police_force__name")
    autocomplete_fields = (
        "institution",
        "police_force",
        "other_agencies",
        "institution_sponsor",
        "institution_contact",
        "police_sponsor",
        "police_contact",
    )


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "kind", "date")
    list_select_related = ("partnership",)
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")
    autocomplete_fields = ("partnership", "attendees")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "owner", "due_date", "status")
    list_select_related = ("partnership", "owner")
    list_filter = ("status",)
    search_fields = ("title", "partnership__title")
    autocomplete_fields = ("partnership", "engagement", "owner")


@admin.register(InformationShare)
class InformationShareAdmin(admin.ModelAdmin):
    """Administrators can see that shares exist; the free text stays in the portal's logged view."""

    list_display = ("__str__", "partnership", "outcome", "retain_until", "erased_at")
    list_select_related = ("partnership",)
    list_filter = ("direction", "category", "outcome")
    search_fields = ("partnership__title",)
    exclude = ("summary", "outcome_note")
    readonly_fields = ("retain_until", "erased_at")

    def has_add_permission(self, request):
        return False
