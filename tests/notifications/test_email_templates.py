"""Every notification email renders, escapes what people typed, and says only what it should.

The templates are rendered with stand-in objects (no database): each carries a hostile string
in its titles and comments, which must come out escaped in HTML and never as markup. The
information share reminder must never repeat the share's free text.
"""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils.html import escape

from core import mail as portal_mail

HOSTILE = "<script>alert(1)</script>"
SECRET = "SECRET-SUMMARY"
SITE_URL = "https://portal.example.ac.uk"
LINK = f"{SITE_URL}/things/42/"
SETTINGS_LINK = f"{SITE_URL}/notifications/settings/"
OFF_LINE = "turn these reminders off"

TEMPLATES = [
    "booking_confirmed",
    "waitlist_promoted",
    "session_cancelled",
    "session_reminder",
    "training_feedback_request",
    "refresher_due",
    "agreement_review_requested",
    "agreement_changes_requested",
    "agreement_ready_to_sign",
    "agreement_signed",
    "agreement_your_turn_to_sign",
    "agreement_signature_reminder",
    "agreement_signing_declined",
    "agreement_withdrawn",
    "agreement_review_answered",
    "agreement_notice_given",
    "agreement_review_due",
    "agreement_expiry",
    "action_due",
    "action_overdue",
    "share_awaiting_feedback",
    "meetings_overdue",
    "booking_cancelled",
    "agreement_commented",
    "agreement_wording_answered",
    "share_recorded",
    "share_feedback_recorded",
    "action_assigned",
    "engagement_recorded",
]


def ns(**attributes):
    return SimpleNamespace(**attributes)


def person(first_name="Sam", username="sam.jones", last_name="Jones"):
    return ns(
        first_name=first_name,
        username=username,
        get_full_name=lambda: f"{first_name} {last_name}".strip(),
    )


def partnership():
    return ns(
        title=f"Safer Northbridge {HOSTILE}",
        institution=ns(name=f"University of Northbridge {HOSTILE}"),
        police_force=ns(name="Northbridge Police"),
        get_absolute_url=lambda: "/partnerships/1/",
    )


# --- the extra context of each template, as the kinds in */reminders.py build it -----------


def training(status="booked", reason=""):
    course = ns(
        title=f"Sexual assault awareness {HOSTILE}",
        provider=ns(name="Northbridge Police"),
        refresher_months=12,
        pk=3,
    )
    session = ns(
        starts_at=datetime(2027, 3, 4, 9, 30, tzinfo=UTC),
        ends_at=datetime(2027, 3, 4, 12, 0, tzinfo=UTC),
        venue="Room 2, Police HQ",
        online_url="",
        get_absolute_url=lambda: "/training/sessions/7/",
        cancellation_reason=reason,
        course=course,
    )
    booking = ns(status=status, attendee=person(), session=session)
    return {"obj": booking, "booking": booking, "session": session, "course": course}


def refresher():
    return {**training(status="attended"), "due_on": date(2028, 3, 4)}


def agreement_version(event=None):
    p = partnership()
    agreement = ns(title=f"MOU 2027 {HOSTILE}", status="in_review", get_absolute_url=lambda: "/agreements/5/")
    version = ns(number=2, agreement=agreement)
    return {"obj": version, "agreement": agreement, "version": version, "partnership": p, "event": event}


def changes_requested(comment=f"Clause 4 {HOSTILE} needs work.", by=None):
    return agreement_version(ns(comment=comment, by=by))


def agreement(status="approved", expires_on=date(2030, 1, 31)):
    p = partnership()
    a = ns(
        title=f"MOU 2027 {HOSTILE}",
        status=status,
        expires_on=expires_on,
        partnership=p,
        signing_order="police_first",
        get_signing_order_display=lambda: "The force first, then the institution",
        get_absolute_url=lambda: "/agreements/5/",
    )
    return {"obj": a, "agreement": a, "partnership": p}


def agreement_event(to_status):
    """The audit trail's event that declined or withdrew an agreement, as those kinds load it."""
    context = agreement()
    by = person("Claire", "police.sponsor", "Hughes")
    by.organisation = ns(name=f"Northbridge Police {HOSTILE}")
    event = ns(to_status=to_status, comment=f"{SECRET} {HOSTILE}", by=by, agreement=context["agreement"])
    return {**context, "obj": event, "event": event}


def notice_given():
    context = agreement_event("in_force")
    context["agreement"].ends_on = date(2027, 9, 30)
    return context


def signed(status="partly_signed"):
    context = agreement(status=status)
    signature = ns(
        full_name=f"Alex Smith {HOSTILE}",
        position="Pro Vice-Chancellor",
        organisation_name="University of Northbridge",
        signed_at=datetime(2027, 5, 6, 14, 5, tzinfo=UTC),
        agreement=context["agreement"],
    )
    return {**context, "obj": signature, "signature": signature}


def commitment(last_met_on=date(2027, 1, 10)):
    p = partnership()
    c = ns(
        source=f"MOU 2027 {HOSTILE}",
        every_months=3,
        frequency="every 3 months",
        last_met_on=last_met_on,
        since=date(2026, 9, 1),
        due_on=date(2027, 4, 10),
        partnership=p,
    )
    return {"obj": c, "commitment": c, "partnership": p}


def action():
    p = partnership()
    a = ns(
        title=f"Send the poster {HOSTILE}",
        due_date=date(2027, 2, 14),
        description=f"Private description {SECRET}",
        owner=ns(name="Jo Bloggs"),
        partnership=p,
        get_absolute_url=lambda: "/partnerships/actions/9/",
    )
    return {"obj": a, "action": a, "partnership": p}


def share():
    p = partnership()
    s = ns(
        summary=SECRET,
        outcome_note=SECRET,
        lawful_basis_detail=SECRET,
        direction="to_police",
        shared_on=date(2027, 1, 5),
        get_category_display=lambda: "Problem location",
        get_direction_display=lambda: "To police",
        get_absolute_url=lambda: "/partnerships/shares/11/",
        partnership=p,
    )
    return {"obj": s, "share": s, "partnership": p}


def engagement(location="Police HQ, Room 4"):
    p = partnership()
    e = ns(
        title=f"Spring strategic meeting {HOSTILE}",
        date=date(2027, 3, 4),
        location=location,
        notes=f"Private notes {SECRET}",
        decisions=f"Private decisions {SECRET}",
        get_kind_display=lambda: "Strategic meeting",
        get_absolute_url=lambda: "/partnerships/engagements/3/",
        partnership=p,
    )
    return {"obj": e, "engagement": e, "partnership": p}


def commented():
    return {**agreement_version(), "open_comments": 3}


def wording_answered(status="declined"):
    context = agreement_version()
    proposal = ns(status=status, decline_reason=f"Too broad {HOSTILE}", answered_by=person("Pat", "pat.lee", "Lee"))
    return {**context, "obj": proposal, "proposal": proposal}


# (template, notification kind, extra context) for every template and each of its variants.
CASES = [
    pytest.param("booking_confirmed", "booking_confirmed", training, id="booking_confirmed"),
    pytest.param(
        "booking_confirmed", "booking_confirmed", lambda: training("waitlisted"), id="booking_confirmed-waitlisted"
    ),
    pytest.param("waitlist_promoted", "waitlist_promoted", training, id="waitlist_promoted"),
    pytest.param(
        "session_cancelled",
        "session_cancelled",
        lambda: training("cancelled", f"The trainer is ill {HOSTILE}"),
        id="session_cancelled",
    ),
    pytest.param(
        "session_cancelled", "session_cancelled", lambda: training("cancelled"), id="session_cancelled-no-reason"
    ),
    pytest.param("session_reminder", "session_in_7_days", training, id="session_reminder-7-days"),
    pytest.param("session_reminder", "session_tomorrow", training, id="session_reminder-tomorrow"),
    pytest.param(
        "training_feedback_request",
        "training_feedback_request",
        lambda: training("attended"),
        id="training_feedback_request",
    ),
    pytest.param("refresher_due", "refresher_due", refresher, id="refresher_due"),
    pytest.param(
        "agreement_review_requested", "agreement_review_requested", agreement_version, id="agreement_review_requested"
    ),
    pytest.param(
        "agreement_changes_requested",
        "agreement_changes_requested",
        lambda: changes_requested(by=person("Pat", "pat.lee", "Lee")),
        id="agreement_changes_requested",
    ),
    pytest.param(
        "agreement_changes_requested",
        "agreement_changes_requested",
        lambda: changes_requested(comment="", by=None),
        id="agreement_changes_requested-no-comment",
    ),
    pytest.param(
        "agreement_changes_requested",
        "agreement_changes_requested",
        agreement_version,
        id="agreement_changes_requested-no-event",
    ),
    pytest.param("agreement_ready_to_sign", "agreement_ready_to_sign", agreement, id="agreement_ready_to_sign"),
    pytest.param("agreement_signed", "agreement_signed", signed, id="agreement_signed-one-side"),
    pytest.param("agreement_your_turn_to_sign", "agreement_your_turn_to_sign", agreement, id="your-turn-to-sign"),
    pytest.param("agreement_signature_reminder", "agreement_signature_reminder", agreement, id="signature-reminder"),
    pytest.param(
        "agreement_signing_declined",
        "agreement_signing_declined",
        lambda: agreement_event("changes_requested"),
        id="signing-declined",
    ),
    pytest.param("agreement_withdrawn", "agreement_withdrawn", lambda: agreement_event("withdrawn"), id="withdrawn"),
    pytest.param(
        "agreement_review_answered",
        "agreement_review_answered",
        lambda: agreement_event("in_force"),
        id="review-answered",
    ),
    pytest.param("agreement_notice_given", "agreement_notice_given", notice_given, id="notice-given"),
    pytest.param("agreement_signed", "agreement_signed", lambda: signed("in_force"), id="agreement_signed-in-force"),
    *[
        pytest.param("agreement_review_due", f"agreement_review_in_{days}_days", commitment, id=f"review-{days}")
        for days in (60, 30, 7)
    ],
    *[
        pytest.param("agreement_expiry", key, lambda: agreement("in_force"), id=key)
        for key in (
            "agreement_ends_in_60_days",
            "agreement_ends_in_30_days",
            "agreement_ends_in_7_days",
            "agreement_ended_by_term",
        )
    ],
    pytest.param("action_due", "action_due", action, id="action_due"),
    pytest.param("action_overdue", "action_overdue", action, id="action_overdue"),
    pytest.param("share_awaiting_feedback", "share_awaiting_feedback", share, id="share_awaiting_feedback"),
    pytest.param("meetings_overdue", "meetings_overdue", commitment, id="meetings_overdue"),
    pytest.param(
        "meetings_overdue", "meetings_overdue", lambda: commitment(last_met_on=None), id="meetings_overdue-never-met"
    ),
    pytest.param("booking_cancelled", "booking_cancelled", lambda: training("cancelled"), id="booking_cancelled"),
    pytest.param("agreement_commented", "agreement_commented", commented, id="agreement_commented"),
    pytest.param("agreement_wording_answered", "agreement_wording_answered", wording_answered, id="wording_declined"),
    pytest.param(
        "agreement_wording_answered",
        "agreement_wording_answered",
        lambda: wording_answered("accepted"),
        id="wording_accepted",
    ),
    pytest.param("share_recorded", "share_recorded", share, id="share_recorded"),
    pytest.param("share_feedback_recorded", "share_feedback_recorded", share, id="share_feedback_recorded"),
    pytest.param("action_assigned", "action_assigned", action, id="action_assigned"),
    pytest.param("engagement_recorded", "engagement_recorded", engagement, id="engagement_recorded"),
    pytest.param(
        "engagement_recorded", "engagement_recorded", lambda: engagement(""), id="engagement_recorded-no-location"
    ),
]


def context_for(kind, extra, *, essential=True):
    """What ``notifications.services.deliver`` and ``core.mail.send`` give every template."""
    return {
        "portal_name": settings.PORTAL_NAME,
        "site_url": SITE_URL,
        "notification": ns(
            title=f"Something happened {HOSTILE}", url="/things/42/", occasion=date(2027, 3, 4), kind=kind
        ),
        "recipient": person(),
        "link": LINK,
        "group": ns(label=f"Reminders {HOSTILE}", essential=essential),
        "settings_link": SETTINGS_LINK,
        **extra,
    }


def render(name, context):
    return (
        render_to_string(f"emails/{name}_subject.txt", context),
        render_to_string(f"emails/{name}_body.txt", context),
        render_to_string(f"emails/{name}_body.html", context),
    )


def lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


def test_every_template_is_covered():
    assert {case.values[0] for case in CASES} == set(TEMPLATES)


@pytest.mark.parametrize("essential", [True, False], ids=["essential", "optional"])
@pytest.mark.parametrize(("name", "kind", "extra"), CASES)
def test_email_renders_safely(name, kind, extra, essential):
    subject, text, html = render(name, context_for(kind, extra(), essential=essential))
    portal_name = settings.PORTAL_NAME

    # The subject is one plain-text line (not HTML-escaped).
    assert subject.strip()
    assert "\n" not in subject.strip()
    assert "&lt;" not in subject and "&amp;" not in subject

    # HTML escapes what people typed and carries the link.
    assert "&lt;script&gt;" in html
    assert "<script" not in html.lower()
    assert f'href="{LINK}"' in html
    assert escape(portal_name) in html

    # Plain text is not HTML-escaped and carries the link.
    assert LINK in text
    assert portal_name in text
    assert "&lt;" not in text and "&amp;" not in text and "&#x27;" not in text

    # It ends with the portal's name, then, only for what can be turned off, the settings link.
    if essential:
        assert lines(text)[-1] == portal_name
        assert SETTINGS_LINK not in text and OFF_LINE not in text
        assert SETTINGS_LINK not in html and OFF_LINE not in html
    else:
        assert lines(text)[-2] == portal_name
        assert OFF_LINE in lines(text)[-1] and lines(text)[-1].endswith(SETTINGS_LINK)
        assert OFF_LINE in html and f'href="{SETTINGS_LINK}"' in html


@pytest.mark.parametrize("essential", [True, False])
def test_the_share_reminder_never_repeats_the_shares_free_text(essential):
    rendered = render("share_awaiting_feedback", context_for("share_awaiting_feedback", share(), essential=essential))

    for part in rendered:
        assert SECRET not in part
    assert "Problem location" in rendered[1] and "Problem location" in rendered[2]


@pytest.mark.parametrize("name", ["share_recorded", "share_feedback_recorded"])
@pytest.mark.parametrize("essential", [True, False])
def test_the_share_events_never_repeat_the_shares_free_text(name, essential):
    """Not the summary, the explanation of the lawful basis or the outcome note: the category,
    the partnership and a link."""
    subject, text, html = render(name, context_for(name, share(), essential=essential))

    for part in (subject, text, html):
        assert SECRET not in part
    for part in (text, html):
        assert "Problem location" in part and LINK in part
        assert "Safer Northbridge" in part
    assert "Problem location" not in subject  # inbox previews show the subject


def test_the_engagement_email_leaves_out_the_notes_and_decisions():
    assert all(SECRET not in part for part in render("engagement_recorded", context_for("x", engagement())))


def test_every_kind_has_its_templates_covered():
    """A kind added to any app's reminders.py needs its template in TEMPLATES (and a case)."""
    from notifications.kinds import KINDS

    assert {kind.template for kind in KINDS.values()} <= set(TEMPLATES) | {
        "partnership_proposed",
        "partnership_answered",
        "agency_invited",
        "invitation_answered",
    }


def test_the_action_reminders_leave_out_the_description():
    for name in ("action_due", "action_overdue", "action_assigned"):
        assert all(SECRET not in part for part in render(name, context_for(name, action())))


@pytest.mark.parametrize(("name", "kind", "extra"), CASES)
def test_each_email_goes_through_portal_mail(name, kind, extra):
    context = context_for(kind, extra(), essential=False)
    del context["portal_name"], context["site_url"]  # added by core.mail.send

    portal_mail.send(name, ["someone@example.org"], context)

    (message,) = mail.outbox
    assert message.subject and "\n" not in message.subject
    assert LINK in message.body
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html" and "<script" not in html


# What some emails say


def test_session_cancelled_gives_the_reason_and_says_the_booking_is_cancelled():
    subject, text, html = render(
        "session_cancelled", context_for("session_cancelled", training("cancelled", "The trainer is ill."))
    )
    assert subject.startswith("Cancelled: Sexual assault awareness")
    assert "Reason: The trainer is ill." in text and "Reason: The trainer is ill." in html
    assert "Your booking is cancelled." in text and "Your booking is cancelled." in html
    assert "/training/" in text  # other dates

    _, text, html = render("session_cancelled", context_for("session_cancelled", training("cancelled")))
    assert "Reason" not in text and "Reason" not in html


@pytest.mark.parametrize(("kind", "start"), [("session_tomorrow", "Tomorrow: "), ("session_in_7_days", "In a week: ")])
def test_session_reminder_says_when(kind, start):
    subject, text, _ = render("session_reminder", context_for(kind, training()))
    assert subject.startswith(start)
    assert "Thursday 4 March 2027, 09:30 to 12:00 (UK time)" in text
    assert "waitlist" in text


def test_booking_confirmed_tells_the_waitlisted_they_are_waiting():
    subject, text, _ = render("booking_confirmed", context_for("booking_confirmed", training("waitlisted")))
    assert subject.startswith("On the waitlist: ")
    assert "If a place comes free" in text


def test_feedback_request_says_who_sees_the_feedback():
    _, text, _ = render("training_feedback_request", context_for("training_feedback_request", training("attended")))
    assert "2 minutes" in text
    assert "liaison officers" in text and "anonymous" not in text


def test_refresher_due_gives_the_date():
    subject, text, _ = render("refresher_due", context_for("refresher_due", refresher()))
    assert "4 Mar 2028" in subject
    assert "Saturday 4 March 2028" in text and "every 12 months" in text


def test_changes_requested_quotes_the_comment_and_who_made_it():
    context = context_for("agreement_changes_requested", changes_requested(by=person("Pat", "pat.lee", "Lee")))
    _, text, html = render("agreement_changes_requested", context)
    assert f"Clause 4 {HOSTILE} needs work." in text
    assert f"Clause 4 {escape(HOSTILE)} needs work." in html
    assert "from Pat Lee" in text and "from Pat Lee" in html


@pytest.mark.parametrize(
    ("status", "subject_start", "says"),
    [
        ("in_force", "Signed by both sides and in force: ", "signed PDF"),
        ("partly_signed", "Signed by University of Northbridge: ", "waiting for the other side"),
    ],
)
def test_signed_says_whether_it_is_in_force(status, subject_start, says):
    subject, text, html = render("agreement_signed", context_for("agreement_signed", signed(status)))
    assert subject.startswith(subject_start)
    assert says in text and says in html


@pytest.mark.parametrize("days", [60, 30, 7])
def test_review_due_says_how_soon(days):
    _, text, _ = render("agreement_review_due", context_for(f"agreement_review_in_{days}_days", commitment()))
    assert f"in the next {days} days, on Saturday 10 April 2027" in text


def test_expiry_after_the_term_asks_for_a_new_memorandum_or_a_formal_end():
    subject, text, _ = render("agreement_expiry", context_for("agreement_ended_by_term", agreement("in_force")))
    assert "ended on 31 Jan 2030" in subject
    assert "ended on Thursday 31 January 2030" in text
    assert "end this one formally" in text and "supersedes" in text


def test_meetings_overdue_falls_back_to_when_the_commitment_began():
    subject, text, _ = render("meetings_overdue", context_for("meetings_overdue", commitment(last_met_on=None)))
    assert subject.startswith("No meeting since 1 Sep 2026: ")
    assert "since Tuesday 1 September 2026" in text and "every 3 months" in text


@pytest.mark.parametrize(("name", "kind", "extra"), CASES)
def test_each_html_email_is_set_in_the_portals_layout_with_its_css_inlined(name, kind, extra):
    context = context_for(kind, extra(), essential=False)
    del context["portal_name"], context["site_url"]

    portal_mail.send(name, ["someone@example.org"], context)

    (html, _) = mail.outbox[0].alternatives[0]
    assert "<style" not in html, "mail programs ignore style blocks: the CSS is inlined"
    assert '<div class="header" style="' in html and escape(settings.PORTAL_NAME) in html
    assert f"<title>{escape(mail.outbox[0].subject)}</title>" in html
    # The one thing to do is a button, styled on the element itself.
    button = html.split('class="button"', 1)[1].split(">", 1)[0]
    assert "background: #1f4b99" in button and "color: #ffffff" in button
