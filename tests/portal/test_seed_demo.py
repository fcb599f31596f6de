from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role, User
from demo import partnerships as demo_partnerships
from partnerships.health import with_health
from partnerships.models import (
    Action,
    Contact,
    Direction,
    Engagement,
    InformationShare,
    Organisation,
    OrganisationKind,
    Partnership,
    PartnershipStatus,
)
from tests.fixtures.agreements import default_template

pytestmark = pytest.mark.django_db

MAIN = "University of Northbridge and Northbridge Police: safer campus partnership"
EASTMOOR = "Eastmoor University and Eastmoor and Dales Constabulary: tackling county lines"
HISTORY_MODELS = [
    "partnerships.HistoricalPartnership",
    "partnerships.HistoricalEngagement",
    "partnerships.HistoricalAction",
    "partnerships.HistoricalInformationShare",
]
SEEDED_MODELS = [
    "partnerships.Organisation",
    "partnerships.Unit",
    "partnerships.Contact",
    "accounts.User",
    "partnerships.Partnership",
    "partnerships.Engagement",
    "partnerships.Action",
    "partnerships.InformationShare",
    *HISTORY_MODELS,
]
NOTHING_CREATED = (
    "created now: 0 organisations, 0 units, 0 users, 0 contacts, 0 partnerships, 0 engagements, 0 actions, 0 shares"
)


def snapshot():
    models = [apps.get_model(label) for label in SEEDED_MODELS]
    models += [Partnership.other_agencies.through, Engagement.attendees.through]
    return {model._meta.label: list(model._default_manager.order_by("pk").values()) for model in models}


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_creates_every_role_and_two_police_forces():
    out = seed()
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    forces = Organisation.objects.filter(kind=OrganisationKind.POLICE_FORCE)
    assert forces.count() >= 2
    assert all(force.units.exists() for force in forces)
    assert "uni.liaison" in out
    assert "partnership-demo-2026" in out


def test_seed_demo_twice_changes_nothing():
    seed()
    first = snapshot()
    assert all(first[label] for label in SEEDED_MODELS)
    assert NOTHING_CREATED in seed()
    assert snapshot() == first


def test_seed_demo_on_a_later_day_changes_nothing():
    # Dates are relative to the day of the first run; the natural keys do not include them.
    seed()
    first = snapshot()
    later = timezone.localdate() + timedelta(days=45)
    assert demo_partnerships.seed(today=later) == {"partnerships": 0, "engagements": 0, "actions": 0, "shares": 0}
    assert snapshot() == first


def test_seed_demo_has_a_partnership_in_every_status():
    seed()
    assert set(Partnership.objects.values_list("status", flat=True)) == set(PartnershipStatus.values)
    for partnership in Partnership.objects.all():
        partnership.full_clean()


def test_main_partnership_is_healthy_and_eastmoor_is_not():
    seed()
    health = {p.title: p for p in with_health(Partnership.objects.all())}
    main, eastmoor = health[MAIN], health[EASTMOOR]
    assert main.health_level == 0
    assert (timezone.localdate() - main.last_engagement_on).days <= 30
    assert main.shares_to_police_recent and main.shares_to_institution_recent
    assert main.overdue_action_count == 0
    assert eastmoor.health_level == 2
    assert eastmoor.overdue_action_count >= 1
    assert health["University of Northbridge and Northbridge Police: night-time safety pilot"].health_level is None


def test_main_partnership_has_sponsors_points_of_contact_and_activity():
    default_template()  # a browser test's flush may have emptied the data migration's template
    seed()
    main = Partnership.objects.get(title=MAIN)
    assert main.status == PartnershipStatus.ACTIVE
    assert main.institution_contact.user.username == "uni.liaison"
    assert main.police_contact.user.username == "police.liaison"
    assert main.institution_sponsor.user.username == "uni.sponsor"
    assert main.police_sponsor.user.username == "police.sponsor"
    assert main.institution_deputy.user.username == "uni.deputy"
    assert main.police_deputy.user.username == "police.deputy"
    assert main.other_agencies.filter(name="St Aidan's Community Church").exists()
    council = main.other_agencies.get(name="Northbridge Borough Council")
    officer = User.objects.get(username="council.liaison")
    assert officer.organisation == council and officer.is_agency_liaison
    assert main.actions.filter(owner__user=officer).exists()
    signed = main.agreements.get(status="in_force")
    assert {s.signer.username for s in signed.signatures.all()} == {"uni.sponsor", "police.sponsor"}
    shares = main.shares.all()
    assert {share.direction for share in shares} == set(Direction.values)
    assert shares.exclude(outcome="").exists() and shares.filter(outcome="").exists()
    assert main.actions.filter(engagement__isnull=False).exists()
    assert main.actions.filter(status="done").exists() and main.actions.open().exists()
    for engagement in main.engagements.all():
        sides = set(engagement.attendees.values_list("organisation__kind", flat=True))
        assert OrganisationKind.POLICE_FORCE in sides and len(sides) > 1


def test_seeded_rows_and_their_history_name_a_user():
    seed()
    for model in (Partnership, Engagement, Action):
        assert not model.objects.filter(created_by__isnull=True).exists()
    assert not InformationShare.objects.filter(shared_by__isnull=True).exists()
    assert not InformationShare.objects.exclude(outcome="").filter(outcome_by__isnull=True).exists()
    for label in HISTORY_MODELS:
        history = apps.get_model(label).objects
        assert history.exists()
        assert not history.filter(history_user__isnull=True).exists()
    # Feedback is a second entry in a share's history, by the receiving side.
    share = InformationShare.objects.exclude(outcome="").first()
    assert [h.history_user for h in share.history.order_by("history_date", "history_id")] == [
        share.shared_by,
        share.outcome_by,
    ]


def test_seeded_shares_keep_their_text_for_now():
    seed()
    today = timezone.localdate()
    assert not InformationShare.objects.filter(retain_until__lt=today).exists()
    assert not InformationShare.objects.filter(shared_on__gt=today).exists()


def test_demo_liaison_officers_act_through_their_contacts():
    seed()
    for username in ("uni.liaison", "police.liaison", "eastmoor.liaison", "eastmoor.police"):
        user = User.objects.get(username=username)
        assert Contact.objects.get(user=user).organisation == user.organisation


def test_seed_demo_links_a_demo_users_unlinked_contact():
    seed()
    Contact.objects.filter(user__username="eastmoor.liaison").update(user=None)
    assert NOTHING_CREATED in seed()
    assert Contact.objects.get(name="Tom Harding").user.username == "eastmoor.liaison"


def test_seed_demo_leaves_a_renamed_partnership_alone():
    # Only one live partnership per institution and force: the seed must not trip over it.
    seed()
    Partnership.objects.filter(title=MAIN).update(title="Safer campus")
    assert NOTHING_CREATED in seed()
    assert not Partnership.objects.filter(title=MAIN).exists()


def test_demo_users_can_log_in(client):
    seed()
    response = client.post("/accounts/login/", {"username": "police.liaison", "password": "partnership-demo-2026"})
    assert response.status_code == 302


def test_seed_demo_records_the_reminders_the_demo_is_due_once():
    from notifications.models import Notification
    from tests.fixtures.agreements import default_template

    default_template()  # its migration's rows are gone if a transactional test ran first
    first = seed()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert {"booking_confirmed", "action_overdue", "agreement_signed"} <= kinds
    assert Notification.objects.filter(shown=True, recipient__username="uni.liaison").exists()
    count = Notification.objects.count()
    assert "0 reminders" not in first
    assert "0 reminders" in seed()
    assert Notification.objects.count() == count


def test_demo_users_who_need_a_second_factor_have_one_and_demo_code_prints_it():
    from django_otp.oath import TOTP  # noqa: F401 - the same maths the command uses
    from django_otp.plugins.otp_totp.models import TOTPDevice

    seed()
    assert set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True)) == {
        "admin",
        "police.liaison",
        "eastmoor.police",
        "police.deputy",
        "uni.sponsor",
        "police.sponsor",
        "eastmoor.sponsor",
        "eastmoor.chief",
    }
    out = StringIO()
    call_command("demo_code", "police.liaison", stdout=out)
    code = out.getvalue().strip()
    device = TOTPDevice.objects.get(user__username="police.liaison")
    assert len(code) == 6 and device.verify_token(code)
    assert "0 authenticators" in seed()


def test_the_demo_has_an_agreement_mid_negotiation():
    """Version 2 in review, threads carried from version 1 (one internal to the force), one
    proposed wording accepted into version 2 and one declined with its reason."""
    from agreements.models import AgreementStatus, ProposalStatus, ReviewThread
    from tests.fixtures.agreements import default_template

    default_template()  # its migration's rows are gone if a transactional test ran first
    seed()
    threads = ReviewThread.objects.filter(agreement__title__startswith="Tackling county lines").select_related(
        "agreement", "raised_on"
    )
    agreement = threads[0].agreement
    assert agreement.status == AgreementStatus.IN_REVIEW and agreement.versions.count() == 2
    assert {thread.raised_on.number for thread in threads} == {1}
    assert threads.filter(resolved_at__isnull=True, internal=True).exists()
    assert threads.filter(resolved_at__isnull=True, internal=False, proposal__isnull=True).exists()
    accepted = threads.get(proposal__status=ProposalStatus.ACCEPTED).proposal
    declined = threads.get(proposal__status=ProposalStatus.DECLINED).proposal
    version_two = {clause["key"]: clause["text"] for clause in agreement.versions.get(number=2).clauses}
    assert accepted.applied_at and version_two["escalation"].endswith("within 10 working days.")
    assert declined.decline_reason


def test_the_demo_agreement_in_force_has_one_variation():
    """Issue 16: the safer campus memorandum was varied (the hate crime reporting clause added):
    variation 1 is in force, the original superseded, and both list it."""
    from agreements.models import A
    from tests.fixtures.agreements import default_template

    default_template()
    seed()
    main = Partnership.objects.get(title=MAIN)
    variation = main.agreements.get(status=A.IN_FORCE)
    original = variation.varies
    assert variation.variation_number == 1 and original.status == A.SUPERSEDED
    assert variation.expires_on == original.expires_on
    added = variation.clauses.get(required=False, heading__icontains="hate crime third-party")
    assert added.included and not original.clauses.get(key=added.key).included
    assert {s.signer.username for s in variation.signatures.all()} == {"uni.sponsor", "police.sponsor"}
    seed()  # again: nothing more
    assert original.variations.count() == 1
