"""Training in the admin site: administrators can look things up, but not change them there."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_administrator_sees_sessions_courses_and_bookings(client, administrator, session):
    client.force_login(administrator)
    for name in ("session", "course", "booking"):
        response = client.get(reverse(f"admin:training_{name}_changelist"))
        assert response.status_code == 200, name
    response = client.get(reverse("admin:training_session_changelist"))
    assert session.course.title in response.text
    response = client.get(reverse("admin:training_session_change", args=[session.pk]))
    assert response.status_code == 200
    assert 'name="capacity"' not in response.text  # read-only: no inputs


def test_nothing_can_be_added_changed_or_deleted_there(client, administrator, session):
    client.force_login(administrator)
    assert client.get(reverse("admin:training_session_add")).status_code == 403
    response = client.post(
        reverse("admin:training_session_change", args=[session.pk]), {"capacity": 500, "venue": "Elsewhere"}
    )
    assert response.status_code == 403
    assert client.post(reverse("admin:training_session_delete", args=[session.pk]), {"post": "yes"}).status_code == 403
    session.refresh_from_db()
    assert (session.capacity, session.venue) == (5, "Senate House, Room 2")


def test_other_roles_are_kept_out(client, university_liaison, session):
    client.force_login(university_liaison)
    response = client.get(reverse("admin:training_session_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
