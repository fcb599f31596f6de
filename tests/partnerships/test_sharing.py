"""Information shares: the warning, the lawful basis, feedback, the view log, no-store and retention."""

from datetime import date, timedelta

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from partnerships import services
from partnerships.models import Direction, InformationShare, ShareView
from tests import factories

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def share_data(**overrides):
    data = {
        "category": "vehicle",
        "summary": "A grey hatchback waits by the east gate after midnight; partial plate noted.",
        "lawful_basis": "public_task",
        "shared_on": today().isoformat(),
    }
    data.update(overrides)
    return data


def test_share_form_warns_against_names_and_sends_no_store(client, university_liaison, partnership):
    client.force_login(university_liaison)
    response = client.get(reverse("partnerships:share_create", args=[partnership.pk]))
    assert "Do not name victims, survivors or witnesses" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_university_shares_with_police_and_the_direction_follows_the_sender(client, university_liaison, partnership):
    client.force_login(university_liaison)
    response = client.post(reverse("partnerships:share_create", args=[partnership.pk]), share_data())
    share = InformationShare.objects.get()
    assert response.url == share.get_absolute_url()
    assert share.direction == Direction.TO_POLICE and share.shared_by == university_liaison
    assert share.retain_until == today() + relativedelta(months=18)


def test_police_share_goes_to_the_institution(client, police_liaison, partnership):
    client.force_login(police_liaison)
    client.post(reverse("partnerships:share_create", args=[partnership.pk]), share_data(direction="to_police"))
    assert InformationShare.objects.get().direction == Direction.TO_INSTITUTION


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lawful_basis": "other"}, "lawful_basis_detail", "Explain the lawful basis"),
        ({"lawful_basis": "because"}, "lawful_basis", "valid choice"),
        ({"shared_on": "2999-01-01"}, "shared_on", "cannot be in the future"),
        ({"summary": ""}, "summary", "required"),
        ({"summary": "x" * 2001}, "summary", "at most 2000 characters"),
    ],
)
def test_bad_share_input_is_refused_and_keeps_what_was_typed(
    client, university_liaison, partnership, overrides, field, message
):
    client.force_login(university_liaison)
    response = client.post(reverse("partnerships:share_create", args=[partnership.pk]), share_data(**overrides))
    assert message in " ".join(response.context["form"].errors[field])
    if overrides.get("summary", "x") and len(overrides.get("summary", "")) < 2001:
        assert "grey hatchback" in response.content.decode()
    assert not InformationShare.objects.exists()


def test_other_lawful_basis_with_an_explanation_is_accepted(client, university_liaison, partnership):
    client.force_login(university_liaison)
    data = share_data(lawful_basis="other", lawful_basis_detail="Section 115 Crime and Disorder Act 1998")
    assert client.post(reverse("partnerships:share_create", args=[partnership.pk]), data).status_code == 302


def test_administrators_record_no_shares(client, administrator, partnership):
    client.force_login(administrator)
    assert client.get(reverse("partnerships:share_create", args=[partnership.pk])).status_code == 403


def feedback(client, share, **overrides):
    data = {"outcome": "safeguarding_referral", "outcome_on": today().isoformat(), "note": "Referred to services."}
    data.update(overrides)
    return client.post(reverse("partnerships:share_feedback", args=[share.pk]), data)


def test_receiving_side_records_outcome_feedback(client, police_liaison, share):
    client.force_login(police_liaison)
    assert feedback(client, share).status_code == 302
    share.refresh_from_db()
    assert share.outcome == "safeguarding_referral" and share.outcome_by == police_liaison
    assert share.retain_until == share.outcome_on.replace(year=share.outcome_on.year + 1)


def test_sending_side_cannot_record_feedback_on_its_own_share(client, university_liaison, share):
    client.force_login(university_liaison)
    assert feedback(client, share).status_code == 403


def test_feedback_dated_before_the_share_is_refused(client, police_liaison, share):
    client.force_login(police_liaison)
    response = feedback(client, share, outcome_on=(share.shared_on - timedelta(days=1)).isoformat())
    assert "cannot be dated before the information was shared" in response.context["form"].errors["outcome_on"][0]
    share.refresh_from_db()
    assert share.outcome == ""


def test_feedback_is_not_overwritten(client, police_liaison, share):
    client.force_login(police_liaison)
    feedback(client, share)
    assert feedback(client, share, outcome="disruption").status_code == 403
    share.refresh_from_db()
    assert share.outcome == "safeguarding_referral"


def test_every_view_is_logged_and_the_log_is_shown_to_single_points_of_contact(
    client, university_liaison, police_liaison, share, university
):
    colleague = factories.UniversityLiaisonFactory(organisation=university, first_name="Olu", last_name="Bello")
    client.force_login(colleague)
    response = client.get(share.get_absolute_url())
    assert "no-store" in response["Cache-Control"]
    assert response.context["views"] is None  # not a single point of contact
    client.force_login(police_liaison)
    client.get(share.get_absolute_url())
    client.force_login(university_liaison)
    response = client.get(share.get_absolute_url())
    assert [v.viewer for v in ShareView.objects.order_by("pk")] == [colleague, police_liaison, university_liaison]
    log = response.content.decode()
    assert "Olu Bello" in log and escape(police_liaison.get_full_name()) in log  # a name may hold an apostrophe


def test_awaiting_feedback_lists_oldest_first_and_says_whose_turn(client, police_liaison, partnership):
    old = factories.InformationShareFactory(partnership=partnership, shared_on=today() - timedelta(days=40))
    new = factories.InformationShareFactory(partnership=partnership, shared_on=today() - timedelta(days=2))
    back = factories.InformationShareFactory(partnership=partnership, direction=Direction.TO_INSTITUTION)
    factories.InformationShareFactory(partnership=partnership, outcome="disruption", outcome_on=today())
    client.force_login(police_liaison)
    url = reverse("partnerships:shares_awaiting_feedback")
    response = client.get(url)
    assert [s.pk for s in response.context["shares"]] == [old.pk, back.pk, new.pk]
    assert "no-store" in response["Cache-Control"]
    assert [s.pk for s in client.get(url, {"side": "us"}).context["shares"]] == [old.pk, new.pk]
    assert [s.pk for s in client.get(url, {"side": "them"}).context["shares"]] == [back.pk]


def test_share_summary_is_escaped(client, police_liaison, partnership):
    share = factories.InformationShareFactory(partnership=partnership, summary="<img src=x onerror=alert(1)>")
    client.force_login(police_liaison)
    body = client.get(share.get_absolute_url()).content.decode()
    assert "<img src=x" not in body and "&lt;img src=x" in body


def test_retention_erases_free_text_and_keeps_the_statistics(client, police_liaison, partnership):
    shared_on = date(2026, 1, 10)
    share = factories.InformationShareFactory(partnership=partnership, shared_on=shared_on, summary="Car by gate")
    services.record_feedback(
        share,
        outcome="disruption",
        outcome_on=date(2026, 2, 1),
        note="Stopped and searched",
        by=police_liaison,
        today=date(2026, 2, 1),
    )
    share.refresh_from_db()
    assert share.retain_until == date(2027, 2, 1)
    unanswered = factories.InformationShareFactory(partnership=partnership, shared_on=shared_on)
    assert unanswered.retain_until == date(2027, 7, 10)

    assert services.erase_expired_shares(today=date(2027, 2, 1)) == 0  # the last day is still kept
    with time_machine.travel(date(2027, 2, 2)):
        assert services.erase_expired_shares() == 1
    share.refresh_from_db()
    assert share.summary == "" and share.outcome_note == "" and share.erased_at is not None
    assert (share.category, share.direction, share.shared_on, share.outcome, share.outcome_on) == (
        "vehicle",
        "to_police",
        shared_on,
        "disruption",
        date(2026, 2, 1),
    )
    assert not share.history.exclude(summary="").exists(), "the text must go from the history too"
    assert share.history.first().history_change_reason.startswith("Free text erased")
    unanswered.refresh_from_db()
    assert unanswered.summary

    client.force_login(police_liaison)
    body = client.get(share.get_absolute_url()).content.decode()
    assert "The summary was erased on" in body and "Car by gate" not in body
    assert ShareView.objects.filter(share=share, viewer=police_liaison).count() == 1


def test_retention_periods_are_configurable(settings, partnership):
    settings.SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK = 6
    share = factories.InformationShareFactory(partnership=partnership, shared_on=date(2026, 3, 31))
    assert share.retain_until == date(2026, 9, 30)


def test_erasure_runs_in_bounded_batches(partnership):
    for _ in range(3):
        factories.InformationShareFactory(partnership=partnership, shared_on=date(2020, 1, 1))
    assert services.erase_expired_shares(today=date(2026, 1, 1), batch_size=2) == 2
    assert services.erase_expired_shares(today=date(2026, 1, 1), batch_size=2) == 1
    assert services.erase_expired_shares(today=date(2026, 1, 1), batch_size=2) == 0


def test_erasing_a_share_erases_its_free_text_everywhere_and_keeps_the_view_log(client, police_liaison, partnership):
    share = factories.InformationShareFactory(
        partnership=partnership,
        summary="Car by gate",
        lawful_basis="other",
        lawful_basis_detail="Section 115 Crime and Disorder Act 1998",
    )
    services.record_feedback(
        share, outcome="disruption", outcome_on=share.shared_on, note="Stopped and searched", by=police_liaison
    )
    client.force_login(police_liaison)
    client.get(share.get_absolute_url())

    services.erase_share_text(share)

    share.refresh_from_db()
    assert (share.summary, share.outcome_note, share.lawful_basis_detail) == ("", "", "")
    assert share.erased_at is not None
    assert (share.lawful_basis, share.outcome, share.category) == ("other", "disruption", "vehicle")
    assert share.history.count() == 3  # shared, feedback, erased
    for field in ("summary", "outcome_note", "lawful_basis_detail"):
        assert not share.history.exclude(**{field: ""}).exists(), f"the {field} is still in the history"
    assert ShareView.objects.filter(share=share, viewer=police_liaison).count() == 1
    erased_at = share.erased_at
    services.erase_share_text(share)
    share.refresh_from_db()
    assert share.erased_at == erased_at


def test_the_retention_sweep_erases_the_explanation_of_the_lawful_basis_too(partnership):
    share = factories.InformationShareFactory(
        partnership=partnership,
        shared_on=date(2020, 1, 1),
        lawful_basis="other",
        lawful_basis_detail="Section 115 Crime and Disorder Act 1998",
    )
    assert services.erase_expired_shares(today=date(2026, 1, 1)) == 1
    share.refresh_from_db()
    assert share.lawful_basis_detail == "" and share.erased_at is not None
    assert not share.history.exclude(lawful_basis_detail="").exists()
    assert share.history.first().history_change_reason.startswith("Free text erased")


def test_an_erased_explanation_of_the_lawful_basis_says_so(client, police_liaison, partnership):
    share = factories.InformationShareFactory(
        partnership=partnership, lawful_basis="other", lawful_basis_detail="Section 115 Crime and Disorder Act 1998"
    )
    services.erase_share_text(share)
    client.force_login(police_liaison)
    body = client.get(share.get_absolute_url()).content.decode()
    assert "the explanation was erased with the summary" in body and "Section 115" not in body


def test_the_database_still_wants_other_explained_until_the_share_is_erased(partnership):
    share = factories.InformationShareFactory(partnership=partnership, lawful_basis="other", lawful_basis_detail="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        InformationShare.objects.filter(pk=share.pk).update(lawful_basis_detail="")
    InformationShare.objects.filter(pk=share.pk).update(lawful_basis_detail="", erased_at=timezone.now())
