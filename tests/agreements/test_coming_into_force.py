"""In force on its date (issue 16): signed by both sides before its effective date, an agreement
is "signed, in force from <date>"; the daily task puts it in force on that date and supersedes the
agreement it replaces then, not before."""

import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from accounts.reauth import PASSWORD
from agreements import services, tasks
from agreements.models import A, Agreement
from partnerships.models import Commitment
from tests.factories import PASSWORD as FACTORY_PASSWORD
from tests.fixtures.agreements import sign_both

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
EFFECTIVE = date(2026, 12, 1)  # the fixtures' effective date


def on(day: date, hour: int = 12):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=LONDON), tick=False)


@pytest.fixture
def previous(partnership, template):
    """The agreement in force that the approved one replaces."""
    agreement = Agreement.objects.create(partnership=partnership, template=template, title="Old MOU", status=A.IN_FORCE)
    type(partnership).objects.filter(pk=partnership.pk).update(agreement_in_force_since=date(2024, 1, 1))
    return agreement


@pytest.fixture
def signed_early(approved, previous, police_liaison, university_liaison):
    """Both sides sign on 20 November 2026, eleven days before the effective date."""
    with on(date(2026, 11, 20)):
        sign_both(approved, police_liaison, university_liaison)
    approved.refresh_from_db()
    return approved


def test_signed_before_its_effective_date_it_is_signed_not_in_force(signed_early, previous, partnership):
    assert signed_early.status == A.SIGNED and signed_early.signed_at
    assert signed_early.status_label == "Signed, in force from 1 December 2026"
    assert signed_early.is_signed  # its signed PDF is rendered now, once
    previous.refresh_from_db()
    assert previous.status == A.IN_FORCE and signed_early.supersedes is None
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since == date(2024, 1, 1)
    assert signed_early.events.order_by("-pk").first().comment == "Signed by both sides; in force from 1 December 2026"


def test_the_daily_task_leaves_it_until_its_effective_date(signed_early, previous):
    with on(date(2026, 11, 30), hour=23):
        assert tasks.bring_agreements_into_force() == 0
    signed_early.refresh_from_db()
    previous.refresh_from_db()
    assert signed_early.status == A.SIGNED and previous.status == A.IN_FORCE


def test_on_its_effective_date_it_comes_into_force_and_supersedes_the_old_one(signed_early, previous, partnership):
    with on(EFFECTIVE, hour=0):
        assert tasks.bring_agreements_into_force() == 1
        assert tasks.bring_agreements_into_force() == 0  # run again: nothing more to do
    signed_early.refresh_from_db()
    previous.refresh_from_db()
    assert signed_early.status == A.IN_FORCE and signed_early.supersedes == previous
    assert previous.status == A.SUPERSEDED
    partnership.refresh_from_db()
    assert partnership.agreement_in_force_since == EFFECTIVE
    assert {c.kind for c in Commitment.objects.active()} == {"meetings", "statistics", "training", "review"}
    moves = [(e.from_status, e.to_status) for e in signed_early.events.order_by("pk")][-2:]
    assert moves == [(A.PARTLY_SIGNED, A.SIGNED), (A.SIGNED, A.IN_FORCE)]
    assert previous.events.get().comment == f"Superseded by {signed_early.title}"


def test_signed_on_or_after_its_effective_date_it_is_in_force_at_once(
    approved, previous, police_liaison, university_liaison
):
    with on(EFFECTIVE):
        sign_both(approved, police_liaison, university_liaison)
    approved.refresh_from_db()
    previous.refresh_from_db()
    assert approved.status == A.IN_FORCE and previous.status == A.SUPERSEDED


def test_health_says_in_force_since_only_once_in_force(client, signed_early, university_liaison, partnership):
    Agreement.objects.filter(title="Old MOU").update(status=A.ENDED)
    type(partnership).objects.filter(pk=partnership.pk).update(agreement_in_force_since=None)
    client.force_login(university_liaison)
    before = client.get(partnership.get_absolute_url()).content.decode()
    assert "in force since" not in before.lower()
    with on(EFFECTIVE, hour=1):
        tasks.bring_agreements_into_force()
    after = client.get(partnership.get_absolute_url()).content.decode()
    assert "Agreement in force since 1 December 2026." in after


def test_the_agreement_page_and_verification_say_signed_in_force_from(client, signed_early, university_liaison):
    client.force_login(university_liaison)
    page = client.get(signed_early.get_absolute_url()).content.decode()
    assert "Signed, in force from 1 December 2026" in page
    assert "comes into force on 1 December 2026" in page
    verify = client.get(signed_early.get_verification_url()).content.decode()
    assert "Signed, in force from 1 December 2026" in verify and "In force since" not in verify
    with on(EFFECTIVE, hour=1):
        tasks.bring_agreements_into_force()
    verify = client.get(signed_early.get_verification_url()).content.decode()
    assert "In force since 1 December 2026" in verify


def test_the_signing_page_says_when_it_comes_into_force(client, approved, police_liaison, university_liaison):
    services.sign(
        approved, by=police_liaison, position="Inspector", authentication=PASSWORD, ip_address=None, confirmed=True
    )
    with on(date(2026, 11, 20)):
        client.force_login(university_liaison)
        response = client.post(
            reverse("agreements:sign", args=[approved.pk]),
            {"position": "Head of Student Safety", "confirmed": "on", "password": FACTORY_PASSWORD},
            follow=True,
        )
    approved.refresh_from_db()
    assert approved.status == A.SIGNED
    assert "It comes into force on 1 December 2026" in response.content.decode()


def test_beat_runs_the_coming_into_force_every_day(db):
    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    migration = importlib.import_module("agreements.migrations.0006_signed_until_in_force")
    migration.schedule(apps, None)
    migration.schedule(apps, None)  # a second run adds nothing
    entry = PeriodicTask.objects.get(task=tasks.bring_agreements_into_force.name)
    assert entry.enabled and entry.crontab.hour == "0" and entry.crontab.day_of_week == "*"


def test_a_new_draft_waits_until_the_signed_one_is_in_force(client, signed_early, university_liaison, partnership):
    client.force_login(university_liaison)
    response = client.get(reverse("agreements:create", args=[partnership.pk]))
    assert response.status_code == 302 and response.url == signed_early.get_absolute_url()


def test_the_last_signature_tells_the_other_side_when_it_comes_into_force(signed_early, police_liaison):
    from notifications.models import Notification

    titles = set(Notification.objects.filter(recipient=police_liaison).values_list("title", flat=True))
    assert f"Signed by both sides, in force from 1 December 2026: {signed_early.title}" in titles
