"""Training in the admin site: to look things up, not to change them.

Courses, sessions and bookings change through the portal's pages, which keep the waitlist in
order and tell attendees (a session cancelled here would tell nobody), so the admin shows them
read-only.
"""

from django.contrib import admin
from django.db import models

from .models import Booking, Course, Session


class ReadOnlyAdmin(admin.ModelAdmin):
    # A link typed without a scheme is https, as on the portal's own forms (and Django 6's default).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "provider", "provider_unit", "refresher_months")
    list_select_related = ("provider", "provider_unit")
    search_fields = ("title", "provider__name")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("course", "starts_at", "status", "capacity", "offered_to")
    list_select_related = ("course", "offered_to")
    list_filter = ("status",)
    date_hierarchy = "starts_at"
    search_fields = ("course__title", "course__provider__name")


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("attendee", "session", "status", "created_at")
    list_select_related = ("attendee", "session__course")
    list_filter = ("status",)
    search_fields = ("attendee__username", "attendee__last_name", "session__course__title")
