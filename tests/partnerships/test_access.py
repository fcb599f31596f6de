"""Every partnership URL: 404 for a user of an unrelated organisation, 200 for the parties."""

import pytest
from django.urls import reverse

from tests.helpers import assert_outsider_gets_404

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(partnership, engagement, action, share):
    """(name, url, method) for every view that takes an object."""
    p, e, a, s = partnership.pk, engagement.pk, action.pk, share.pk
    return [
        ("partnership_detail", reverse("partnerships:partnership_detail", args=[p]), "get"),
        ("partnership_edit", reverse("partnerships:partnership_edit", args=[p]), "get"),
        ("partnership_edit", reverse("partnerships:partnership_edit", args=[p]), "post"),
        ("partnership_status", reverse("partnerships:partnership_status", args=[p]), "get"),
        ("partnership_status", reverse("partnerships:partnership_status", args=[p]), "post"),
        ("partnership_history", reverse("partnerships:partnership_history", args=[p]), "get"),
        ("engagement_create", reverse("partnerships:engagement_create", args=[p]), "get"),
        ("engagement_create", reverse("partnerships:engagement_create", args=[p]), "post"),
        ("engagement_detail", reverse("partnerships:engagement_detail", args=[e]), "get"),
        ("engagement_edit", reverse("partnerships:engagement_edit", args=[e]), "post"),
        ("engagement_delete", reverse("partnerships:engagement_delete", args=[e]), "get"),
        ("engagement_delete", reverse("partnerships:engagement_delete", args=[e]), "post"),
        ("action_create", reverse("partnerships:action_create", args=[p]), "post"),
        ("action_detail", reverse("partnerships:action_detail", args=[a]), "get"),
        ("action_edit", reverse("partnerships:action_edit", args=[a]), "post"),
        ("action_status", reverse("partnerships:action_status", args=[a]), "post"),
        ("share_create", reverse("partnerships:share_create", args=[p]), "get"),
        ("share_create", reverse("partnerships:share_create", args=[p]), "post"),
        ("share_detail", reverse("partnerships:share_detail", args=[s]), "get"),
        ("share_feedback", reverse("partnerships:share_feedback", args=[s]), "get"),
        ("share_feedback", reverse("partnerships:share_feedback", args=[s]), "post"),
    ]


def test_outsider_gets_404_on_every_partnership_url(client, urls, outsider, engagement, share):
    for _, url, method in urls:
        assert_outsider_gets_404(client, url, outsider, method, {"status": "done", "title": "x"})
    engagement.refresh_from_db()
    assert engagement.title == "Autumn strategic meeting"


def test_outsider_sees_none_of_it_in_lists(client, outsider, partnership, action, share):
    client.force_login(outsider)
    for name in ("partnership_list", "my_actions", "shares_awaiting_feedback"):
        response = client.get(reverse(f"partnerships:{name}"))
        assert response.status_code == 200
        assert partnership.title not in response.content.decode()
    export = b"".join(client.get(reverse("partnerships:partnership_export")).streaming_content).decode()
    assert partnership.title not in export


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "administrator"])
def test_parties_and_administrators_open_every_page(client, urls, personas, role):
    client.force_login(personas[role])
    for name, url, method in urls:
        if method != "get":
            continue
        if role == "administrator" and name == "share_create":
            continue  # administrators record no shares themselves (tested in test_sharing)
        if name == "share_feedback" and role != "police_liaison":
            continue  # only the receiving side gives feedback
        assert client.get(url).status_code == 200, f"{role} {name}"


def test_staff_member_sees_the_partnership_but_no_shares(client, staff_member, partnership, share):
    client.force_login(staff_member)
    response = client.get(partnership.get_absolute_url())
    assert response.status_code == 200
    assert "Information shared" not in response.content.decode()
    assert client.get(share.get_absolute_url()).status_code == 404
    assert client.get(reverse("partnerships:share_create", args=[partnership.pk])).status_code == 403
    listing = client.get(reverse("partnerships:shares_awaiting_feedback"))
    assert "Information shares are seen only by liaison officers" in listing.content.decode()


def test_staff_member_cannot_edit(client, staff_member, partnership):
    client.force_login(staff_member)
    assert client.get(reverse("partnerships:partnership_edit", args=[partnership.pk])).status_code == 403
    assert client.post(reverse("partnerships:engagement_create", args=[partnership.pk])).status_code == 403


def test_partner_organisations_become_visible_to_each_other(client, university_liaison, partnership, police_force):
    client.force_login(university_liaison)
    assert client.get(police_force.get_absolute_url()).status_code == 200
