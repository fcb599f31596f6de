"""Who signs: each side's signatory, chosen while drafting (the partnership's senior sponsor by
default), signs with their own account; nobody else of that side can (README, Agreements)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import reauth
from accounts.models import Role
from agreements import permissions, services
from agreements.forms import AgreementDetailsForm
from agreements.models import A, Agreement, Side, Signature, SigningOrder
from agreements.services import WorkflowError
from tests import factories
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON
from tests.fixtures.reminders import told
from tests.helpers import second_factor_device, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsors(partnership, university, police_force):
    """A senior sponsor on each side, each the partnership's sponsor contact."""
    uni_sponsor = factories.UserFactory(
        organisation=university, username="uni.sponsor", role=Role.SENIOR_SPONSOR, first_name="Elaine"
    )
    police_sponsor = factories.UserFactory(
        organisation=police_force, username="police.sponsor", role=Role.SENIOR_SPONSOR, first_name="Claire"
    )
    partnership.institution_sponsor = factories.ContactFactory(organisation=university, user=uni_sponsor)
    partnership.police_sponsor = factories.ContactFactory(organisation=police_force, user=police_sponsor)
    partnership.save()
    return uni_sponsor, police_sponsor


@pytest.fixture
def sponsored(partnership, template, sponsors, university_liaison, police_liaison):
    """An agreement drafted with the default signatories (the sponsors), approved by both sides."""
    agreement = services.start_draft(partnership, template, by=university_liaison, title="Safer campus MOU", **FIELDS)
    assert agreement.institution_signatory == partnership.institution_sponsor
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    services.approve(agreement, by=police_liaison)
    return Agreement.objects.get(pk=agreement.pk)


def test_the_senior_sponsor_signs_with_their_own_account_and_two_factor(client, sponsored, sponsors):
    _, police_sponsor = sponsors
    device = second_factor_device(police_sponsor)  # a senior sponsor must use two-factor
    client.force_login(police_sponsor)
    url = reverse("agreements:sign", args=[sponsored.pk])
    page = client.get(url).content.decode()
    assert 'name="code"' in page
    response = client.post(
        url,
        {"position": "Superintendent", "confirmed": "on", "password": factories.PASSWORD, "code": totp_code(device)},
    )
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.signer == police_sponsor and signature.authentication == reauth.PASSWORD_AND_APP


def test_a_liaison_officer_who_is_not_the_signatory_cannot_sign(client, sponsored, police_liaison):
    assert not permissions.can_sign(police_liaison, sponsored)
    client.force_login(police_liaison)
    assert client.get(reverse("agreements:sign", args=[sponsored.pk])).status_code == 403
    with pytest.raises(WorkflowError):
        services.sign(
            sponsored,
            by=police_liaison,
            position="Sergeant",
            authentication=reauth.PASSWORD_AND_APP,
            ip_address=None,
            confirmed=True,
        )
    page = client.get(sponsored.get_absolute_url()).content.decode()
    assert "Waiting for" in page and "to sign for" in page
    assert not Signature.objects.exists()


def test_the_sponsors_and_signatories_are_told_it_is_ready_to_sign(sponsored, sponsors, police_liaison):
    told_now = {user for user, _ in told("agreement_ready_to_sign", sponsored)}
    assert set(sponsors) <= told_now
    assert police_liaison in told_now


def test_a_senior_sponsor_reads_the_draft_and_changes_nothing(
    client, partnership, template, sponsors, university_liaison
):
    uni_sponsor, _ = sponsors
    draft = services.start_draft(partnership, template, by=university_liaison, title="Safer campus MOU", **FIELDS)
    client.force_login(uni_sponsor)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert permissions.can_see_workings(uni_sponsor, draft)
    for predicate in (permissions.can_edit, permissions.can_submit, permissions.can_comment, permissions.can_approve):
        assert not predicate(uni_sponsor, draft)
    assert not permissions.can_draft(uni_sponsor, partnership)


def test_submission_is_refused_until_each_signatory_has_an_account(partnership, template, university_liaison):
    paper_sponsor = factories.ContactFactory(organisation=partnership.institution, name="Professor Paper")
    partnership.institution_sponsor = paper_sponsor
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    police_liaison = partnership.police_contact.user
    police_liaison.is_active = False
    police_liaison.save()
    draft = services.start_draft(partnership, template, by=university_liaison, title="Safer campus MOU", **FIELDS)
    with pytest.raises(WorkflowError) as error:
        services.submit_for_review(draft, by=university_liaison, today=SUBMITTED_ON)
    message = str(error.value)
    assert "Professor Paper (signing for" in message and "has no active portal account" in message
    assert f"(signing for {partnership.police_force.name}) has no active portal account" in message
    draft.refresh_from_db()
    assert draft.status == A.DRAFT


def test_the_signatory_picker_offers_sponsors_and_liaison_officers_with_an_active_account(
    partnership, sponsors, university, university_liaison
):
    staff = factories.UserFactory(organisation=university, username="staff.contact")
    leaver = factories.UniversityLiaisonFactory(organisation=university, username="leaver", is_active=False)
    staff_contact = factories.ContactFactory(organisation=university, user=staff)
    leaver_contact = factories.ContactFactory(organisation=university, user=leaver)
    paper = factories.ContactFactory(organisation=university)
    form = AgreementDetailsForm(user=university_liaison, partnership=partnership)
    offered = set(form.fields["institution_signatory"].queryset)
    assert partnership.institution_sponsor in offered and partnership.institution_contact in offered
    assert not offered & {staff_contact, leaver_contact, paper}


# --- Signing in turn, declining and withdrawing ---------------------------------------------------


def _sign(agreement, user):
    return services.sign(
        agreement,
        by=user,
        position="Senior sponsor",
        authentication=reauth.PASSWORD_AND_APP,
        ip_address="192.0.2.1",
        confirmed=True,
    )


@pytest.fixture
def force_first(partnership, template, sponsors, university_liaison, police_liaison):
    agreement = services.start_draft(
        partnership,
        template,
        by=university_liaison,
        title="Safer campus MOU",
        signing_order=SigningOrder.POLICE_FIRST,
        **FIELDS,
    )
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    services.approve(agreement, by=police_liaison)
    return Agreement.objects.get(pk=agreement.pk)


def test_in_turn_the_second_signatory_waits_and_is_asked_when_the_first_has_signed(force_first, sponsors):
    uni_sponsor, police_sponsor = sponsors
    assert force_first.sides_to_sign() == [Side.POLICE]
    assert not permissions.can_sign(uni_sponsor, force_first)
    assert permissions.can_sign(police_sponsor, force_first)
    ready = {user for user, _ in told("agreement_ready_to_sign", force_first)}
    assert police_sponsor in ready and uni_sponsor in ready  # a sponsor hears it is approved either way
    assert not told("agreement_your_turn_to_sign", force_first)

    _sign(force_first, police_sponsor)
    force_first.refresh_from_db()
    assert force_first.sides_to_sign() == [Side.INSTITUTION]
    assert permissions.can_sign(uni_sponsor, force_first)
    assert [user for user, _ in told("agreement_your_turn_to_sign", force_first)] == [uni_sponsor]
    _sign(force_first, uni_sponsor)
    force_first.refresh_from_db()
    assert force_first.status != A.PARTLY_SIGNED and force_first.signatures.count() == 2


def test_parallel_signing_lets_either_side_sign_first(sponsored, sponsors):
    assert set(sponsored.sides_to_sign()) == {Side.INSTITUTION, Side.POLICE}
    assert all(permissions.can_sign(sponsor, sponsored) for sponsor in sponsors)


def test_the_signatory_in_turn_is_reminded_after_the_configured_days(force_first, sponsors, settings):
    from notifications.services import send_due_reminders

    _, police_sponsor = sponsors
    settings.SIGNATURE_REMINDER_DAYS = 3
    send_due_reminders()
    assert not told("agreement_signature_reminder", force_first)
    later = timezone.now() + timedelta(days=3, hours=1)
    send_due_reminders(now=later)
    assert [user for user, _ in told("agreement_signature_reminder", force_first)] == [police_sponsor]
    send_due_reminders(now=later + timedelta(hours=2))  # the same day: not twice
    assert len(told("agreement_signature_reminder", force_first)) == 1


def test_a_signatory_declines_with_a_reason_and_everyone_is_told(
    force_first, sponsors, university_liaison, police_liaison
):
    uni_sponsor, police_sponsor = sponsors
    _sign(force_first, police_sponsor)
    with pytest.raises(ValidationError):
        services.decline_signing(force_first, by=uni_sponsor, reason="  ")
    services.decline_signing(force_first, by=uni_sponsor, reason="Clause 4 names the wrong unit.")
    force_first.refresh_from_db()
    assert force_first.status == A.CHANGES_REQUESTED
    assert not force_first.signatures.exists()  # the force's signature is set aside...
    trail = " ".join(force_first.events.values_list("comment", flat=True))
    assert "set aside: signing was declined" in trail and "Clause 4 names the wrong unit." in trail  # ...not lost
    event = force_first.events.filter(to_status=A.CHANGES_REQUESTED).latest("at")
    told_now = {user for user, _ in told("agreement_signing_declined", event)}
    assert {police_sponsor, university_liaison, police_liaison} <= told_now and uni_sponsor not in told_now
    # Revised into version 2, it is reviewed, approved and signed again.
    services.revise(force_first, by=university_liaison)
    services.submit_for_review(force_first, by=university_liaison, today=SUBMITTED_ON)
    services.approve(force_first, by=police_liaison)
    force_first.refresh_from_db()
    assert force_first.status == A.APPROVED and permissions.can_sign(police_sponsor, force_first)


def test_only_a_signatory_who_has_not_signed_declines(force_first, sponsors, police_liaison):
    _, police_sponsor = sponsors
    assert not permissions.can_decline_signing(police_liaison, force_first)
    _sign(force_first, police_sponsor)
    assert not permissions.can_decline_signing(police_sponsor, force_first)


def test_either_side_withdraws_before_it_is_in_force(client, sponsored, sponsors, police_liaison, university_liaison):
    uni_sponsor, _ = sponsors
    assert not permissions.can_withdraw(uni_sponsor, sponsored)  # sponsors read and sign; they do not withdraw
    client.force_login(police_liaison)
    url = reverse("agreements:withdraw", args=[sponsored.pk])
    page = client.get(url).content.decode()
    assert "cannot be taken up again" in page
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Give your reason, so that both sides know."]
    response = client.post(url, {"reason": "The force is restructuring its campus teams."})
    assert response.status_code == 302
    sponsored.refresh_from_db()
    assert sponsored.status == A.WITHDRAWN
    page = client.get(sponsored.get_absolute_url()).content.decode()
    assert "withdrawn before it came into force" in page and "The force is restructuring" in page
    event = sponsored.events.get(to_status=A.WITHDRAWN)
    assert university_liaison in {user for user, _ in told("agreement_withdrawn", event)}
    assert not permissions.can_withdraw(police_liaison, sponsored)
    # The partnership may start another.
    assert permissions.can_draft(university_liaison, sponsored.partnership)


def test_relinking_the_signatorys_contact_to_a_staff_member_does_not_make_them_a_signatory(
    client, sponsored, partnership, staff_member, university_liaison
):
    """The contact chosen to sign is relinked (by a liaison officer, on the contact's page) to a
    staff member's account: they can neither sign nor decline."""
    contact = partnership.institution_sponsor
    contact.user = staff_member
    contact.save()
    sponsored.refresh_from_db()
    assert not permissions.can_sign(staff_member, sponsored)
    assert not permissions.can_decline_signing(staff_member, sponsored)
    with pytest.raises(WorkflowError):
        services.sign(
            sponsored,
            by=staff_member,
            position="Cleaner",
            authentication=reauth.PASSWORD,
            ip_address=None,
            confirmed=True,
        )
