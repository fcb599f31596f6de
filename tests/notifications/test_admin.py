"""The Administration area names things in words, not in code (issue: "Muteds", "OTP_STATIC")."""

from django.urls import reverse

from notifications.models import Muted
from notifications.services import notify


def test_the_admin_index_uses_readable_names(client, administrator):
    client.force_login(administrator)

    body = client.get(reverse("admin:index")).content.decode()

    assert "Two-factor: recovery codes" in body and "Two-factor: authenticator apps" in body
    assert "Reminder groups turned off" in body
    assert "OTP_STATIC" not in body and "Otp_Static" not in body and "Muteds" not in body


def test_the_sent_log_and_the_turned_off_groups_show_labels(client, administrator, action, university_liaison):
    notify("action_overdue", action, [university_liaison], title="Overdue", url="/actions/")
    Muted.objects.create(user=university_liaison, group="actions")
    client.force_login(administrator)

    sent = client.get(reverse("admin:notifications_notification_changelist")).content.decode()
    muted = client.get(reverse("admin:notifications_muted_changelist")).content.decode()

    assert "Actions: action overdue" in sent
    assert '<td class="field-group_label">Actions</td>' in muted


def test_no_admin_form_lists_every_user_in_a_select():
    """A field that points at users is a search (autocomplete) or a raw id, never a <select> of
    every account: on a national data set such a form took over 16 seconds to render."""
    from django.contrib import admin
    from django.contrib.auth import get_user_model

    User = get_user_model()
    problems = []
    for model, model_admin in admin.site._registry.items():
        widgets = set(model_admin.autocomplete_fields) | set(model_admin.raw_id_fields)
        readonly = set(model_admin.readonly_fields) if isinstance(model_admin.readonly_fields, (list, tuple)) else set()
        if not model_admin.has_change_permission(_superuser_request()) and not model_admin.has_add_permission(
            _superuser_request()
        ):
            continue
        for field in model._meta.get_fields():
            if not (field.is_relation and field.related_model is User and field.editable and not field.auto_created):
                continue
            if field.name not in widgets and field.name not in readonly:
                problems.append(f"{model.__name__}.{field.name}")
    assert not problems, "admin forms with a <select> of every user: " + ", ".join(sorted(problems))


def _superuser_request():
    from types import SimpleNamespace

    return SimpleNamespace(user=SimpleNamespace(is_active=True, is_superuser=True, has_perm=lambda *a, **k: True))
