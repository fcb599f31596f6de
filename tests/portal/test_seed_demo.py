from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from accounts.models import Role, User
from partnerships.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

SEEDED_MODELS = ["partnerships.Organisation", "partnerships.Unit", "partnerships.Contact", "accounts.User"]


def snapshot():
    return {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in SEEDED_MODELS}


def test_seed_demo_creates_every_role_and_two_police_forces():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)
    assert forces.count() >= 2
    assert all(force.units.exists() for force in forces)
    assert "uni.liaison" in out.getvalue()
    assert "partnership-demo-2026" in out.getvalue()


def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert snapshot() == first
    assert "created now: 0 organisations, 0 units, 0 users, 0 contacts" in out.getvalue()


def test_demo_users_can_log_in(client):
    call_command("seed_demo", stdout=StringIO())
    response = client.post("/accounts/login/", {"username": "police.liaison", "password": "partnership-demo-2026"})
    assert response.status_code == 302
