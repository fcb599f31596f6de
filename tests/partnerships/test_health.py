"""Partnership health: computed from engagements, shares, feedback and actions, with reasons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.health import assess, health_of, with_figures, with_health
from partnerships.models import Action, Direction, Partnership, PartnershipStatus
from tests import factories

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def ago(days):
    return today() - timedelta(days=days)


LEVELS = ["engagement_level", "flow_level", "feedback_level", "actions_level", "commitments_level", "health_level"]


def health(partnership):
    """The health by every route the portal takes, which must agree, in words."""
    one = Partnership.objects.filter(pk=partnership.pk)
    per_row, joined = with_health(one).get(), with_health(one, many=True).get()
    in_python = assess(with_figures(one).get())
    for level in LEVELS:
        assert getattr(per_row, level) == getattr(joined, level) == getattr(in_python, level), level
    return health_of(per_row)


def reasons(result):
    return {reason.level: reason.text for reason in result.reasons}


def make_healthy(partnership):
    factories.EngagementFactory(partnership=partnership, date=ago(20))
    factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_POLICE, shared_on=ago(10))
    factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_INSTITUTION, shared_on=ago(12))


def test_healthy_partnership_is_green_with_reasons(partnership):
    make_healthy(partnership)
    result = health(partnership)
    assert result.level == "green" and result.label == "Healthy"
    texts = [reason.text for reason in result.reasons]
    assert "Last engagement 20 days ago." in texts
    assert "Information is flowing both ways in the last 90 days (1 to police, 1 back)." in texts
    assert "No overdue actions." in texts
    assert any("No agreement in force" in text for text in texts)


def test_no_engagement_for_half_a_year_is_red(partnership):
    make_healthy(partnership)
    factories.EngagementFactory.reset_sequence()
    partnership.engagements.update(date=ago(200))
    result = health(partnership)
    assert result.level == "red"
    assert reasons(result)["red"] == "Last engagement 200 days ago; partners should meet at least quarterly."


def test_a_brand_new_partnership_without_meetings_is_amber_not_red(partnership):
    result = health(partnership)
    assert result.level == "amber"
    assert "No engagement has been recorded yet." in [r.text for r in result.reasons if r.level == "amber"]


def test_one_way_information_is_amber(partnership):
    factories.EngagementFactory(partnership=partnership, date=ago(5))
    factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_POLICE, shared_on=ago(3))
    result = health(partnership)
    assert result.level == "amber"
    assert reasons(result)["amber"].startswith("Information has gone only to the police")


def test_unanswered_shares_turn_red_and_feedback_brings_it_back(partnership, police_liaison):
    make_healthy(partnership)
    old = [
        factories.InformationShareFactory(partnership=partnership, shared_on=ago(60 + n), direction=Direction.TO_POLICE)
        for n in range(4)
    ]
    result = health(partnership)
    assert result.level == "red"
    assert reasons(result)["red"] == "0 of 4 shares older than 30 days have outcome feedback (0%)."
    for share in old[:2]:
        share.outcome, share.outcome_on = "disruption", today()
        share.save()
    assert health(partnership).level == "amber"
    for share in old[2:]:
        share.outcome, share.outcome_on = "no_further_action", today()
        share.save()
    assert health(partnership).level == "green"


def test_overdue_actions_count_amber_then_red(partnership):
    make_healthy(partnership)
    owner = factories.ContactFactory(organisation=partnership.institution)
    actions = [factories.ActionFactory(partnership=partnership, owner=owner) for _ in range(3)]
    Action.objects.filter(pk=actions[0].pk).update(due_date=ago(1))
    assert health(partnership).level == "amber"
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(due_date=ago(1))
    result = health(partnership)
    assert result.level == "red" and reasons(result)["red"] == "3 actions overdue."


def test_ended_partnership_is_not_assessed(partnership):
    partnership.status = PartnershipStatus.ENDED
    partnership.save()
    assert health(partnership).level is None


def test_list_filters_by_health_and_the_page_agrees(client, administrator, partnership):
    make_healthy(partnership)
    struggling = factories.PartnershipFactory(title="Struggling")
    factories.EngagementFactory(partnership=struggling, date=ago(300))
    client.force_login(administrator)
    url = reverse("partnerships:partnership_list")
    assert [p.title for p in client.get(url, {"health": "green"}).context["partnerships"]] == [partnership.title]
    assert [p.title for p in client.get(url, {"health": "red"}).context["partnerships"]] == ["Struggling"]
    assert [p.title for p in client.get(url, {"sort": "health"}).context["partnerships"]] == [
        "Struggling",
        partnership.title,
    ]
    page = client.get(struggling.get_absolute_url())
    assert page.context["health"].level == "red"
    assert "Health: At risk" in page.content.decode()


def test_administrator_dashboard_counts_partnerships_by_health(client, administrator, partnership):
    make_healthy(partnership)
    factories.PartnershipFactory(status=PartnershipStatus.ENDED)
    factories.PartnershipFactory()
    client.force_login(administrator)
    rows = client.get(reverse("portal:dashboard")).context["partnerships_by_health"]
    assert rows == [("amber", "amber", 1), ("green", "green", 1), ("none", None, 1)]


def test_staff_see_the_light_but_no_share_counts(client, staff_member, partnership):
    make_healthy(partnership)
    factories.InformationShareFactory(partnership=partnership, shared_on=ago(60))
    client.force_login(staff_member)
    response = client.get(partnership.get_absolute_url())
    texts = [reason.text for reason in response.context["health"].reasons]
    assert response.context["health"].level == "red"
    assert "Information sharing needs attention; liaison officers can see the details." in texts
    assert not any("to police" in text or "shares" in text for text in texts)
