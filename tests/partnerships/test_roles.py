"""The roles a partnership needs beyond the two sides' liaison officers (README, Roles): the
agency liaison officer of another local agency, the deputy single point of contact, and what a
deactivated person no longer gets."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from partnerships import permissions
from partnerships import services as partnership_services
from partnerships.forms.partnerships import ActionForm, EngagementForm, PartnershipForm
from partnerships.models import Action, AgencyInvitation, Engagement, InformationShare, LawfulBasis, ShareCategory
from tests import factories
from tests.fixtures.reminders import told

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")


@pytest.fixture
def agency_officer(council):
    officer = factories.UserFactory(organisation=council, username="council.officer", role=Role.AGENCY_LIAISON)
    factories.ContactFactory(organisation=council, name="Nia Roberts", user=officer)
    return officer


@pytest.fixture
def joined(partnership, council, agency_officer, university_liaison):
    """The council invited to the partnership, and its agency liaison officer accepting."""
    invitation = AgencyInvitation.objects.create(
        partnership=partnership, organisation=council, invited_by=university_liaison
    )
    assert permissions.can_answer_invitation(agency_officer, invitation)
    partnership_services.answer_invitation(invitation, by=agency_officer, accept=True)
    partnership.refresh_from_db()
    return partnership


# --- The agency liaison officer ----------------------------------------------------------------


def test_an_agency_liaison_officer_belongs_to_another_local_agency(university, police_force, council):
    for organisation in (university, police_force):
        with pytest.raises(ValidationError) as error:
            factories.UserFactory.build(organisation=organisation, role=Role.AGENCY_LIAISON).clean()
        assert "another local agency" in error.value.message_dict["role"][0]
    factories.UserFactory.build(organisation=council, role=Role.AGENCY_LIAISON).clean()


def test_before_joining_the_agency_sees_only_the_invitation(client, partnership, council, agency_officer):
    AgencyInvitation.objects.create(partnership=partnership, organisation=council)
    client.force_login(agency_officer)
    assert client.get(partnership.get_absolute_url()).status_code == 404
    assert "Safer Northbridge campus" in client.get(reverse("portal:dashboard")).content.decode()


def test_once_joined_the_agency_records_engagements_and_owns_actions(client, joined, agency_officer):
    client.force_login(agency_officer)
    page = client.get(joined.get_absolute_url())
    assert page.status_code == 200
    own_contact = agency_officer.contact
    response = client.post(
        reverse("partnerships:engagement_create", args=[joined.pk]),
        {
            "kind": "strategic_meeting",
            "title": "Community safety partnership meeting",
            "date": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "attendees": [own_contact.pk, joined.police_contact.pk],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    engagement = Engagement.objects.get(title="Community safety partnership meeting")
    assert engagement.created_by == agency_officer
    response = client.post(
        reverse("partnerships:action_create", args=[joined.pk]),
        {
            "title": "Review the CCTV on Canal Walk",
            "owner": own_contact.pk,
            "due_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
            "engagement": engagement.pk,
        },
    )
    assert response.status_code == 302
    action = Action.objects.get(title="Review the CCTV on Canal Walk")
    assert action.owner == own_contact
    # The action shows on their own list of actions.
    assert "Review the CCTV on Canal Walk" in client.get(reverse("partnerships:my_actions")).content.decode()


def test_the_agency_never_sees_shares(client, joined, share, agency_officer):
    client.force_login(agency_officer)
    assert not InformationShare.objects.visible_to(agency_officer).exists()
    assert client.get(share.get_absolute_url()).status_code == 404
    assert client.get(reverse("partnerships:share_create", args=[joined.pk])).status_code == 403
    page = client.get(joined.get_absolute_url()).content.decode()
    assert share.summary not in page
    nav = client.get(reverse("portal:dashboard")).content.decode()
    assert reverse("partnerships:shares_awaiting_feedback") not in nav


def test_the_agency_changes_nothing_of_the_partnership_itself(client, joined, agency_officer):
    client.force_login(agency_officer)
    assert not permissions.can_edit_partnership(agency_officer, joined)
    assert not permissions.can_change_status(agency_officer, joined)
    assert client.get(reverse("partnerships:partnership_edit", args=[joined.pk])).status_code == 403
    assert not permissions.can_draft_agreement(agency_officer, joined)


# --- The deputy single point of contact ----------------------------------------------------------


@pytest.fixture
def deputies(partnership, university, police_force):
    uni_deputy = factories.UniversityLiaisonFactory(organisation=university, username="uni.deputy")
    police_deputy = factories.PoliceLiaisonFactory(organisation=police_force, username="police.deputy")
    partnership.institution_deputy = factories.ContactFactory(organisation=university, user=uni_deputy)
    partnership.police_deputy = factories.ContactFactory(organisation=police_force, user=police_deputy)
    partnership.full_clean()
    partnership.save()
    return uni_deputy, police_deputy


def _share(partnership, by):
    share = InformationShare(
        partnership=partnership,
        category=ShareCategory.VEHICLE,
        summary="A grey van outside Block C",
        lawful_basis=LawfulBasis.CRIME_PREVENTION,
        shared_on=timezone.localdate(),
    )
    return partnership_services.share_information(share, by=by)


def test_a_deputy_is_told_what_the_single_point_of_contact_is_told(
    partnership, deputies, university_liaison, police_liaison
):
    uni_deputy, police_deputy = deputies
    share = _share(partnership, university_liaison)
    assert police_deputy in [user for user, _ in told("share_recorded", share)]
    partnership_services.record_feedback(
        share, outcome="support_provided", outcome_on=timezone.localdate(), note="", by=police_liaison
    )
    assert uni_deputy in [user for user, _ in told("share_feedback_recorded", share)]


def test_a_deputy_who_is_a_staff_member_is_told_of_nothing_they_cannot_see(partnership, university, police_liaison):
    staff_deputy = factories.UserFactory(organisation=university, username="staff.deputy")
    partnership.institution_deputy = factories.ContactFactory(organisation=university, user=staff_deputy)
    partnership.save()
    share = _share(partnership, police_liaison)
    assert staff_deputy not in [user for user, _ in told("share_recorded", share)]


def test_a_deputy_sees_who_opened_a_share(client, partnership, deputies, share, police_liaison):
    _, police_deputy = deputies
    partnership_services.log_share_view(share, police_liaison)
    assert permissions.can_see_share_views(police_deputy, partnership)
    client.force_login(police_deputy)
    page = client.get(share.get_absolute_url()).content.decode()
    assert 'data-testid="share-views"' in page and police_liaison.get_full_name() in page


def test_the_deputy_must_be_of_that_side_and_not_the_contact_itself(partnership, university, police_force):
    partnership.institution_deputy = partnership.institution_contact
    partnership.police_deputy = factories.ContactFactory(organisation=university)
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert error.value.message_dict["institution_deputy"] == [
        "The deputy must be someone other than the single point of contact."
    ]
    assert error.value.message_dict["police_deputy"] == ["Choose a contact of that side's own organisation."]


# --- Deactivated people ----------------------------------------------------------------------------


def test_a_deactivated_person_appears_in_no_picker(partnership, university, university_liaison, engagement):
    leaver = factories.UserFactory(organisation=university, username="leaver", is_active=False)
    gone = factories.ContactFactory(organisation=university, name="Gone Person", user=leaver)
    no_account = factories.ContactFactory(organisation=university, name="Paper Contact")
    for form in (
        EngagementForm(user=university_liaison, partnership=partnership),
        ActionForm(user=university_liaison, partnership=partnership),
    ):
        field = form.fields["attendees" if "attendees" in form.fields else "owner"]
        assert gone not in field.queryset and no_account in field.queryset
    form = PartnershipForm(instance=partnership, user=university_liaison)
    for name in ("institution_sponsor", "institution_contact", "institution_deputy"):
        assert gone not in form.fields[name].queryset
    # What a record already holds is still shown, so an edit does not drop it unseen.
    partnership.institution_sponsor = gone
    form = PartnershipForm(instance=partnership, user=university_liaison)
    assert gone in form.fields["institution_sponsor"].queryset
    assert gone not in form.fields["institution_contact"].queryset


def test_a_deactivated_person_cannot_sign_in(client, university):
    factories.UserFactory(organisation=university, username="leaver", is_active=False)
    response = client.post(reverse("login"), {"username": "leaver", "password": factories.PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
