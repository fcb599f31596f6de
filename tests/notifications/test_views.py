"""The bell, the list, opening a notification, marking all read, and the settings page."""

import pytest
from django.urls import reverse

from notifications import services
from notifications.kinds import Due
from notifications.models import Muted, Notification
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")
SETTINGS = reverse("notifications:settings")


def tell(user, count=1, kind="action_due", url="/actions/"):
    """Record ``count`` notifications for ``user`` as a sweep would."""
    start = Notification.objects.count()
    items = [
        Due(type("Obj", (), {"pk": start + n + 1})(), [user], "2026-11-21", f"Item {start + n}", url)
        for n in range(count)
    ]
    services.record(kind, items)
    return list(Notification.objects.filter(recipient=user).order_by("-pk")[:count])


def test_the_bell_shows_the_unread_count(client, university_liaison):
    tell(university_liaison, 3)
    client.force_login(university_liaison)

    page = client.get(reverse("portal:dashboard")).content.decode()

    assert 'aria-label="Notifications, 3 unread"' in page
    assert 'notification-count" aria-hidden="true">3<' in page


def test_the_bell_shows_no_count_when_everything_is_read(client, university_liaison):
    client.force_login(university_liaison)
    page = client.get(reverse("portal:dashboard")).content.decode()
    assert 'aria-label="Notifications"' in page and "notification-count" not in page


def test_the_list_shows_only_my_notifications_newest_first(client, university_liaison, police_liaison):
    tell(university_liaison, 2)
    tell(police_liaison, 1)
    client.force_login(university_liaison)

    page = client.get(LIST).content.decode()

    assert page.index("Item 1") < page.index("Item 0")
    assert "Item 2" not in page  # the police liaison's
    assert "2 unread." in page


def test_a_title_is_escaped(client, university_liaison):
    services.record(
        "action_due",
        [Due(type("Obj", (), {"pk": 1})(), [university_liaison], "2026-11-21", "<script>alert(1)</script>", "/")],
    )
    client.force_login(university_liaison)
    page = client.get(LIST).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, university_liaison):
    (note,) = tell(university_liaison, url="/actions/")
    client.force_login(university_liaison)

    response = client.get(reverse("notifications:open", args=[note.pk]))

    assert response.status_code == 302 and response["Location"] == "/actions/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_address_elsewhere_is_never_followed(client, university_liaison):
    (note,) = tell(university_liaison, url="//evil.example/")
    client.force_login(university_liaison)
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response["Location"] == LIST


def test_someone_elses_notification_is_a_404(client, university_liaison, outsider, police_liaison):
    (note,) = tell(university_liaison)
    assert_outsider_gets_404(client, reverse("notifications:open", args=[note.pk]), outsider)
    # Not even a colleague of another organisation who is party to the same partnership.
    assert_outsider_gets_404(client, reverse("notifications:open", args=[note.pk]), police_liaison)
    note.refresh_from_db()
    assert note.read_at is None


def test_a_turned_off_notification_is_not_listed(client, university_liaison):
    Muted.objects.create(user=university_liaison, group="actions")
    (note,) = tell(university_liaison)
    assert note.shown is False
    client.force_login(university_liaison)
    assert_outsider_gets_404(client, reverse("notifications:open", args=[note.pk]), university_liaison)


def test_mark_all_read_marks_only_mine(client, university_liaison, police_liaison):
    tell(university_liaison, 2)
    (theirs,) = tell(police_liaison)
    client.force_login(university_liaison)

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "Marked 2 notifications as read." in response.content.decode()
    assert not Notification.objects.filter(recipient=university_liaison, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_unread_tab_has_an_empty_state(client, university_liaison):
    client.force_login(university_liaison)
    assert "You have read everything." in client.get(LIST + "?show=unread").content.decode()
    assert "No notifications yet." in client.get(LIST).content.decode()


def test_the_list_runs_the_same_queries_with_1_and_200_notifications(client, university_liaison):
    tell(university_liaison, 1)
    client.force_login(university_liaison)
    assert_fixed_queries(client, LIST, lambda: tell(university_liaison, 200), budget=8)


def test_the_list_is_paginated(client, university_liaison):
    tell(university_liaison, 30)
    client.force_login(university_liaison)
    first = client.get(LIST).content.decode()
    second = client.get(LIST + "?page=2").content.decode()
    assert first.count('class="notification-title"') == 25 and second.count('class="notification-title"') == 5


def test_settings_turn_off_a_group_and_never_an_essential_one(client, staff_member):
    client.force_login(staff_member)
    page = client.get(SETTINGS).content.decode()
    assert 'name="training_bookings"' in page and "disabled" in page

    # Everything unticked, including (forged) the essential groups.
    response = client.post(SETTINGS, {}, follow=True)

    assert "Your notification settings are saved." in response.content.decode()
    muted = set(Muted.objects.filter(user=staff_member).values_list("group", flat=True))
    assert "actions" in muted and "training_feedback" in muted
    assert "training_bookings" not in muted and "agreement_signing" not in muted

    client.post(SETTINGS, {"actions": "on", "training_feedback": "on"})
    muted = set(Muted.objects.filter(user=staff_member).values_list("group", flat=True))
    assert "actions" not in muted and "training_feedback" not in muted


def test_pages_need_a_login(client):
    for url in (LIST, SETTINGS, reverse("notifications:open", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
