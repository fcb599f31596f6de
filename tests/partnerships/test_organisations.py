import pytest
from django.urls import reverse

from partnerships.models import Contact, Organisation, Unit
from tests import factories
from tests.helpers import assert_outsider_gets_404

pytestmark = pytest.mark.django_db


def detail_url(organisation):
    return reverse("partnerships:organisation_detail", args=[organisation.pk])


def test_member_sees_own_organisation_with_units_and_contacts(client, police_liaison, police_force):
    factories.UnitFactory(organisation=police_force, name="Rape and Serious Crime Unit")
    factories.ContactFactory(organisation=police_force, name="DI Ruth Adeyemi")
    client.force_login(police_liaison)
    response = client.get(detail_url(police_force))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rape and Serious Crime Unit" in body
    assert "DI Ruth Adeyemi" in body


def test_outsider_gets_404_on_organisation_detail(client, university, outsider):
    assert_outsider_gets_404(client, detail_url(university), outsider)


def test_missing_organisation_is_404_too(client, university_liaison):
    client.force_login(university_liaison)
    assert client.get(reverse("partnerships:organisation_detail", args=[999999])).status_code == 404


def test_outsider_sees_only_own_organisation_in_list(client, university, outsider):
    client.force_login(outsider)
    response = client.get(reverse("partnerships:organisation_list"))
    assert list(response.context["organisations"]) == [outsider.organisation]


def test_administrator_sees_every_organisation(client, administrator, university, police_force):
    client.force_login(administrator)
    response = client.get(reverse("partnerships:organisation_list"))
    names = {o.name for o in response.context["organisations"]}
    assert {"University of Northbridge", "Northbridge Police"} <= names
    assert client.get(detail_url(police_force)).status_code == 200


def test_organisation_list_searches_and_filters(client, administrator, university, police_force):
    client.force_login(administrator)
    response = client.get(reverse("partnerships:organisation_list"), {"q": "police"})
    assert [o.name for o in response.context["organisations"]] == ["Northbridge Police"]
    response = client.get(reverse("partnerships:organisation_list"), {"kind": "university"})
    assert "Northbridge Police" not in {o.name for o in response.context["organisations"]}


def test_organisation_list_ignores_unknown_filter_values(client, administrator, university):
    client.force_login(administrator)
    response = client.get(reverse("partnerships:organisation_list"), {"kind": "<script>", "region": "mars"})
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_organisation_list_shows_empty_search_state(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("partnerships:organisation_list"), {"q": "no such place"})
    assert "No organisations match your search." in response.content.decode()


def test_organisation_list_paginates(client, administrator):
    factories.OrganisationFactory.create_batch(30)
    client.force_login(administrator)
    response = client.get(reverse("partnerships:organisation_list"))
    assert len(response.context["organisations"]) == 25
    assert "Page 1 of 2" in response.content.decode()


def test_organisation_name_is_escaped(client, administrator):
    factories.OrganisationFactory(name='<script>alert("x")</script>')
    client.force_login(administrator)
    body = client.get(reverse("partnerships:organisation_list")).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;" in body


@pytest.mark.parametrize("rows", [1, 60])
def test_organisation_list_query_count_is_fixed(client, administrator, django_assert_num_queries, rows):
    for organisation in factories.OrganisationFactory.create_batch(rows):
        factories.UnitFactory(organisation=organisation)
        factories.ContactFactory(organisation=organisation)
    client.force_login(administrator)
    # session, user, count, page of organisations (with unit and contact counts); the session
    # is not written (core.middleware.SessionIdleExpiryMiddleware refreshes it once a minute)
    with django_assert_num_queries(5):
        client.get(reverse("partnerships:organisation_list"))


@pytest.mark.parametrize("rows", [1, 40])
def test_organisation_detail_query_count_is_fixed(
    client, police_liaison, police_force, django_assert_num_queries, rows
):
    for _ in range(rows):
        unit = factories.UnitFactory(organisation=police_force)
        factories.ContactFactory(organisation=police_force, unit=unit)
    client.force_login(police_liaison)
    # session, user, organisation, units, contacts with their units (no session write)
    with django_assert_num_queries(6):
        client.get(detail_url(police_force))


class TestVisibleTo:
    def test_anonymous_user_sees_nothing(self, university):
        from django.contrib.auth.models import AnonymousUser

        assert not Organisation.objects.visible_to(AnonymousUser()).exists()

    def test_inactive_user_sees_nothing(self, university_liaison):
        university_liaison.is_active = False
        assert not Organisation.objects.visible_to(university_liaison).exists()

    def test_member_sees_own_units_and_contacts_only(self, university_liaison, outsider):
        factories.UnitFactory(organisation=university_liaison.organisation, name="Student Services")
        factories.UnitFactory(organisation=outsider.organisation, name="Their Security")
        factories.ContactFactory(organisation=outsider.organisation)
        assert [u.name for u in Unit.objects.visible_to(university_liaison)] == ["Student Services"]
        assert not Contact.objects.visible_to(university_liaison).filter(organisation=outsider.organisation).exists()


class TestOutsiderHelper:
    """The 404 helper must be able to fail, or it proves nothing."""

    @pytest.mark.urls("tests.partnerships.unscoped_urls")
    def test_helper_fails_on_a_view_without_scoping(self, client, university, outsider):
        with pytest.raises(AssertionError, match="must get 404"):
            assert_outsider_gets_404(client, f"/unscoped/{university.pk}/", outsider)

    def test_helper_passes_on_a_scoped_view(self, client, university, outsider):
        assert_outsider_gets_404(client, detail_url(university), outsider)
