"""What each side hears at once about a partnership: information shared with it, the outcome of
information it shared, an action given to someone, an engagement someone is listed at.

The kinds are in partnerships/reminders.py; the services in partnerships/services.py record them.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications import services as notification_services
from notifications.models import Delivery, Notification
from partnerships import reminders
from partnerships import services as partnership_services
from partnerships.models import Action, Direction, Engagement, InformationShare, LawfulBasis, Outcome, ShareCategory
from tests import factories
from tests.fixtures.reminders import assert_emailed, assert_nothing_more_emailed, told, told_anything
from tests.helpers import broker_at, sent_mail

pytestmark = pytest.mark.django_db

SUMMARY = "SECRET-SUMMARY a grey van outside Block C"
BASIS = "SECRET-BASIS section 115 of the Crime and Disorder Act"
NOTE = "SECRET-NOTE the driver was arrested"
TODAY = timezone.localdate


def share_from(person, partnership, **fields):
    share = InformationShare(
        partnership=partnership,
        category=ShareCategory.VEHICLE,
        summary=SUMMARY,
        lawful_basis=LawfulBasis.OTHER,
        lawful_basis_detail=BASIS,
        shared_on=fields.pop("shared_on", TODAY() - timedelta(days=1)),
        **fields,
    )
    return partnership_services.share_information(share, by=person)


def feedback(share, person):
    return partnership_services.record_feedback(
        share, outcome=Outcome.DISRUPTION, outcome_on=TODAY(), note=NOTE, by=person
    )


def people_told(kind, obj):
    return [user for user, _ in told(kind, obj)]


def by_pk(*people):
    return sorted(people, key=lambda user: user.pk)


# --- share_recorded ------------------------------------------------------------------------------


def test_information_shared_with_the_force_is_told_to_its_liaison_officers_once_each(
    partnership, university_liaison, police_liaison, second_officers, bystanders
):
    uni_colleague, police_colleague = second_officers

    share = share_from(university_liaison, partnership)

    # The force's single point of contact is also one of its liaison officers: told once.
    assert partnership.police_contact.user == police_liaison
    assert told("share_recorded", share) == [(police_liaison, share.shared_on), (police_colleague, share.shared_on)]
    assert not told_anything([university_liaison, uni_colleague, *bystanders])
    assert_emailed([police_liaison, police_colleague], share.get_absolute_url(), kind="share_recorded")


def test_information_shared_with_the_institution_is_told_to_its_side_not_to_the_sender(
    partnership, university_liaison, police_liaison, second_officers
):
    uni_colleague, police_colleague = second_officers

    share = share_from(police_liaison, partnership)

    assert share.direction == Direction.TO_INSTITUTION
    assert people_told("share_recorded", share) == by_pk(university_liaison, uni_colleague)
    assert not told_anything([police_liaison, police_colleague])


def test_the_receiving_sides_single_point_of_contact_is_told_when_not_a_liaison_officer(
    partnership, university, police_force, university_liaison, police_liaison
):
    """A single point of contact who is an administrator of the force (not one of its liaison
    officers) sees every share, so is told; one who cannot see shares (a staff member) is not."""
    admin = factories.AdministratorFactory(organisation=police_force, username="force.admin")
    partnership.police_contact = factories.ContactFactory(organisation=police_force, user=admin)
    staff = factories.UserFactory(organisation=university, username="uni.staff")
    partnership.institution_contact = factories.ContactFactory(organisation=university, user=staff)
    partnership.save()

    to_police = share_from(university_liaison, partnership)
    to_institution = share_from(police_liaison, partnership)

    assert people_told("share_recorded", to_police) == by_pk(police_liaison, admin)
    assert people_told("share_recorded", to_institution) == [university_liaison]
    assert not told_anything([staff])


def test_a_deactivated_liaison_officer_hears_nothing_of_a_share(
    partnership, university_liaison, police_liaison, second_officers
):
    _, police_colleague = second_officers
    police_colleague.is_active = False
    police_colleague.save()

    share = share_from(university_liaison, partnership)

    assert people_told("share_recorded", share) == [police_liaison]


def test_a_deactivated_single_point_of_contact_hears_nothing_of_a_share(
    partnership, police_force, university_liaison, police_liaison
):
    """Liaison officers are fetched active only; the contact's account is checked on its own."""
    retired = factories.AdministratorFactory(organisation=police_force, username="retired.admin", is_active=False)
    partnership.police_contact = factories.ContactFactory(organisation=police_force, user=retired)
    partnership.save()

    share = share_from(university_liaison, partnership)

    assert people_told("share_recorded", share) == [police_liaison]


def test_a_share_recipient_who_turned_information_sharing_off_gets_a_hidden_row_and_no_email(
    partnership, university_liaison, police_liaison, second_officers
):
    _, police_colleague = second_officers
    notification_services.set_muted(police_colleague, ["information_sharing"])

    share = share_from(university_liaison, partnership)

    muted = Notification.objects.get(kind="share_recorded", recipient=police_colleague)
    assert (muted.shown, muted.delivery) == (False, Delivery.SKIPPED)
    assert not Notification.objects.inbox_of(police_colleague).exists()
    assert_emailed([police_liaison], share.get_absolute_url(), kind="share_recorded")


def test_a_share_is_told_once_however_often_its_event_is_recorded(partnership, university_liaison, police_liaison):
    share = share_from(university_liaison, partnership)

    reminders.share_recorded(share, by=university_liaison)  # a retried request, say
    reminders.share_recorded(share, by=university_liaison)

    assert told("share_recorded", share) == [(police_liaison, share.shared_on)]
    assert_emailed([police_liaison], share.get_absolute_url(), kind="share_recorded")
    sent_mail()
    assert_nothing_more_emailed()


def test_neither_the_bell_nor_the_email_repeats_the_summary_or_the_lawful_basis(
    partnership, university_liaison, police_liaison
):
    share = share_from(university_liaison, partnership)

    note = Notification.objects.inbox_of(police_liaison).get(kind="share_recorded")
    (message,) = sent_mail()
    html = message.alternatives[0][0]
    for part in (note.title, message.subject, message.body, html):
        assert "SECRET" not in part
    # What it does say: the category, the partnership and a link.
    for part in (message.body, html):
        assert "Vehicle" in part and partnership.title in part and share.get_absolute_url() in part
    assert partnership.title in message.subject


@pytest.mark.django_db(transaction=True)
def test_a_share_recorded_with_the_broker_down_is_kept_and_sent_by_the_next_sweep(
    partnership, university_liaison, police_liaison, caplog
):
    with broker_at("redis://127.0.0.1:9/0"):  # nothing listens on the discard port
        share = share_from(university_liaison, partnership)

    assert "Could not queue" in caplog.text
    note = Notification.objects.get(kind="share_recorded")
    assert (note.recipient, note.delivery, note.queued_at) == (police_liaison, Delivery.PENDING, None)
    assert note.pk in notification_services._waiting(timezone.now(), 100)
    assert_emailed([police_liaison], share.get_absolute_url(), kind="share_recorded")


# --- share_feedback_recorded ---------------------------------------------------------------------


def test_the_outcome_is_told_to_whoever_shared_it_and_their_sides_single_point_of_contact(
    partnership, university, university_liaison, police_liaison, second_officers
):
    uni_colleague, police_colleague = second_officers
    partnership.institution_contact = factories.ContactFactory(organisation=university, user=uni_colleague)
    partnership.save()
    share = share_from(university_liaison, partnership)
    sent_mail().clear()

    feedback(share, police_liaison)

    assert told("share_feedback_recorded", share) == [(university_liaison, TODAY()), (uni_colleague, TODAY())]
    assert not Notification.objects.filter(
        kind="share_feedback_recorded", recipient__in=[police_liaison, police_colleague]
    ).exists()
    assert_emailed([university_liaison, uni_colleague], share.get_absolute_url(), kind="share_feedback_recorded")


def test_the_sharer_who_is_also_the_single_point_of_contact_hears_the_outcome_once(
    partnership, university_liaison, police_liaison
):
    assert partnership.institution_contact.user == university_liaison
    share = share_from(university_liaison, partnership)
    sent_mail().clear()

    feedback(share, police_liaison)
    with pytest.raises(ValidationError):
        feedback(share, police_liaison)  # given once, never overwritten
    reminders.share_feedback_recorded(InformationShare.objects.get(pk=share.pk), by=police_liaison)

    assert told("share_feedback_recorded", share) == [(university_liaison, TODAY())]
    assert_emailed([university_liaison], share.get_absolute_url(), kind="share_feedback_recorded")


def test_a_deactivated_sharer_hears_nothing_of_the_outcome(partnership, university_liaison, police_liaison):
    share = share_from(university_liaison, partnership)
    university_liaison.is_active = False
    university_liaison.save()

    feedback(share, police_liaison)

    assert told("share_feedback_recorded", share) == [(None, TODAY())]  # the "nobody to tell" marker


def test_a_sharer_who_turned_information_sharing_off_is_not_emailed_the_outcome(
    partnership, university_liaison, police_liaison
):
    share = share_from(university_liaison, partnership)
    sent_mail().clear()
    notification_services.set_muted(university_liaison, ["information_sharing"])

    feedback(share, police_liaison)

    note = Notification.objects.get(kind="share_feedback_recorded")
    assert (note.recipient, note.shown, note.delivery) == (university_liaison, False, Delivery.SKIPPED)
    assert sent_mail() == []


def test_the_outcome_email_repeats_no_free_text(partnership, university_liaison, police_liaison):
    share = share_from(university_liaison, partnership)
    sent_mail().clear()

    feedback(share, police_liaison)

    note = Notification.objects.get(kind="share_feedback_recorded")
    (message,) = sent_mail()
    for part in (note.title, message.subject, message.body, message.alternatives[0][0]):
        assert "SECRET" not in part


# --- action_assigned -----------------------------------------------------------------------------


def new_action(partnership, owner, by, **fields):
    action = Action(partnership=partnership, title="Map the taxi ranks", owner=owner, due_date=date(2099, 1, 1))
    for field, value in fields.items():
        setattr(action, field, value)
    return partnership_services.create_action(action, by=by)


def test_an_action_raised_for_someone_is_told_to_them_only(
    partnership, staff_owner, staff_member, university_liaison, police_liaison, bystanders
):
    action = new_action(partnership, staff_owner, university_liaison)

    assert told("action_assigned", action) == [(staff_member, TODAY())]
    assert not told_anything([university_liaison, police_liaison, *bystanders[1:]])
    assert_emailed([staff_member], action.get_absolute_url(), kind="action_assigned")


def test_an_action_raised_for_oneself_is_told_to_nobody(partnership, university_liaison):
    action = new_action(partnership, partnership.institution_contact, university_liaison)

    assert told("action_assigned", action) == []


def test_an_action_for_a_contact_without_an_account_leaves_no_row(partnership, university, university_liaison):
    owner = factories.ContactFactory(organisation=university, name="No Account")

    action = new_action(partnership, owner, university_liaison)

    assert told("action_assigned", action) == []


def test_an_action_given_to_someone_else_is_told_to_the_new_owner_once(
    partnership, staff_owner, staff_member, university_liaison, police_liaison
):
    action = new_action(partnership, partnership.institution_contact, university_liaison)

    action.owner = partnership.police_contact
    partnership_services.update_action(action, by=university_liaison)
    partnership_services.update_action(Action.objects.get(pk=action.pk), by=university_liaison)  # saved again
    action = Action.objects.get(pk=action.pk)
    action.title = "Map the taxi ranks and the bus stops"
    partnership_services.update_action(action, by=police_liaison)  # an edit that keeps the owner

    assert told("action_assigned", action) == [(police_liaison, TODAY())]
    assert_emailed([police_liaison], action.get_absolute_url(), kind="action_assigned")


def test_an_action_given_to_the_person_giving_it_is_told_to_nobody(partnership, staff_owner, university_liaison):
    action = new_action(partnership, staff_owner, university_liaison)
    Notification.objects.all().delete()

    action.owner = partnership.institution_contact
    partnership_services.update_action(action, by=university_liaison)

    assert told("action_assigned", action) == []


def test_a_deactivated_owner_hears_nothing_of_an_action(partnership, staff_owner, staff_member, university_liaison):
    staff_member.is_active = False
    staff_member.save()

    action = new_action(partnership, staff_owner, university_liaison)

    assert told("action_assigned", action) == []


def test_an_owner_who_turned_actions_off_gets_a_hidden_row(partnership, staff_owner, staff_member, university_liaison):
    notification_services.set_muted(staff_member, ["actions"])

    new_action(partnership, staff_owner, university_liaison)

    note = Notification.objects.get(kind="action_assigned")
    assert (note.recipient, note.shown, note.delivery) == (staff_member, False, Delivery.SKIPPED)
    assert sent_mail() == []


def test_the_action_email_leaves_out_the_description(partnership, staff_owner, university_liaison):
    new_action(partnership, staff_owner, university_liaison, description="SECRET-DESCRIPTION")

    (message,) = sent_mail()
    assert "SECRET" not in message.body and "SECRET" not in message.alternatives[0][0]
    assert "Map the taxi ranks" in message.subject


# --- engagement_recorded -------------------------------------------------------------------------


def record_engagement(partnership, attendees, by, engagement=None):
    engagement = engagement or Engagement(
        partnership=partnership, kind="strategic_meeting", title="Spring meeting", date=TODAY()
    )
    return partnership_services.save_engagement(engagement, by=by, attendees=attendees)


def test_an_engagement_is_told_to_its_attendees_with_accounts_not_to_whoever_recorded_it(
    partnership, university, staff_owner, staff_member, university_liaison, police_liaison, bystanders
):
    no_account = factories.ContactFactory(organisation=university, name="No Account")
    attendees = [partnership.institution_contact, partnership.police_contact, staff_owner, no_account]

    engagement = record_engagement(partnership, attendees, university_liaison)

    assert people_told("engagement_recorded", engagement) == by_pk(police_liaison, staff_member)
    assert not told_anything([university_liaison, *bystanders[1:]])
    assert_emailed([police_liaison, staff_member], engagement.get_absolute_url(), kind="engagement_recorded")


def test_an_edited_engagement_is_told_only_to_those_newly_listed(
    partnership, staff_owner, staff_member, university_liaison, police_liaison
):
    engagement = record_engagement(partnership, [partnership.police_contact], university_liaison)
    sent_mail().clear()

    engagement = Engagement.objects.get(pk=engagement.pk)
    record_engagement(partnership, [partnership.police_contact, staff_owner], university_liaison, engagement)
    record_engagement(partnership, [partnership.police_contact, staff_owner], university_liaison, engagement)

    assert people_told("engagement_recorded", engagement) == by_pk(police_liaison, staff_member)
    assert_emailed([staff_member], engagement.get_absolute_url(), kind="engagement_recorded")


def test_a_deactivated_or_muting_attendee_is_not_emailed(
    partnership, staff_owner, staff_member, university_liaison, police_liaison
):
    staff_member.is_active = False
    staff_member.save()
    notification_services.set_muted(police_liaison, ["engagements"])

    engagement = record_engagement(partnership, [partnership.police_contact, staff_owner], university_liaison)

    note = Notification.objects.get(kind="engagement_recorded")
    assert (note.recipient, note.shown, note.delivery) == (police_liaison, False, Delivery.SKIPPED)
    assert told("engagement_recorded", engagement) == [(police_liaison, TODAY())]
    assert sent_mail() == []
