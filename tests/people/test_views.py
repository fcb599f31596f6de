"""People pages: who may open them, and the public page that accepts an invitation."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from people import services
from people.models import Invitation
from tests import factories
from tests.helpers import assert_fixed_queries

NEW_PASSWORD = "a long and new passphrase"


def people_url(organisation):
    return reverse("people:organisation_people", args=[organisation.pk])


@pytest.fixture
def invitation_and_token(administrator, police_force, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            administrator, police_force, "new.officer@example.org", "Ngozi", "Okafor", Role.POLICE_LIAISON
        )
    token = re.search(r"/people/invitation/([^/\s]+)/", mail.outbox[-1].body).group(1)
    return invitation, token


def test_the_people_page_lists_people_and_invitations(
    client, university_liaison, staff_member, university, administrator
):
    services.invite(administrator, university, "waiting@example.org", "Wen", "Waiting", Role.STAFF)
    client.force_login(university_liaison)
    response = client.get(people_url(university))
    assert response.status_code == 200
    body = response.content.decode()
    assert staff_member.email in body and "waiting@example.org" in body and "Staff member" in body
    assert reverse("people:invite", args=[university.pk]) in body
    assert reverse("people:deactivate", args=[staff_member.pk]) in body
    assert reverse("people:deactivate", args=[university_liaison.pk]) not in body  # not oneself
    filtered = client.get(people_url(university), {"role": Role.UNIVERSITY_LIAISON, "status": "active", "q": "Priya"})
    assert staff_member.email not in filtered.content.decode()
    assert university_liaison.email in filtered.content.decode()


def test_the_organisation_page_and_the_menu_link_to_it(client, university_liaison, staff_member, university):
    client.force_login(university_liaison)
    body = client.get(reverse("partnerships:organisation_detail", args=[university.pk])).content.decode()
    assert body.count(people_url(university)) == 2  # the button and the user menu
    client.force_login(staff_member)
    body = client.get(reverse("partnerships:organisation_detail", args=[university.pk])).content.decode()
    assert people_url(university) not in body


def test_staff_outsiders_and_partners_get_404(
    client, university, staff_member, outsider, police_liaison, university_liaison
):
    urls = [
        people_url(university),
        reverse("people:invite", args=[university.pk]),
        reverse("people:change_role", args=[university_liaison.pk]),
        reverse("people:deactivate", args=[university_liaison.pk]),
    ]
    factories.PartnershipFactory(institution=university, police_force=police_liaison.organisation)
    for user in (staff_member, outsider, police_liaison):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
            if url != people_url(university):  # the list takes GET only (405 for POST, for anybody)
                assert client.post(url, {}).status_code == 404, (user, url)


def test_administrators_open_any_organisations_people(client, administrator, police_force, police_liaison):
    client.force_login(administrator)
    assert client.get(people_url(police_force)).status_code == 200


def test_a_liaison_officer_cannot_invite_an_administrator(client, university_liaison, university):
    client.force_login(university_liaison)
    response = client.post(
        reverse("people:invite", args=[university.pk]),
        {"first_name": "A", "last_name": "B", "email": "a@example.org", "role": Role.ADMINISTRATOR},
    )
    assert response.status_code == 200 and response.context["form"].errors["role"]
    assert not Invitation.objects.exists()


def test_inviting_through_the_form(client, university_liaison, university):
    client.force_login(university_liaison)
    response = client.post(
        reverse("people:invite", args=[university.pk]),
        {"first_name": "Ada", "last_name": "Byron", "email": "ada@example.org", "role": Role.STAFF},
    )
    assert response.status_code == 302 and response["Location"] == people_url(university)
    assert Invitation.objects.get(email="ada@example.org").invited_by == university_liaison


def test_a_liaison_officer_cannot_change_an_administrators_role(client, university):
    liaison = factories.UniversityLiaisonFactory(organisation=university)
    boss = factories.UserFactory(organisation=university, role=Role.ADMINISTRATOR)
    client.force_login(liaison)
    assert client.get(reverse("people:change_role", args=[boss.pk])).status_code == 403
    assert client.post(reverse("people:deactivate", args=[boss.pk])).status_code == 403


def test_deactivating_asks_first_then_refuses_the_last_liaison_officer(client, administrator, university_liaison):
    client.force_login(administrator)
    url = reverse("people:deactivate", args=[university_liaison.pk])
    assert "Deactivate" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "last active liaison officer" in response.content.decode()
    university_liaison.refresh_from_db()
    assert university_liaison.is_active


def test_withdrawing_and_resending_ask_first(client, administrator, invitation_and_token):
    invitation, _ = invitation_and_token
    client.force_login(administrator)
    for name in ("people:invitation_resend", "people:invitation_withdraw"):
        assert client.get(reverse(name, args=[invitation.pk])).status_code == 200
    client.post(reverse("people:invitation_withdraw", args=[invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.withdrawn_by == administrator


def test_accepting_signs_in_and_sends_to_two_factor_set_up(client, invitation_and_token):
    invitation, token = invitation_and_token
    url = reverse("people:accept", args=[token])
    page = client.get(url)
    assert page.status_code == 200 and "Northbridge Police" in page.content.decode()
    assert "Police liaison officer" in page.content.decode()
    mismatch = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 200 and mismatch.context["form"].errors["password_again"]
    response = client.post(url, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="new.officer@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    dashboard = client.get(response["Location"])
    assert dashboard.status_code == 302 and dashboard["Location"].startswith(reverse("two_factor_setup"))


@pytest.mark.parametrize("how", ["used", "expired", "withdrawn"])
def test_a_dead_link_gets_a_clear_410(client, how, invitation_and_token, administrator):
    invitation, token = invitation_and_token
    if how == "used":
        services.accept(token, NEW_PASSWORD)
    elif how == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    else:
        services.withdraw(invitation, by=administrator)
    for response in (
        client.get(reverse("people:accept", args=[token])),
        client.post(reverse("people:accept", args=[token]), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}),
    ):
        assert response.status_code == 410
        body = response.content.decode()
        assert "This invitation link no longer works" in body and how in body


def test_an_unknown_link_is_a_404_with_an_explanation(client, db):
    response = client.get(reverse("people:accept", args=["made-up"]))
    assert response.status_code == 404 and "ask the person who invited you" in response.content.decode()


def test_the_accept_page_is_rate_limited(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (3, 60)}
    statuses = [client.get(reverse("people:accept", args=[f"guess-{n}"])).status_code for n in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_a_signed_in_visitor_is_told_to_log_out_first(client, staff_member, invitation_and_token):
    _, token = invitation_and_token
    client.force_login(staff_member)
    response = client.get(reverse("people:accept", args=[token]))
    assert "log out first" in response.content.decode()
    assert not User.objects.filter(email="new.officer@example.org").exists()


def test_the_people_page_runs_the_same_queries_for_5_or_30_people(
    client, university_liaison, university, administrator
):
    factories.UserFactory.create_batch(4, organisation=university, role=Role.STAFF)
    services.invite(administrator, university, "first@example.org", "Fay", "First", Role.STAFF)
    client.force_login(university_liaison)

    def add_rows():
        factories.UserFactory.create_batch(25, organisation=university, role=Role.STAFF)
        for n in range(5):
            services.invite(administrator, university, f"more{n}@example.org", "Mo", f"More {n}", Role.STAFF)

    assert_fixed_queries(client, people_url(university), add_rows, budget=14)


def test_the_people_page_sorts_and_ignores_nonsense(client, university_liaison, university, staff_member):
    client.force_login(university_liaison)

    by_role = client.get(people_url(university), {"sort": "role"})
    nonsense = client.get(people_url(university), {"sort": "password", "role": "superuser", "page": "x"})

    assert by_role.status_code == nonsense.status_code == 200
    assert 'aria-sort="ascending"' in by_role.content.decode()
    assert staff_member.email in nonsense.content.decode()


def test_an_invitation_link_in_a_refused_request_is_not_logged(invitation_and_token):
    """A POST without its CSRF cookie is logged by Django and by the portal's security log, with
    the path: core/logging.py keeps the token out of every line the console handler writes."""
    import io
    import logging

    from django.test import Client

    from core.logging import RedactSecrets

    _, token = invitation_and_token
    (console,) = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecrets) for f in h.filters)]
    written = io.StringIO()
    previous = console.setStream(written)
    try:
        response = Client(enforce_csrf_checks=True).post(reverse("people:accept", args=[token]), {})
    finally:
        console.setStream(previous)

    assert response.status_code == 403
    logged = written.getvalue()
    assert "/people/invitation/…" in logged
    assert token not in logged


def test_signing_in_after_accepting_records_no_token(client, invitation_and_token):
    from axes.models import AccessLog

    _, token = invitation_and_token
    response = client.post(
        reverse("people:accept", args=[token]), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )

    assert response.status_code == 302
    paths = list(AccessLog.objects.values_list("path_info", flat=True))
    assert paths and not any(token in path for path in paths)


def test_invitations_come_in_pages_of_their_own(client, university_liaison, university, administrator):
    for n in range(27):
        services.invite(administrator, university, f"invitee{n}@example.org", "In", f"Vitee {n:02}", Role.STAFF)
    client.force_login(university_liaison)
    first = client.get(people_url(university)).content.decode()
    assert first.count("<td>invitee") == 25
    assert 'aria-label="Pages of invitations"' in first and "invitations_page=2" in first
    second = client.get(people_url(university), {"invitations_page": 2}).content.decode()
    assert second.count("<td>invitee") == 2
    assert "<td>invitee0@example.org</td>" in second and "<td>invitee26@example.org</td>" not in second  # newest first
    # The people list keeps its own first page.
    assert university_liaison.email in second
