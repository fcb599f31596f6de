from django.contrib import admin

from .models import Contact, Organisation, Unit


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
