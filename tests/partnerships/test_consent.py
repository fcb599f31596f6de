"""Partnerships by consent: a proposal opens nothing of the other side and records nothing until
the other side accepts; a declined proposal ends; other agencies take part only once they accept."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from notifications.models import Notification
from partnerships import services
from partnerships.models import AgencyInvitation, Engagement, Partnership, PartnershipStatus
from tests import factories
from tests.helpers import sent_mail
from training.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def eastmoor_liaison():
    eastmoor = factories.OrganisationFactory(name="Eastmoor University")
    return factories.UniversityLiaisonFactory(username="eastmoor.liaison", organisation=eastmoor)


@pytest.fixture
def force_directory(police_force):
    """What the force keeps about itself: a unit, a contact with an email and phone, a course."""
    unit = factories.UnitFactory(organisation=police_force, name="Rape and Serious Crime Unit")
    contact = factories.ContactFactory(
        organisation=police_force, unit=unit, name="DS Ruth Adeyemi", email="ruth.adeyemi@police.example", phone="0161"
    )
    course = Course.objects.create(provider=police_force, title="Sexual assault awareness", duration_minutes=120)
    return {"unit": unit, "contact": contact, "course": course}


def propose(client, user, police_force, **extra):
    client.force_login(user)
    data = {"title": "Eastmoor and Northbridge", "institution": user.organisation_id, "police_force": police_force.pk}
    response = client.post(reverse("partnerships:partnership_create"), {**data, **extra})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Partnership.objects.get(title="Eastmoor and Northbridge")


def test_proposing_to_a_force_opens_none_of_its_contacts_units_or_courses(
    client, eastmoor_liaison, police_force, force_directory
):
    partnership = propose(client, eastmoor_liaison, police_force)

    assert partnership.status == PartnershipStatus.PROPOSED
    assert partnership.institution_accepted_by == eastmoor_liaison and partnership.police_accepted_at is None
    assert client.get(reverse("partnerships:organisation_detail", args=[police_force.pk])).status_code == 404
    assert client.get(reverse("partnerships:contact_edit", args=[force_directory["contact"].pk])).status_code == 404
    assert client.get(reverse("partnerships:unit_edit", args=[force_directory["unit"].pk])).status_code == 404
    assert not Course.objects.visible_to(eastmoor_liaison).exists()
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert "Northbridge Police" in page  # the public name, nothing more
    assert "ruth.adeyemi@police.example" not in page and "DS Ruth Adeyemi" not in page
    assert reverse("partnerships:organisation_detail", args=[police_force.pk]) not in page
    assert "waiting for Northbridge Police to accept" in page


def test_nothing_can_be_recorded_until_the_other_side_accepts(client, eastmoor_liaison, police_force):
    partnership = propose(client, eastmoor_liaison, police_force)
    for name in ("engagement_create", "action_create", "share_create"):
        url = reverse(f"partnerships:{name}", args=[partnership.pk])
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert client.get(reverse("agreements:create", args=[partnership.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.save_engagement(
            Engagement(partnership=partnership, kind="strategic_meeting", title="x", date="2026-11-01"),
            by=eastmoor_liaison,
            attendees=[],
        )
    # Moving it on needs both sides; the proposer may only withdraw it.
    with pytest.raises(ValidationError):
        services.change_status(partnership, PartnershipStatus.ACTIVE, by=eastmoor_liaison)
    refused = client.post(reverse("partnerships:partnership_status", args=[partnership.pk]), {"status": "active"})
    assert refused.status_code == 200 and Partnership.objects.get(pk=partnership.pk).status == "proposed"


def test_the_force_is_told_and_accepts_then_both_sides_can_work(
    client, eastmoor_liaison, police_force, police_liaison, force_directory
):
    partnership = propose(client, eastmoor_liaison, police_force)
    note = Notification.objects.get(kind="partnership_proposed", recipient=police_liaison)
    assert note.url == partnership.get_absolute_url()
    assert [message.subject for message in sent_mail()] == ["Partnership proposed: Eastmoor and Northbridge"]

    client.force_login(police_liaison)
    dashboard = client.get(reverse("portal:dashboard")).content.decode()
    assert "Waiting for your organisation's answer" in dashboard and "Eastmoor and Northbridge" in dashboard
    answer = reverse("partnerships:partnership_answer", args=[partnership.pk])
    assert client.get(answer).status_code == 200
    assert client.post(answer, {"decision": "accept"}).status_code == 302

    partnership.refresh_from_db()
    assert partnership.is_accepted and partnership.police_accepted_by == police_liaison
    assert Notification.objects.filter(kind="partnership_accepted", recipient=eastmoor_liaison).exists()
    client.force_login(eastmoor_liaison)
    assert client.get(reverse("partnerships:organisation_detail", args=[police_force.pk])).status_code == 200
    assert Course.objects.visible_to(eastmoor_liaison).filter(pk=force_directory["course"].pk).exists()
    assert client.get(reverse("partnerships:engagement_create", args=[partnership.pk])).status_code == 200
    active = client.post(reverse("partnerships:partnership_status", args=[partnership.pk]), {"status": "active"})
    assert active.status_code == 302


def test_declining_needs_a_reason_and_ends_the_proposal(client, eastmoor_liaison, police_force, police_liaison):
    partnership = propose(client, eastmoor_liaison, police_force)
    client.force_login(police_liaison)
    answer = reverse("partnerships:partnership_answer", args=[partnership.pk])

    no_reason = client.post(answer, {"decision": "decline", "reason": "  "})
    assert "Say why you are declining" in no_reason.content.decode()
    assert client.post(answer, {"decision": "decline", "reason": "We already work with Eastmoor"}).status_code == 302

    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ENDED and partnership.declined_by == police_liaison
    assert partnership.decline_reason == "We already work with Eastmoor" and not partnership.is_accepted
    assert Notification.objects.filter(kind="partnership_declined", recipient=eastmoor_liaison).exists()
    assert client.post(answer, {"decision": "accept"}).status_code == 403  # a declined proposal stays ended
    client.force_login(eastmoor_liaison)
    assert client.get(reverse("partnerships:organisation_detail", args=[police_force.pk])).status_code == 404


def test_only_the_invited_side_answers(client, eastmoor_liaison, police_force, police_liaison, outsider):
    partnership = propose(client, eastmoor_liaison, police_force)
    answer = reverse("partnerships:partnership_answer", args=[partnership.pk])
    assert client.post(answer, {"decision": "accept"}).status_code == 403  # the proposer
    client.force_login(outsider)
    assert client.post(answer, {"decision": "accept"}).status_code == 404
    with pytest.raises(ValidationError):
        services.answer_proposal(partnership, by=eastmoor_liaison, accept=True)
    assert Partnership.objects.get(pk=partnership.pk).police_accepted_at is None


def test_an_administrators_proposal_waits_for_both_sides(administrator, university, police_force):
    partnership = services.create_partnership(
        Partnership(title="Set up by the service", institution=university, police_force=police_force), by=administrator
    )
    assert partnership.institution_accepted_at is None and partnership.police_accepted_at is None
    assert {o.pk for o in partnership.awaiting_organisations} == {university.pk, police_force.pk}


def test_an_agency_invited_to_an_accepted_partnership_opens_nothing_until_it_accepts(
    client, eastmoor_liaison, police_force, police_liaison
):
    council = factories.OrganisationFactory(name="Eastmoor Borough Council", kind="local_authority")
    council_officer = factories.UniversityLiaisonFactory(organisation=council, username="council.liaison")
    factories.ContactFactory(organisation=council, name="Cllr Jo Bright", email="jo.bright@council.example")
    partnership = propose(client, eastmoor_liaison, police_force)
    client.force_login(police_liaison)
    client.post(reverse("partnerships:partnership_answer", args=[partnership.pk]), {"decision": "accept"})
    partnership.refresh_from_db()
    services.update_partnership(partnership, by=eastmoor_liaison, agencies=[council])

    assert list(partnership.other_agencies.all()) == []
    invitation = AgencyInvitation.objects.get(partnership=partnership, organisation=council)
    client.force_login(eastmoor_liaison)
    assert client.get(reverse("partnerships:organisation_detail", args=[council.pk])).status_code == 404
    assert Notification.objects.filter(kind="agency_invited", recipient=council_officer).exists()

    client.force_login(council_officer)
    assert client.get(partnership.get_absolute_url()).status_code == 404  # not a party yet
    page = client.get(invitation.get_absolute_url())
    assert page.status_code == 200 and "Eastmoor and Northbridge" in page.content.decode()
    assert client.post(invitation.get_absolute_url(), {"decision": "accept"}).status_code == 302
    assert list(partnership.other_agencies.all()) == [council]
    assert client.get(partnership.get_absolute_url()).status_code == 200
    client.force_login(eastmoor_liaison)
    assert client.get(reverse("partnerships:organisation_detail", args=[council.pk])).status_code == 200


def test_an_agency_declines_its_invitation(client, partnership, university_liaison):
    council = factories.OrganisationFactory(name="Eastmoor Borough Council", kind="local_authority")
    council_officer = factories.UniversityLiaisonFactory(organisation=council)
    services.update_partnership(partnership, by=university_liaison, agencies=[council])
    invitation = AgencyInvitation.objects.get(partnership=partnership)
    client.force_login(council_officer)
    assert "Say why" in client.post(invitation.get_absolute_url(), {"decision": "decline"}).content.decode()
    client.post(invitation.get_absolute_url(), {"decision": "decline", "reason": "Not in our area"})
    invitation.refresh_from_db()
    assert invitation.status == "declined" and invitation.reason == "Not in our area"
    assert list(partnership.other_agencies.all()) == []
    assert client.post(invitation.get_absolute_url(), {"decision": "accept"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_migration_counts_existing_partnerships_as_accepted_unless_still_proposed():
    """Partnerships made before consent was asked for were agreed outside the portal; one still
    proposed has been accepted only by its proposer's side."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("partnerships", "0005_history_change_reason_text"), ("accounts", "0002_initial")]
    after = [("partnerships", "0006_partnership_consent")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Organisation = old.get_model("partnerships", "Organisation")
    OldPartnership = old.get_model("partnerships", "Partnership")
    university = Organisation.objects.create(name="Old University", kind="university")
    force = Organisation.objects.create(name="Old Police", kind="police_force")
    other_force = Organisation.objects.create(name="Other Police", kind="police_force")
    college = Organisation.objects.create(name="Old College", kind="college")
    proposer = old.get_model("accounts", "User").objects.create(
        username="old.liaison", email="old@example.org", organisation=university, role="university_liaison"
    )
    agreed_pk = OldPartnership.objects.create(
        institution=university, police_force=force, title="Agreed", status="active"
    ).pk
    stranger_pk = OldPartnership.objects.create(
        institution=college, police_force=force, title="Proposed", status="proposed", created_by=proposer
    ).pk
    own_pk = OldPartnership.objects.create(
        institution=university, police_force=other_force, title="Proposed by us", status="proposed", created_by=proposer
    ).pk

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    rows = executor.loader.project_state(after).apps.get_model("partnerships", "Partnership").objects
    agreed, stranger, own = (rows.get(pk=key) for key in (agreed_pk, stranger_pk, own_pk))
    assert agreed.institution_accepted_at == agreed.created_at and agreed.police_accepted_at == agreed.created_at
    assert stranger.institution_accepted_at is None and stranger.police_accepted_at is None
    assert own.institution_accepted_at == own.created_at and own.police_accepted_at is None

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_edit_made_with_an_old_copy_does_not_undo_a_decline(eastmoor_liaison, police_force, police_liaison):
    proposal = services.create_partnership(
        Partnership(
            title="Eastmoor and Northbridge", institution=eastmoor_liaison.organisation, police_force=police_force
        ),
        by=eastmoor_liaison,
    )
    stale = Partnership.objects.get(pk=proposal.pk)  # the proposer's edit form is open
    services.answer_proposal(proposal, by=police_liaison, accept=False, reason="Not our area")
    stale.title = "A new title"
    with pytest.raises(ValidationError):
        services.update_partnership(stale, by=eastmoor_liaison)  # it has ended: no more edits
    proposal.refresh_from_db()
    assert proposal.status == PartnershipStatus.ENDED and proposal.declined_at is not None
    assert proposal.title == "Eastmoor and Northbridge"


def test_an_edit_keeps_the_other_sides_acceptance(partnership, university_liaison):
    stale = Partnership.objects.get(pk=partnership.pk)
    stale.police_accepted_at = None  # an old copy, or a forged one
    stale.title = "Renamed"
    services.update_partnership(stale, by=university_liaison)
    partnership.refresh_from_db()
    assert partnership.title == "Renamed" and partnership.is_accepted


def test_a_declined_proposal_cannot_be_sent_again_for_30_days(client, eastmoor_liaison, police_force, police_liaison):
    proposal = propose(client, eastmoor_liaison, police_force)
    services.answer_proposal(proposal, by=police_liaison, accept=False, reason="Not our area")
    client.force_login(eastmoor_liaison)
    data = {"title": "Again", "institution": eastmoor_liaison.organisation_id, "police_force": police_force.pk}
    again = client.post(reverse("partnerships:partnership_create"), data)
    assert again.status_code == 200 and "You can propose again from" in again.content.decode()
    assert not Partnership.objects.filter(title="Again").exists()


def test_agencies_are_invited_only_once_both_sides_have_accepted(client, eastmoor_liaison, police_force):
    council = factories.OrganisationFactory(name="Eastmoor Borough Council", kind="local_authority")
    proposal = propose(client, eastmoor_liaison, police_force, other_agencies=[council.pk])
    assert not AgencyInvitation.objects.exists()  # the field is not offered on a proposal
    with pytest.raises(ValidationError):
        services.update_partnership(proposal, by=eastmoor_liaison, agencies=[council])
    assert not AgencyInvitation.objects.exists()


def test_an_agency_that_declined_is_not_invited_again_at_once(partnership, university_liaison):
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")
    officer = factories.UniversityLiaisonFactory(organisation=council)
    services.update_partnership(partnership, by=university_liaison, agencies=[council])
    invitation = AgencyInvitation.objects.get()
    services.answer_invitation(invitation, by=officer, accept=False, reason="Not in our area")
    services.update_partnership(partnership, by=university_liaison, agencies=[])
    with pytest.raises(ValidationError, match="declined an invitation in the last 30 days"):
        services.update_partnership(partnership, by=university_liaison, agencies=[council])
    assert AgencyInvitation.objects.count() == 1


def test_ending_a_partnership_withdraws_its_open_invitations(partnership, university_liaison):
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")
    services.update_partnership(partnership, by=university_liaison, agencies=[council])
    services.change_status(partnership, PartnershipStatus.ENDED, by=university_liaison)
    assert AgencyInvitation.objects.get().status == "withdrawn"


def test_the_admin_cannot_set_status_or_agencies(client, administrator, partnership):
    client.force_login(administrator)
    page = client.get(reverse("admin:partnerships_partnership_change", args=[partnership.pk])).content.decode()
    assert 'name="status"' not in page and 'name="other_agencies"' not in page
