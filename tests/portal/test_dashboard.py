import pytest
from django.urls import reverse

from portal.context_processors import navigation_for
from tests import factories
from tests.helpers import NAVIGATION, assert_fixed_queries

pytestmark = pytest.mark.django_db


PANELS = {
    "university_liaison": ["Your partnerships", "Memoranda of understanding", "Training for your staff"],
    "staff": ["Your training"],
    "police_liaison": ["MOUs awaiting your review", "Partner institutions", "Training your units offer"],
    "administrator": ["Partnerships by health", "Organisations", "Active users", "MOU templates and agreements"],
}


@pytest.mark.parametrize("role", NAVIGATION)
def test_navigation_shows_each_role_what_it_may_use(role, personas):
    assert [item.label for item in navigation_for(personas[role])] == NAVIGATION[role]


@pytest.mark.parametrize("role", NAVIGATION)
def test_navigation_links_are_rendered_and_open(client, role, personas):
    client.force_login(personas[role])
    response = client.get(reverse("portal:dashboard"))
    body = response.content.decode()
    for item in navigation_for(personas[role]):
        assert f'href="{item.url}"' in body
        assert client.get(item.url).status_code == 200, item


@pytest.mark.parametrize("role", PANELS)
def test_dashboard_shows_the_panels_of_the_role(client, role, personas):
    client.force_login(personas[role])
    body = client.get(reverse("portal:dashboard")).content.decode()
    for heading in PANELS[role]:
        assert heading in body
    assert "Skip to main content" in body
    assert "<title>Dashboard · " in body


def test_administrators_reach_django_admin_from_the_user_menu(client, administrator):
    client.force_login(administrator)
    assert f'href="{reverse("admin:index")}"' in client.get(reverse("portal:dashboard")).content.decode()


def test_non_administrators_do_not_see_the_admin_link(client, university_liaison):
    client.force_login(university_liaison)
    assert reverse("admin:index") not in client.get(reverse("portal:dashboard")).content.decode()


def test_non_administrator_cannot_open_django_admin(client, university_liaison):
    client.force_login(university_liaison)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


def test_colleagues_panel_lists_only_own_organisation(client, university_liaison, outsider):
    factories.UserFactory(organisation=university_liaison.organisation, first_name="Hannah", last_name="Lewis")
    outsider.first_name, outsider.last_name = "Tom", "Harding"
    outsider.save(update_fields=["first_name", "last_name"])
    client.force_login(university_liaison)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Hannah Lewis" in body
    assert "Tom Harding" not in body


@pytest.mark.parametrize("role", PANELS)
def test_dashboard_query_count_does_not_grow_with_data(client, role, personas):
    user = personas[role]

    def add_rows():
        factories.UserFactory.create_batch(30, organisation=user.organisation, role=user.role)
        factories.OrganisationFactory.create_batch(30)

    client.force_login(user)
    # Liaison officers also get their partnerships, open actions, shares awaiting feedback and MOUs.
    budget = 17 if user.is_liaison_officer else 10  # +2: proposals and invitations awaiting an answer
    assert_fixed_queries(client, reverse("portal:dashboard"), add_rows, budget=budget)
