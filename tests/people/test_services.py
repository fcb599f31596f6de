"""Invitations and changes to an organisation's people: the rules the services own."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from people import permissions, services
from people.models import ChangeKind, Invitation, PersonChange, hash_token
from tests import factories

NEW_PASSWORD = "a long and new passphrase"


def _token(message) -> str:
    return re.search(r"/people/invitation/([^/\s]+)/", message.body).group(1)


@pytest.fixture
def invited(administrator, police_force, django_capture_on_commit_callbacks):
    """An administrator's invitation to a police liaison officer, and its token from the email."""
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invite(
            administrator, police_force, "Sam.Patel@Example.org", "Sam", "Patel", Role.POLICE_LIAISON
        )
    return invitation, _token(mail.outbox[-1])


# --- Inviting ---------------------------------------------------------------------------------


def test_the_token_is_stored_only_as_its_hash_and_emailed_once(invited, settings):
    invitation, token = invited
    invitation.refresh_from_db()
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=invitation.pk).values().get())
    assert len(token) >= 40
    message = mail.outbox[-1]
    assert message.to == ["Sam.Patel@example.org"]
    assert "Morgan" in message.subject
    assert "Northbridge Police" in message.body and "police liaison officer" in message.body
    assert invitation.expires_at.strftime("%-d %B %Y") in message.body
    html = message.alternatives[0][0]
    assert 'class="button"' in html and f"/people/invitation/{token}/" in html
    assert invitation.expires_at - invitation.created_at == timedelta(days=settings.INVITATION_DAYS)
    assert PersonChange.objects.get(invitation=invitation).kind == ChangeKind.INVITED


def test_the_expiry_follows_the_setting(administrator, university, settings):
    settings.INVITATION_DAYS = 2
    invitation = services.invite(administrator, university, "a@example.org", "A", "B", Role.STAFF)
    assert invitation.expires_at - invitation.last_sent_at == timedelta(days=2)


def test_the_token_never_reaches_the_logs(administrator, university, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(administrator, university, "logs@example.org", "Lee", "Logs", Role.STAFF)
    token = _token(mail.outbox[-1])
    assert token not in caplog.text


def test_one_open_invitation_per_address_whatever_its_case(invited, administrator, police_force):
    with pytest.raises(ValidationError) as error:
        services.invite(administrator, police_force, "SAM.PATEL@example.org", "Sam", "Patel", Role.POLICE_LIAISON)
    assert "email" in error.value.error_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(
            email="sam.patel@EXAMPLE.org",
            first_name="S",
            last_name="P",
            organisation=police_force,
            role=Role.POLICE_LIAISON,
            invited_by=administrator,
            expires_at=timezone.now(),
            last_sent_at=timezone.now(),
            token_hash="x" * 64,
        )


def test_an_expired_invitation_gives_way_to_a_new_one(invited, administrator, police_force):
    invitation, _ = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    again = services.invite(administrator, police_force, "sam.patel@example.org", "Sam", "Patel", Role.POLICE_LIAISON)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None and again.pk != invitation.pk


def test_an_address_with_an_account_is_refused(administrator, university, staff_member):
    with pytest.raises(ValidationError) as error:
        services.invite(administrator, university, staff_member.email.upper(), "H", "M", Role.STAFF)
    assert "already" in str(error.value.error_dict["email"])


def test_the_role_must_fit_the_organisation(administrator, university, police_force):
    with pytest.raises(ValidationError) as error:
        services.invite(administrator, university, "x@example.org", "X", "Y", Role.POLICE_LIAISON)
    assert "role" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.invite(administrator, police_force, "x@example.org", "X", "Y", Role.STAFF)
    with pytest.raises(ValidationError):
        services.invite(administrator, police_force, "x@example.org", "X", "Y", Role.UNIVERSITY_LIAISON)


def test_administrators_invite_anyone_anywhere_in_any_fitting_role(administrator, university, police_force):
    assert set(permissions.grantable_roles(administrator, university)) == {
        Role.STAFF,
        Role.UNIVERSITY_LIAISON,
        Role.SENIOR_SPONSOR,
        Role.ADMINISTRATOR,
    }
    assert set(permissions.grantable_roles(administrator, police_force)) == {
        Role.POLICE_LIAISON,
        Role.SENIOR_SPONSOR,
        Role.ADMINISTRATOR,
    }
    council = factories.OrganisationFactory(kind="local_authority")
    assert set(permissions.grantable_roles(administrator, council)) == {
        Role.STAFF,
        Role.UNIVERSITY_LIAISON,
        Role.AGENCY_LIAISON,
        Role.SENIOR_SPONSOR,
        Role.ADMINISTRATOR,
    }
    services.invite(administrator, university, "new.admin@example.org", "New", "Admin", Role.ADMINISTRATOR)
    services.invite(administrator, police_force, "chief@example.org", "Chief", "Constable", Role.SENIOR_SPONSOR)


def test_only_administrators_make_senior_sponsors_and_agency_officers_invite_their_own(university_liaison, university):
    assert Role.SENIOR_SPONSOR not in permissions.grantable_roles(university_liaison, university)
    council = factories.OrganisationFactory(kind="local_authority")
    officer = factories.UserFactory(organisation=council, role=Role.AGENCY_LIAISON)
    assert set(permissions.grantable_roles(officer, council)) == {
        Role.STAFF,
        Role.UNIVERSITY_LIAISON,
        Role.AGENCY_LIAISON,
    }
    services.invite(officer, council, "colleague@council.example", "Col", "League", Role.AGENCY_LIAISON)
    assert permissions.grantable_roles(officer, university) == []


def test_a_liaison_officer_invites_only_colleagues_of_their_own_organisation(
    university_liaison, police_liaison, university, police_force
):
    assert set(permissions.grantable_roles(university_liaison, university)) == {Role.STAFF, Role.UNIVERSITY_LIAISON}
    assert permissions.grantable_roles(police_liaison, police_force) == [Role.POLICE_LIAISON]
    services.invite(university_liaison, university, "colleague@example.org", "Col", "League", Role.STAFF)
    with pytest.raises(ValidationError) as error:
        services.invite(university_liaison, university, "boss@example.org", "B", "A", Role.ADMINISTRATOR)
    assert "role" in error.value.error_dict
    for organisation in (police_force, factories.OrganisationFactory()):
        with pytest.raises(ValidationError):
            services.invite(university_liaison, organisation, "other@example.org", "O", "T", Role.STAFF)
    assert not Invitation.objects.filter(email__in=["boss@example.org", "other@example.org"]).exists()


def test_staff_members_invite_nobody(staff_member, university):
    assert not permissions.can_invite(staff_member, university)
    with pytest.raises(ValidationError):
        services.invite(staff_member, university, "x@example.org", "X", "Y", Role.STAFF)


# --- Accepting --------------------------------------------------------------------------------


def test_accepting_creates_the_account_once(invited, police_force):
    invitation, token = invited
    user = services.accept(token, NEW_PASSWORD)
    assert (user.organisation, user.role, user.first_name, user.last_name) == (
        police_force,
        Role.POLICE_LIAISON,
        "Sam",
        "Patel",
    )
    assert user.username == "sam.patel" and user.check_password(NEW_PASSWORD) and user.is_active
    invitation.refresh_from_db()
    assert invitation.user == user and invitation.accepted_at
    with pytest.raises(ValidationError) as error:
        services.accept(token, NEW_PASSWORD)
    assert error.value.code == "used"
    assert User.objects.filter(email__iexact="sam.patel@example.org").count() == 1


def test_the_username_is_unique(invited):
    factories.UserFactory(username="sam.patel")
    _, token = invited
    assert services.accept(token, NEW_PASSWORD).username == "sam.patel2"


def test_a_weak_password_is_refused_and_the_link_still_works(invited):
    _, token = invited
    for weak in ("short", "password1234", "Sam.Patel@example.org"):
        with pytest.raises(ValidationError) as error:
            services.accept(token, weak)
        assert "password" in error.value.error_dict
    assert services.open_invitation(token)


def test_an_expired_link_is_refused(invited):
    invitation, token = invited
    with time_machine.travel(invitation.expires_at + timedelta(seconds=1)), pytest.raises(ValidationError) as error:
        services.accept(token, NEW_PASSWORD)
    assert error.value.code == "expired" and "Morgan" in error.value.message
    assert not User.objects.filter(email__iexact=invitation.email).exists()


def test_a_withdrawn_link_is_refused(invited, administrator):
    invitation, token = invited
    services.withdraw(invitation, by=administrator)
    with pytest.raises(ValidationError) as error:
        services.accept(token, NEW_PASSWORD)
    assert error.value.code == "withdrawn"


def test_an_unknown_token_is_refused(db):
    with pytest.raises(ValidationError) as error:
        services.accept("not-a-token", NEW_PASSWORD)
    assert error.value.code == "unknown"


def test_sending_again_makes_a_new_link_and_expiry(invited, administrator, django_capture_on_commit_callbacks):
    invitation, old_token = invited
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(days=1), last_sent_at=timezone.now() - timedelta(days=8)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(invitation, by=administrator)
    new_token = _token(mail.outbox[-1])
    assert new_token != old_token
    invitation.refresh_from_db()
    assert invitation.token_hash == hash_token(new_token) and not invitation.is_expired
    with pytest.raises(ValidationError):
        services.accept(old_token, NEW_PASSWORD)
    assert services.accept(new_token, NEW_PASSWORD)
    with pytest.raises(ValidationError):
        services.resend(invitation, by=administrator)


def test_a_liaison_officer_cannot_touch_another_organisations_invitation(invited, university_liaison):
    invitation, _ = invited
    with pytest.raises(ValidationError):
        services.withdraw(invitation, by=university_liaison)
    with pytest.raises(ValidationError):
        services.resend(invitation, by=university_liaison)


# --- Roles and deactivation -------------------------------------------------------------------


def test_changing_a_role_is_recorded(university_liaison, staff_member):
    services.change_role(staff_member, Role.UNIVERSITY_LIAISON, by=university_liaison)
    staff_member.refresh_from_db()
    assert staff_member.role == Role.UNIVERSITY_LIAISON
    change = PersonChange.objects.get(person=staff_member, kind=ChangeKind.ROLE_CHANGED)
    assert change.by == university_liaison and "staff member to university liaison officer" in change.detail


def test_a_liaison_officer_grants_no_administrator_role_and_no_other_organisation(
    university_liaison, staff_member, police_liaison
):
    with pytest.raises(ValidationError):
        services.change_role(staff_member, Role.ADMINISTRATOR, by=university_liaison)
    with pytest.raises(ValidationError):
        services.change_role(police_liaison, Role.POLICE_LIAISON, by=university_liaison)
    with pytest.raises(ValidationError):
        services.change_role(university_liaison, Role.STAFF, by=university_liaison)


def test_a_liaison_officer_cannot_change_an_administrator(university):
    liaison = factories.UniversityLiaisonFactory(organisation=university)
    admin_here = factories.UserFactory(organisation=university, role=Role.ADMINISTRATOR)
    assert not permissions.can_manage_person(liaison, admin_here)
    with pytest.raises(ValidationError):
        services.deactivate(admin_here, by=liaison)


def test_deactivating_keeps_the_history_and_stops_sign_in(client, university_liaison, staff_member):
    services.deactivate(staff_member, by=university_liaison)
    staff_member.refresh_from_db()
    assert not staff_member.is_active and User.objects.filter(pk=staff_member.pk).exists()
    response = client.post(reverse("login"), {"username": staff_member.username, "password": factories.PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert PersonChange.objects.filter(person=staff_member, kind=ChangeKind.DEACTIVATED).exists()
    services.reactivate(staff_member, by=university_liaison)
    response = client.post(reverse("login"), {"username": staff_member.username, "password": factories.PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_nobody_deactivates_themselves(administrator, university_liaison):
    for user in (administrator, university_liaison):
        with pytest.raises(ValidationError):
            services.deactivate(user, by=user)


def test_the_last_active_liaison_officer_stays(administrator, university_liaison, staff_member):
    with pytest.raises(ValidationError) as error:
        services.deactivate(university_liaison, by=administrator)
    assert "last active liaison officer" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.change_role(university_liaison, Role.STAFF, by=administrator)
    services.change_role(staff_member, Role.UNIVERSITY_LIAISON, by=administrator)
    services.deactivate(university_liaison, by=administrator)


# --- Review: what an attacker tried ----------------------------------------------------------


def test_an_invitation_is_sent_again_at_most_every_five_minutes(invited, administrator):
    invitation, _ = invited
    with pytest.raises(ValidationError, match="Emails can take a few minutes"):
        services.resend(invitation, by=administrator)
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now() - timedelta(minutes=6))
    services.resend(invitation, by=administrator)


def test_a_link_sent_again_while_the_old_one_is_being_accepted_does_not_let_the_old_one_in(
    invited, administrator, monkeypatch
):
    invitation, old_token = invited
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now() - timedelta(minutes=6))
    looked_up = Invitation.objects.for_token

    def resend_in_between(token):
        found = looked_up(token)
        services.resend(invitation, by=administrator)  # a new hash lands before the row is locked
        return found

    monkeypatch.setattr(Invitation.objects, "for_token", resend_in_between)
    with pytest.raises(ValidationError) as refused:
        services.accept(old_token, NEW_PASSWORD)
    assert refused.value.code == "unknown"
    assert not User.objects.filter(email__iexact=invitation.email).exists()


def test_an_invitation_dies_with_its_inviters_right_to_send_it(university_liaison, university, administrator):
    invitation = services.invite(university_liaison, university, "crony@example.org", "Cal", "Crony", Role.STAFF)
    token = "t" * 43
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    factories.UserFactory(organisation=university, role=Role.UNIVERSITY_LIAISON)  # so the inviter can go
    services.deactivate(university_liaison, by=administrator)

    with pytest.raises(ValidationError, match="can no longer invite people"):
        services.accept(token, NEW_PASSWORD)
    assert not User.objects.filter(email="crony@example.org").exists()


def test_a_demoted_administrator_keeps_none_of_an_administrators_rights(administrator):
    other = factories.AdministratorFactory(organisation=administrator.organisation)
    assert other.is_superuser and other.is_administrator

    services.change_role(other, Role.STAFF, by=administrator)

    other.refresh_from_db()
    assert other.role == Role.STAFF
    assert not other.is_superuser and not other.is_staff and not other.is_administrator


def test_a_liaison_officer_cannot_withdraw_another_organisations_expired_invitation(
    invited, university_liaison, university
):
    invitation, _ = invited
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=1))

    with pytest.raises(ValidationError, match="invitation from another organisation"):
        services.invite(university_liaison, university, invitation.email, "Sam", "Patel", Role.STAFF)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is None
    assert not PersonChange.objects.filter(organisation=invitation.organisation, by=university_liaison).exists()


def test_deactivating_releases_places_on_upcoming_training_to_the_waitlist(
    administrator, university, session, staff_member
):
    """Their place goes to the first waiting; the booking stays, cancelled, as history."""
    from training import services as training_services
    from training.models import BookingStatus

    session.capacity = 1
    session.save()
    held = training_services.book(session, staff_member, by=staff_member)
    waiting_person = factories.UserFactory(organisation=university, username="waiting")
    waiting = training_services.book(session, waiting_person, by=waiting_person)
    assert (held.status, waiting.status) == (BookingStatus.BOOKED, BookingStatus.WAITLISTED)

    services.deactivate(staff_member, administrator)

    held.refresh_from_db()
    waiting.refresh_from_db()
    assert held.status == BookingStatus.CANCELLED
    assert waiting.status == BookingStatus.BOOKED
