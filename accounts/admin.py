from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from .models import User


class PortalUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email", "first_name", "last_name", "organisation", "role")


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("username", "get_full_name", "email", "organisation", "role", "is_active", "last_login")
    list_filter = ("role", "organisation__kind", "is_active")
    list_select_related = ("organisation",)
    search_fields = ("username", "first_name", "last_name", "email", "organisation__name")
    autocomplete_fields = ("organisation",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "job_title")}),
        ("Organisation and role", {"fields": ("organisation", "role")}),
        (
            "Access",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups"), "classes": ("collapse",)},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "organisation",
                    "role",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
