"""Who signs: each side's signatory, chosen while drafting (the partnership's senior sponsor by
default), signs with their own account; nobody else of that side can (README, Agreements)."""

import pytest
from django.urls import reverse

from accounts import reauth
from accounts.models import Role
from agreements import permissions, services
from agreements.forms import AgreementDetailsForm
from agreements.models import A, Agreement, Signature
from agreements.services import WorkflowError
from tests import factories
from tests.fixtures.agreements import FIELDS
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
    agreement = services.start_draft(partnership, template, by=university_liaison, **FIELDS)
    assert agreement.institution_signatory == partnership.institution_sponsor
    services.submit_for_review(agreement, by=university_liaison)
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
    draft = services.start_draft(partnership, template, by=university_liaison, **FIELDS)
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
    draft = services.start_draft(partnership, template, by=university_liaison, **FIELDS)
    with pytest.raises(WorkflowError) as error:
        services.submit_for_review(draft, by=university_liaison)
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
