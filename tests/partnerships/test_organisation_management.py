"""Managing organisations, units and contacts in the portal rather than in Django admin.

Administrators manage every organisation; liaison officers manage their own. Users who can see
an organisation but may not change it get 403; users who cannot see it get 404.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Action, Contact, Organisation, OrganisationKind, Unit
from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404

pytestmark = pytest.mark.django_db


def detail_url(organisation):
    return reverse("partnerships:organisation_detail", args=[organisation.pk])


def organisation_data(**changes):
    data = {
        "name": "University of Southmoor",
        "kind": OrganisationKind.UNIVERSITY,
        "region": "north_west",
        "address": "1 College Road\nSouthmoor",
        "website": "https://www.southmoor.example.ac.uk",
        "active": "on",
    }
    return {**data, **changes}


def contact_data(**changes):
    data = {"name": "Sam Okoro", "job_title": "Head of Security", "email": "sam@example.org", "phone": "0161 000 0000"}
    return {**data, **changes}


def object_urls(organisation, unit, contact):
    """Every new URL that changes ``organisation`` or something in it."""
    return [
        reverse("partnerships:organisation_edit", args=[organisation.pk]),
        reverse("partnerships:unit_create", args=[organisation.pk]),
        reverse("partnerships:unit_edit", args=[unit.pk]),
        reverse("partnerships:unit_delete", args=[unit.pk]),
        reverse("partnerships:contact_create", args=[organisation.pk]),
        reverse("partnerships:contact_edit", args=[contact.pk]),
        reverse("partnerships:contact_delete", args=[contact.pk]),
    ]


def snapshot(organisation):
    """What the organisation, its units and its contacts hold, to prove a refusal changed nothing."""
    organisation.refresh_from_db()
    return (
        (organisation.name, organisation.kind, organisation.website, organisation.active),
        list(Unit.objects.filter(organisation=organisation).values_list("pk", "name", "description")),
        list(Contact.objects.filter(organisation=organisation).values_list("pk", "name", "unit", "user")),
    )


@pytest.fixture
def unit(university):
    return factories.UnitFactory(organisation=university, name="Student Services")


@pytest.fixture
def contact(university, unit):
    return factories.ContactFactory(organisation=university, unit=unit, name="Alex Morgan")


@pytest.fixture
def force_unit(police_force):
    return factories.UnitFactory(organisation=police_force, name="Rape and Serious Crime Unit")


@pytest.fixture
def force_contact(police_force, force_unit):
    return factories.ContactFactory(organisation=police_force, unit=force_unit, name="DI Ruth Adeyemi")


@pytest.fixture
def partner_link(university, police_force):
    """Make the university and the force visible to each other."""
    return factories.PartnershipFactory(institution=university, police_force=police_force, title="x")


# Creating and editing organisations


def test_administrator_adds_an_organisation(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("partnerships:organisation_create")).status_code == 200
    response = client.post(reverse("partnerships:organisation_create"), organisation_data(), follow=True)
    created = Organisation.objects.get(name="University of Southmoor")
    assert response.redirect_chain[-1][0] == detail_url(created)
    assert "University of Southmoor added." in response.content.decode()
    assert created.website == "https://www.southmoor.example.ac.uk"


@pytest.mark.parametrize("persona", ["university_liaison", "police_liaison", "staff"])
def test_only_administrators_add_organisations(client, personas, persona):
    client.force_login(personas[persona])
    before = Organisation.objects.count()
    assert client.get(reverse("partnerships:organisation_create")).status_code == 403
    assert client.post(reverse("partnerships:organisation_create"), organisation_data()).status_code == 403
    assert Organisation.objects.count() == before


def test_add_organisation_button_shows_only_to_administrators(client, administrator, university_liaison):
    button = reverse("partnerships:organisation_create")
    client.force_login(administrator)
    assert button in client.get(reverse("partnerships:organisation_list")).content.decode()
    client.force_login(university_liaison)
    assert button not in client.get(reverse("partnerships:organisation_list")).content.decode()


def test_administrator_edits_any_organisation(client, administrator, police_force):
    client.force_login(administrator)
    url = reverse("partnerships:organisation_edit", args=[police_force.pk])
    data = organisation_data(name="Northbridge Constabulary", kind=OrganisationKind.POLICE_FORCE)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(police_force)
    assert "Northbridge Constabulary saved." in response.content.decode()
    police_force.refresh_from_db()
    assert police_force.name == "Northbridge Constabulary"


def test_liaison_officer_edits_own_organisation(client, university_liaison, university):
    client.force_login(university_liaison)
    url = reverse("partnerships:organisation_edit", args=[university.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, organisation_data(name="University of Northbridge", region="london"))
    assert response.status_code == 302
    university.refresh_from_db()
    assert university.region == "london"


def test_duplicate_organisation_name_is_refused_regardless_of_case(client, administrator, university):
    client.force_login(administrator)
    before = Organisation.objects.count()
    response = client.post(
        reverse("partnerships:organisation_create"), organisation_data(name="UNIVERSITY of northbridge")
    )
    assert response.status_code == 200
    assert (
        "An organisation called University of Northbridge already exists." in response.context["form"].errors["name"][0]
    )
    assert Organisation.objects.count() == before


def test_renaming_onto_another_organisation_is_refused(client, administrator, university, police_force):
    client.force_login(administrator)
    before = snapshot(police_force)
    url = reverse("partnerships:organisation_edit", args=[police_force.pk])
    data = organisation_data(name="university of northbridge", kind=OrganisationKind.POLICE_FORCE)
    response = client.post(url, data)
    assert "An organisation called University of Northbridge already exists." in response.content.decode()
    assert snapshot(police_force) == before
    # The page keeps the saved name in its heading while the form shows what was typed.
    assert "Edit Northbridge Police" in response.content.decode()


def test_changing_only_the_case_of_own_name_is_allowed(client, administrator, university):
    client.force_login(administrator)
    url = reverse("partnerships:organisation_edit", args=[university.pk])
    assert client.post(url, organisation_data(name="UNIVERSITY OF NORTHBRIDGE")).status_code == 302


def test_bad_website_is_refused_with_a_hint(client, university_liaison, university):
    client.force_login(university_liaison)
    before = snapshot(university)
    url = reverse("partnerships:organisation_edit", args=[university.pk])
    response = client.post(url, organisation_data(name=university.name, website="not a web address"))
    assert response.status_code == 200
    assert response.context["form"].errors["website"] == [
        "Enter the full web address, such as https://www.example.ac.uk."
    ]
    assert snapshot(university) == before


def test_police_force_with_accounts_cannot_become_a_university(client, police_liaison, police_force):
    client.force_login(police_liaison)
    url = reverse("partnerships:organisation_edit", args=[police_force.pk])
    response = client.post(url, organisation_data(name=police_force.name, kind=OrganisationKind.UNIVERSITY))
    assert "cannot change between police force and another kind" in response.context["form"].errors["kind"][0]
    police_force.refresh_from_db()
    assert police_force.is_police_force


# Units


def test_liaison_officer_adds_a_unit_to_own_organisation(client, university_liaison, university):
    client.force_login(university_liaison)
    url = reverse("partnerships:unit_create", args=[university.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Campus Security", "description": "Patrols at night"}, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(university)
    assert "Unit Campus Security added to University of Northbridge." in response.content.decode()
    assert Unit.objects.get(organisation=university).name == "Campus Security"


def test_administrator_edits_a_unit(client, administrator, force_unit):
    client.force_login(administrator)
    response = client.post(reverse("partnerships:unit_edit", args=[force_unit.pk]), {"name": "Public Protection"})
    assert response.status_code == 302
    force_unit.refresh_from_db()
    assert force_unit.name == "Public Protection"


def test_duplicate_unit_name_in_same_organisation_is_refused(client, university_liaison, university, unit):
    client.force_login(university_liaison)
    before = snapshot(university)
    response = client.post(reverse("partnerships:unit_create", args=[university.pk]), {"name": "student SERVICES"})
    assert response.context["form"].errors["name"] == [
        "University of Northbridge already has a unit called student SERVICES. Choose a different name."
    ]
    assert snapshot(university) == before


def test_renaming_a_unit_onto_a_sibling_is_refused(client, university_liaison, university, unit):
    other = factories.UnitFactory(organisation=university, name="Estates")
    client.force_login(university_liaison)
    response = client.post(reverse("partnerships:unit_edit", args=[other.pk]), {"name": "Student services"})
    assert "already has a unit called" in response.context["form"].errors["name"][0]
    other.refresh_from_db()
    assert other.name == "Estates"


def test_same_unit_name_in_another_organisation_is_fine(client, administrator, police_force, unit):
    client.force_login(administrator)
    response = client.post(reverse("partnerships:unit_create", args=[police_force.pk]), {"name": "Student Services"})
    assert response.status_code == 302
    assert Unit.objects.filter(name="Student Services").count() == 2


def test_unit_clash_caught_only_by_the_database_is_a_form_error(
    client, university_liaison, university, unit, monkeypatch
):
    """Two people adding the same unit at once: the constraint decides, and the loser sees a message."""
    from partnerships.forms.organisations import UnitForm

    monkeypatch.setattr(UnitForm, "clean_name", lambda form: form.cleaned_data["name"])
    client.force_login(university_liaison)
    response = client.post(reverse("partnerships:unit_create", args=[university.pk]), {"name": "Student Services"})
    assert response.status_code == 200
    assert "Someone else saved a record with these details just now" in response.content.decode()
    assert Unit.objects.filter(organisation=university).count() == 1


def test_unit_delete_asks_first_then_keeps_its_contacts(client, university_liaison, university, unit, contact):
    client.force_login(university_liaison)
    url = reverse("partnerships:unit_delete", args=[unit.pk])
    response = client.get(url)
    body = response.content.decode()
    assert "Delete Student Services?" in body
    assert "1 contact in this unit will stay with University of Northbridge, with no unit." in body
    assert Unit.objects.filter(pk=unit.pk).exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(university)
    assert "Unit Student Services deleted." in response.content.decode()
    assert not Unit.objects.filter(pk=unit.pk).exists()
    contact.refresh_from_db()
    assert contact.unit is None


# Contacts


def test_liaison_officer_adds_a_contact_with_unit_and_account(
    client, university_liaison, university, unit, staff_member
):
    client.force_login(university_liaison)
    url = reverse("partnerships:contact_create", args=[university.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, contact_data(unit=unit.pk, user=staff_member.pk), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(university)
    assert "Sam Okoro added to the contacts of University of Northbridge." in response.content.decode()
    created = Contact.objects.get(name="Sam Okoro")
    assert (created.organisation, created.unit, created.user) == (university, unit, staff_member)


def test_administrator_edits_a_contact(client, administrator, force_contact, police_liaison):
    client.force_login(administrator)
    url = reverse("partnerships:contact_edit", args=[force_contact.pk])
    response = client.post(
        url, contact_data(name="DI Ruth Adeyemi", job_title="Detective Inspector", user=police_liaison.pk)
    )
    assert response.status_code == 302
    force_contact.refresh_from_db()
    assert (force_contact.job_title, force_contact.user) == ("Detective Inspector", police_liaison)


def test_editing_a_contact_keeps_its_own_account_linkable(client, university_liaison, contact, staff_member):
    contact.user = staff_member
    contact.save(update_fields=["user"])
    client.force_login(university_liaison)
    url = reverse("partnerships:contact_edit", args=[contact.pk])
    response = client.post(url, contact_data(name="Alex Morgan", user=staff_member.pk))
    assert response.status_code == 302


def test_contact_unit_must_be_of_the_same_organisation(client, administrator, university, force_unit):
    client.force_login(administrator)
    before = snapshot(university)
    response = client.post(
        reverse("partnerships:contact_create", args=[university.pk]), contact_data(unit=force_unit.pk)
    )
    assert response.context["form"].errors["unit"] == ["Choose one of this organisation's units, or leave it empty."]
    assert snapshot(university) == before


@pytest.mark.parametrize("account", ["other_organisation", "inactive", "already_linked"])
def test_contact_account_must_be_free_active_and_of_the_organisation(
    client, university_liaison, university, police_liaison, staff_member, contact, account
):
    if account == "other_organisation":
        user = police_liaison
    elif account == "inactive":
        user = factories.UserFactory(organisation=university, is_active=False)
    else:
        contact.user = staff_member
        contact.save(update_fields=["user"])
        user = staff_member
    client.force_login(university_liaison)
    before = snapshot(university)
    response = client.post(reverse("partnerships:contact_create", args=[university.pk]), contact_data(user=user.pk))
    assert "Choose an active portal account of this organisation" in response.context["form"].errors["user"][0]
    assert snapshot(university) == before


def test_contact_form_offers_only_linkable_accounts(
    client, university_liaison, university, police_liaison, staff_member
):
    factories.ContactFactory(organisation=university, user=university_liaison)
    client.force_login(university_liaison)
    response = client.get(reverse("partnerships:contact_create", args=[university.pk]))
    assert list(response.context["form"].fields["user"].queryset) == [staff_member]


def test_contact_delete_asks_first(client, university_liaison, university, contact):
    client.force_login(university_liaison)
    url = reverse("partnerships:contact_delete", args=[contact.pk])
    body = client.get(url).content.decode()
    assert "Delete Alex Morgan?" in body
    assert "removed from the contacts of University of Northbridge" in body
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == detail_url(university)
    assert "Contact Alex Morgan deleted." in response.content.decode()
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_deleting_an_action_owner_is_refused_with_a_message(
    client, university_liaison, university, contact, partner_link
):
    Action.objects.create(
        partnership=partner_link, title="Map taxi ranks", owner=contact, due_date=timezone.localdate() + timedelta(7)
    )
    client.force_login(university_liaison)
    url = reverse("partnerships:contact_delete", args=[contact.pk])
    message = "Alex Morgan owns 1 action, so cannot be deleted. Give those actions to another owner first"

    confirm = client.get(url).content.decode()
    assert message in confirm
    assert 'type="submit">Delete contact' not in confirm

    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == detail_url(university)
    assert message in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()


# Who may do what


def test_organisation_page_offers_changes_to_those_who_may_make_them(
    client, university_liaison, staff_member, university, unit, contact
):
    links = [
        reverse("partnerships:organisation_edit", args=[university.pk]),
        reverse("partnerships:unit_create", args=[university.pk]),
        reverse("partnerships:unit_edit", args=[unit.pk]),
        reverse("partnerships:unit_delete", args=[unit.pk]),
        reverse("partnerships:contact_create", args=[university.pk]),
        reverse("partnerships:contact_edit", args=[contact.pk]),
        reverse("partnerships:contact_delete", args=[contact.pk]),
    ]
    client.force_login(university_liaison)
    body = client.get(detail_url(university)).content.decode()
    assert all(link in body for link in links)
    client.force_login(staff_member)
    body = client.get(detail_url(university)).content.decode()
    assert not any(link in body for link in links)


def test_staff_member_gets_403_on_own_organisation(client, staff_member, university, unit, contact):
    client.force_login(staff_member)
    before = snapshot(university)
    for url in object_urls(university, unit, contact):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Changed"}).status_code == 403, url
    assert snapshot(university) == before


def test_liaison_officer_gets_403_on_a_partner_organisation(
    client, university_liaison, police_force, force_unit, force_contact, partner_link
):
    client.force_login(university_liaison)
    assert client.get(detail_url(police_force)).status_code == 200
    assert (
        reverse("partnerships:organisation_edit", args=[police_force.pk])
        not in client.get(detail_url(police_force)).content.decode()
    )
    before = snapshot(police_force)
    for url in object_urls(police_force, force_unit, force_contact):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "Changed"}).status_code == 403, url
    assert snapshot(police_force) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_outsider_gets_404_on_every_management_url(client, outsider, university, unit, contact, method):
    before = snapshot(university)
    for url in object_urls(university, unit, contact):
        assert_outsider_gets_404(client, url, outsider, method=method, data={"name": "Changed"})
    assert snapshot(university) == before


def test_outsider_cannot_add_organisations_either(client, outsider):
    """Adding an organisation has no object to hide, so a non-administrator gets 403, not 404."""
    client.force_login(outsider)
    assert client.get(reverse("partnerships:organisation_create")).status_code == 403
    assert client.post(reverse("partnerships:organisation_create"), organisation_data()).status_code == 403


@pytest.mark.parametrize("name", ["unit_edit", "unit_delete", "contact_edit", "contact_delete", "unit_create"])
def test_missing_objects_are_404(client, administrator, name):
    client.force_login(administrator)
    assert client.get(reverse(f"partnerships:{name}", args=[999999])).status_code == 404


# Query counts


@pytest.mark.parametrize("persona", ["administrator", "police_liaison"])
def test_organisation_page_query_count_is_fixed_for_managers(client, personas, police_force, persona):
    def add_rows():
        for _ in range(30):
            unit = factories.UnitFactory(organisation=police_force)
            factories.ContactFactory(organisation=police_force, unit=unit)

    factories.ContactFactory(organisation=police_force, unit=factories.UnitFactory(organisation=police_force))
    client.force_login(personas[persona])
    # session, user, organisation, units, contacts with their units (no session write)
    assert_fixed_queries(client, detail_url(police_force), add_rows, budget=6)
