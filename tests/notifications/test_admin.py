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
