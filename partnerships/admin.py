from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import Action, Contact, Engagement, InformationShare, Organisation, Partnership, Unit


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    # A website typed without a scheme is https, as on the portal's own form (and Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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
    # Status, consent and the agencies taking part change only through the portal's services
    # (partnerships/services.py), which ask the other side: the admin cannot skip consent.
    readonly_fields = ("status", "other_agencies")
    autocomplete_fields = (
        "institution",
        "police_force",
        "institution_sponsor",
        "institution_contact",
        "institution_deputy",
        "police_sponsor",
        "police_contact",
        "police_deputy",
        "created_by",
    )


@admin.register(Engagement)
class EngagementAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "kind", "date")
    list_select_related = ("partnership",)
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")
    autocomplete_fields = ("partnership", "attendees", "created_by")


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("title", "partnership", "owner", "due_date", "status")
    list_select_related = ("partnership", "owner")
    list_filter = ("status",)
    search_fields = ("title", "partnership__title")
    autocomplete_fields = ("partnership", "engagement", "owner", "created_by")


@admin.register(InformationShare)
class InformationShareAdmin(admin.ModelAdmin):
    """Administrators can see that shares exist; the free text stays in the portal's logged view.

    Read-only: a share changes only through partnerships/services.py. Deleting one here would
    leave its text in its history rows, out of the retention sweep's reach, and delete its view
    log; changing one could move it to another partnership. Without delete permission here, the
    admin also refuses to delete anything that would take shares with it (a partnership).
    """

    list_display = ("__str__", "partnership", "outcome", "retain_until", "erased_at")
    list_select_related = ("partnership",)
    list_filter = ("direction", "category", "outcome")
    search_fields = ("partnership__title",)
    exclude = tuple(services.ERASED_FIELDS)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
