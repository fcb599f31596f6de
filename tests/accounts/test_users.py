import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.models import Role, User
from tests import factories

pytestmark = pytest.mark.django_db


def test_police_liaison_must_belong_to_a_police_force(university):
    user = factories.UserFactory.build(organisation=university, role=Role.POLICE_LIAISON)
    with pytest.raises(ValidationError, match="must belong to a police force"):
        user.full_clean()


def test_staff_member_cannot_belong_to_a_police_force(police_force):
    user = factories.UserFactory.build(organisation=police_force, role=Role.STAFF)
    with pytest.raises(ValidationError, match="belong to an institution"):
        user.full_clean()


def test_email_is_unique_whatever_its_case(university):
    factories.UserFactory(email="Priya.Shah@example.org", organisation=university)
    with pytest.raises(IntegrityError):
        factories.UserFactory(email="priya.shah@EXAMPLE.org", organisation=university)


def test_superuser_is_an_administrator(university):
    user = User.objects.create_superuser("root", "root@example.org", "pw-long-enough-123", organisation=university)
    assert user.role == Role.ADMINISTRATOR
    assert user.is_administrator


def test_users_visible_to_a_member_are_their_colleagues(university_liaison, staff_member, outsider):
    assert set(User.objects.visible_to(university_liaison)) == {university_liaison, staff_member}


def test_createadmin_makes_an_administrator_and_the_operator_organisation(monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    monkeypatch.setenv("ADMIN_PASSWORD", "a-long-enough-admin-passphrase")
    call_command("createadmin", "ops", "ops@example.org", stdout=StringIO())
    user = User.objects.get(username="ops")
    assert user.is_administrator and user.is_staff
    assert user.organisation.name == "Partnership Portal Service"
    assert user.check_password("a-long-enough-admin-passphrase")


def test_createadmin_refuses_a_weak_password(monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="too short"):
        call_command("createadmin", "ops", "ops@example.org")
    assert not User.objects.filter(username="ops").exists()
