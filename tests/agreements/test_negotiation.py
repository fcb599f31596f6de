"""Negotiating the text: threads that follow the clause (shared or internal), replies, resolving,
proposed wording accepted or declined, approval acknowledging open threads, and the review page
marking what changed since the previous version and from the template."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from agreements import services
from agreements.models import A, Approval, ProposalStatus, ReviewComment, ReviewThread, Side
from notifications.models import Notification
from tests import factories
from tests.fixtures.reminders import assert_emailed, forget_mail, told
from tests.helpers import sent_mail

pytestmark = pytest.mark.django_db

SECRET = "Our legal team doubts clause 1.3"
REDLINE = "<ins>} by secure email.</ins>"


def url(name, *args):
    return reverse(f"agreements:{name}", args=args)


def review_url(agreement, query=""):
    return url("review", agreement.pk) + (f"?{query}" if query else "")


@pytest.fixture
def shared(in_review, police_liaison):
    return services.comment_on_clause(in_review, clause_key="scope", body="Include the city centre.", by=police_liaison)


@pytest.fixture
def internal(in_review, police_liaison):
    return services.comment_on_clause(in_review, clause_key="scope", body=SECRET, by=police_liaison, internal=True)


@pytest.fixture
def proposal(in_review, police_liaison):
    return services.propose_wording(
        in_review,
        clause_key="meetings",
        text="The parties meet {meeting_frequency}, and share statistics {statistics_frequency} by secure email.",
        note="Say how statistics travel.",
        by=police_liaison,
    )


@pytest.fixture
def police_colleague(police_force):
    return factories.PoliceLiaisonFactory(organisation=police_force, username="police.liaison.2")


def posts_to(page: str) -> set[str]:
    """Where the page's forms on agreements post to: the last part of each address."""
    return set(re.findall(r'<form method="post" action="/agreements/(?:[^"]*/)?(\w+)/"', page))


def send_back(agreement, police_liaison):
    services.request_changes(agreement, by=police_liaison, comment="See the threads.")
    agreement.refresh_from_db()


def next_version(agreement, police_liaison, university_liaison, **bodies):
    """Changes requested, the draft revised (each clause in ``bodies`` rewritten), version 2 submitted."""
    if agreement.status == A.IN_REVIEW:
        send_back(agreement, police_liaison)
    services.revise(agreement, by=university_liaison)
    for key, body in bodies.items():
        services.update_clause(agreement.clauses.get(key=key), body=body, included=True, by=university_liaison)
    services.submit_for_review(agreement, by=university_liaison)
    agreement.refresh_from_db()
    return agreement


# --- Threads follow the clause ----------------------------------------------------------------


def test_an_open_thread_follows_its_clause_into_the_next_version(
    client, in_review, shared, police_liaison, university_liaison
):
    next_version(in_review, police_liaison, university_liaison)
    client.force_login(university_liaison)
    response = client.get(review_url(in_review))
    page = response.content.decode()
    assert response.context["version"].number == 2
    assert "Include the city centre." in page and "Raised on version 1, carried into this version" in page
    assert response.context["open_total"] == 1


def test_a_resolved_thread_stays_on_its_clause_folded_away(client, in_review, shared, police_liaison):
    services.resolve_thread(shared, by=police_liaison)
    client.force_login(police_liaison)
    response = client.get(review_url(in_review))
    assert response.context["open_total"] == 0 and "1 resolved thread" in response.content.decode()


def test_a_reply_is_shown_in_its_thread_with_the_version_it_was_written_on(
    client, in_review, shared, police_liaison, university_liaison
):
    services.reply(shared, body="Agreed: we will add it.", by=university_liaison)
    send_back(in_review, police_liaison)
    services.reply(shared, body="Added in the revision.", by=university_liaison)
    client.force_login(police_liaison)
    page = client.get(review_url(in_review)).content.decode()
    assert "Agreed: we will add it." in page and "Added in the revision." in page
    assert [c.body for c in shared.comments.all()] == [
        "Include the city centre.",
        "Agreed: we will add it.",
        "Added in the revision.",
    ]


def test_nobody_replies_to_a_resolved_thread(in_review, shared, police_liaison, university_liaison):
    services.resolve_thread(shared, by=police_liaison)
    with pytest.raises(services.WorkflowError):
        services.reply(shared, body="Too late", by=university_liaison)


def test_an_empty_reply_is_shown_again_with_its_error(client, in_review, shared, university_liaison):
    client.force_login(university_liaison)
    response = client.post(url("reply", shared.pk), {"body": "  "})
    assert response.status_code == 200 and "Write your reply." in response.content.decode()
    assert shared.comments.count() == 1


def test_replying_through_the_page_tells_the_other_side(
    client, in_review, shared, university_liaison, police_liaison, settings
):
    forget_mail()
    Notification.objects.all().delete()
    client.force_login(university_liaison)
    response = client.post(url("reply", shared.pk), {"body": "We will add it."})
    assert response["Location"] == review_url(in_review) + f"#thread-{shared.pk}"
    version = in_review.versions.get()
    assert [person for person, _ in told("agreement_commented", version)] == [police_liaison]


# --- Who resolves ---------------------------------------------------------------------------------


def test_the_raiser_and_their_side_resolve_a_thread_but_not_the_other_side(
    client, in_review, shared, university_liaison, police_colleague
):
    client.force_login(university_liaison)
    assert client.post(url("resolve_thread", shared.pk)).status_code == 403
    shared.refresh_from_db()
    assert shared.is_open
    client.force_login(police_colleague)
    response = client.post(url("resolve_thread", shared.pk))
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.resolved_by == police_colleague


def test_resolving_a_resolved_thread_again_changes_nothing(client, in_review, shared, police_liaison):
    services.resolve_thread(shared, by=police_liaison)
    resolved_at = ReviewThread.objects.get().resolved_at
    client.force_login(police_liaison)
    assert client.post(url("resolve_thread", shared.pk)).status_code == 302
    assert ReviewThread.objects.get().resolved_at == resolved_at


# --- Internal threads -----------------------------------------------------------------------------


def test_an_internal_thread_is_invisible_to_the_other_side(client, in_review, internal, university_liaison):
    assert not ReviewThread.objects.visible_to(university_liaison).exists()
    assert not ReviewComment.objects.visible_to(university_liaison).exists()
    client.force_login(university_liaison)
    for page in (review_url(in_review), in_review.get_absolute_url(), url("clauses", in_review.pk)):
        response = client.get(page)
        body = response.content.decode()
        assert SECRET not in body, page
        assert "1 open" not in body and "Internal to Northbridge Police" not in body, page
    assert client.post(url("reply", internal.pk), {"body": "Hello?"}).status_code == 404
    assert client.post(url("resolve_thread", internal.pk)).status_code == 404


def test_an_internal_thread_is_seen_by_its_organisation_only(
    client, in_review, internal, police_colleague, administrator
):
    assert list(ReviewThread.objects.visible_to(police_colleague)) == [internal]
    assert not ReviewThread.objects.visible_to(administrator).exists()  # the force's own review
    client.force_login(police_colleague)
    page = client.get(review_url(in_review)).content.decode()
    assert SECRET in page and "Internal to Northbridge Police" in page
    services.reply(internal, body="Legal agrees.", by=police_colleague)


def test_an_internal_thread_tells_nobody_and_is_not_counted_for_the_other_side(
    in_review, police_liaison, university_liaison, internal
):
    version = in_review.versions.get()
    assert told("agreement_commented", version) == []
    forget_mail()
    services.comment_on_clause(in_review, clause_key="parties", body="Shared.", by=police_liaison)
    [message] = sent_mail()
    assert message.to == [university_liaison.email] and "Open threads: 1" in message.body


def test_commenting_as_internal_through_the_page(client, in_review, police_liaison):
    client.force_login(police_liaison)
    data = {"clause_key": "scope", "body": SECRET, "visibility": "internal"}
    response = client.post(url("comment", in_review.pk), data, follow=True)
    assert "internal to your organisation" in response.content.decode()
    assert ReviewThread.objects.get().internal


def test_an_unknown_visibility_is_refused_with_a_message(client, in_review, police_liaison):
    client.force_login(police_liaison)
    data = {"clause_key": "scope", "body": "Hm", "visibility": "everyone"}
    response = client.post(url("comment", in_review.pk), data)
    assert response.status_code == 200 and "Choose who sees this thread." in response.content.decode()
    assert not ReviewThread.objects.exists()


# --- Approval with open threads -----------------------------------------------------------------


def test_approving_with_an_open_shared_thread_needs_an_acknowledgement(in_review, shared, police_liaison):
    with pytest.raises(ValidationError) as error:
        services.approve(in_review, by=police_liaison)
    assert "1 shared thread is still open" in error.value.message_dict["acknowledge"][0]
    in_review.refresh_from_db()
    assert in_review.status == A.IN_REVIEW
    services.approve(in_review, by=police_liaison, acknowledged=True, seen_threads={shared.pk})
    approval = Approval.objects.get(side=Side.POLICE)
    assert list(approval.acknowledged_threads.all()) == [shared]
    assert approval.approved_by == police_liaison and approval.approved_at
    assert "1 open thread acknowledged" in in_review.events.first().comment


def test_an_open_internal_thread_needs_no_acknowledgement(in_review, internal, police_liaison):
    services.approve(in_review, by=police_liaison)
    in_review.refresh_from_db()
    assert in_review.status == A.APPROVED


def test_a_thread_opened_after_the_page_was_shown_stops_the_approval(
    in_review, shared, police_liaison, university_liaison
):
    later = services.comment_on_clause(in_review, clause_key="term", body="And the term?", by=university_liaison)
    with pytest.raises(ValidationError, match="opened since this page was loaded"):
        services.approve(in_review, by=police_liaison, acknowledged=True, seen_threads={shared.pk})
    services.approve(in_review, by=police_liaison, acknowledged=True, seen_threads={shared.pk, later.pk})


def test_the_review_page_asks_for_the_acknowledgement_and_shows_its_error(client, in_review, shared, police_liaison):
    client.force_login(police_liaison)
    page = client.get(review_url(in_review)).content.decode()
    assert "I have read the 1 open shared thread and approve with it still open" in page
    detail = client.get(in_review.get_absolute_url()).content.decode()
    assert f'href="{review_url(in_review)}#decision"' in detail  # no one-click approval past open threads
    response = client.post(url("approve", in_review.pk), {"seen_threads": str(shared.pk)})
    assert response.status_code == 200 and "Tick the box to approve" in response.content.decode()
    response = client.post(url("approve", in_review.pk), {"seen_threads": str(shared.pk), "acknowledge": "on"})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == A.APPROVED
    page = client.get(review_url(in_review)).content.decode()
    assert "acknowledging 1 open thread" in page


def test_two_answers_to_one_proposal_cannot_both_land(in_review, proposal, police_liaison, university_liaison):
    """Each answer locks the proposal and reads it again: the second, from a stale page, is refused."""
    send_back(in_review, police_liaison)
    stale = type(proposal).objects.select_related("thread__agreement__partnership").get(pk=proposal.pk)
    services.accept_proposal(proposal, by=university_liaison)
    with pytest.raises(services.WorkflowError):
        services.decline_proposal(stale, reason="Too late", by=university_liaison)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.decline_reason == ""


def test_a_reply_to_a_thread_resolved_meanwhile_is_refused(in_review, shared, police_liaison, university_liaison):
    stale = ReviewThread.objects.select_related("agreement__partnership").get(pk=shared.pk)
    services.resolve_thread(shared, by=police_liaison)
    with pytest.raises(services.WorkflowError):
        services.reply(stale, body="Wait", by=university_liaison)
    assert shared.comments.count() == 1


# --- Proposed wording -----------------------------------------------------------------------------


def test_only_the_reviewing_side_proposes_wording_while_in_review(in_review, university_liaison, police_liaison):
    assert services.propose_wording(in_review, clause_key="scope", text="It covers the city.", by=police_liaison)
    with pytest.raises(services.WorkflowError):
        services.propose_wording(in_review, clause_key="scope", text="It covers the city.", by=university_liaison)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("  ", "Write the wording you propose"),
        ("It covers {area_covered}.", "This is the clause's current wording"),
        ("It covers {campus_name}.", "Unknown placeholder {campus_name}. Use only these: {institution}"),
    ],
)
def test_a_proposed_wording_must_be_new_and_use_known_placeholders(in_review, police_liaison, text, message):
    with pytest.raises(ValidationError, match=message):
        services.propose_wording(in_review, clause_key="scope", text=text, by=police_liaison)
    assert not ReviewThread.objects.exists()


def test_the_drafter_sees_the_proposal_as_a_redline(client, in_review, proposal, university_liaison):
    client.force_login(university_liaison)
    page = client.get(review_url(in_review)).content.decode()
    assert REDLINE in page and "Say how statistics travel." in page
    assert "You can accept it once changes are requested" in page  # the version in review never changes
    assert url("decline_proposal", proposal.pk) in page


def test_a_proposal_is_not_accepted_while_the_version_is_in_review(client, in_review, proposal, university_liaison):
    client.force_login(university_liaison)
    assert client.post(url("accept_proposal", proposal.pk)).status_code == 403
    with pytest.raises(services.WorkflowError):
        services.accept_proposal(proposal, by=university_liaison)


def test_an_accepted_proposal_goes_into_the_next_version_and_tells_the_proposers_side(
    client, in_review, proposal, police_liaison, university_liaison, police_colleague
):
    send_back(in_review, police_liaison)
    forget_mail()
    client.force_login(university_liaison)
    response = client.post(url("accept_proposal", proposal.pk), follow=True)
    assert "it goes into the draft when you revise it" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ACCEPTED and proposal.answered_by == university_liaison
    assert proposal.answered_at and proposal.applied_at is None
    anchor = review_url(in_review) + f"#thread-{proposal.thread_id}"
    assert_emailed([police_liaison, police_colleague], anchor, kind="agreement_wording_answered")

    version = next_version(in_review, police_liaison, university_liaison)
    proposal.refresh_from_db()
    assert proposal.applied_at is not None
    meetings = next(c for c in version.versions.get(number=2).clauses if c["key"] == "meetings")
    assert meetings["text"].endswith("every 6 months by secure email.")


def test_accepting_while_drafting_changes_the_clause_at_once(
    client, in_review, proposal, police_liaison, university_liaison
):
    send_back(in_review, police_liaison)
    services.revise(in_review, by=university_liaison)
    client.force_login(university_liaison)
    editor = url("clause_edit", in_review.pk, "meetings")
    page = client.get(editor).content.decode()
    assert REDLINE in page and url("accept_proposal", proposal.pk) in page
    response = client.post(url("accept_proposal", proposal.pk), {"back": "clause"})
    assert response["Location"] == editor + f"#thread-{proposal.thread_id}"
    assert in_review.clauses.get(key="meetings").body == proposal.text


def test_accepting_never_undoes_the_drafters_later_changes_to_the_clause(
    client, in_review, proposal, police_liaison, university_liaison
):
    send_back(in_review, police_liaison)
    services.revise(in_review, by=university_liaison)
    clause = in_review.clauses.get(key="meetings")
    edited = "The parties meet {meeting_frequency} at the campus office."
    services.update_clause(clause, body=edited, included=True, by=university_liaison)
    with pytest.raises(ValidationError, match="The clause has changed since this wording was proposed"):
        services.accept_proposal(proposal, by=university_liaison)
    client.force_login(university_liaison)
    response = client.post(url("accept_proposal", proposal.pk), follow=True)
    assert "The clause has changed since this wording was proposed" in response.content.decode()
    assert in_review.clauses.get(key="meetings").body == edited
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_two_wordings_for_one_clause_are_not_both_accepted(in_review, proposal, police_liaison, university_liaison):
    second = services.propose_wording(
        in_review,
        clause_key="meetings",
        text="The parties meet {meeting_frequency} online, and share statistics {statistics_frequency}.",
        by=police_liaison,
    )
    send_back(in_review, police_liaison)
    services.accept_proposal(proposal, by=university_liaison)
    with pytest.raises(ValidationError, match="Another wording for this clause is already accepted"):
        services.accept_proposal(second, by=university_liaison)
    services.revise(in_review, by=university_liaison)
    assert in_review.clauses.get(key="meetings").body == proposal.text


def test_declining_needs_a_reason_and_tells_the_proposers_side_why(
    client, in_review, proposal, police_liaison, university_liaison
):
    client.force_login(university_liaison)
    page = client.get(url("decline_proposal", proposal.pk)).content.decode()
    assert REDLINE in page
    response = client.post(url("decline_proposal", proposal.pk), {"reason": " "})
    assert response.status_code == 200 and "Say why you decline this wording" in response.content.decode()
    with pytest.raises(ValidationError):
        services.decline_proposal(proposal, reason="", by=university_liaison)
    forget_mail()
    response = client.post(url("decline_proposal", proposal.pk), {"reason": "Email is not secure <enough>."})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.decline_reason == "Email is not secure <enough>."
    [message] = [m for m in sent_mail() if police_liaison.email in m.to]
    assert "declined your proposed wording for clause 4.1" in message.subject
    assert "Email is not secure <enough>." in message.body and escape("<enough>") in message.alternatives[0][0]
    page = client.get(review_url(in_review)).content.decode()
    assert "Email is not secure &lt;enough&gt;." in page
    assert client.get(url("decline_proposal", proposal.pk)).status_code == 403  # answered once


def test_the_force_cannot_answer_its_own_proposal(client, in_review, proposal, police_liaison):
    client.force_login(police_liaison)
    assert client.get(url("decline_proposal", proposal.pk)).status_code == 403
    assert client.post(url("accept_proposal", proposal.pk)).status_code == 403


def test_a_failed_proposal_is_shown_again_in_its_clause(client, in_review, police_liaison):
    client.force_login(police_liaison)
    response = client.post(url("propose", in_review.pk), {"clause_key": "scope", "text": "It covers {nowhere}."})
    assert response.status_code == 200 and "Unknown placeholder {nowhere}" in response.content.decode()
    response = client.post(url("propose", in_review.pk), {"clause_key": "nope", "text": "x"}, follow=True)
    assert "Choose a clause of this version to propose wording for." in response.content.decode()


# --- One form at a time: each clause and thread links to its form -----------------------------------


def test_the_review_page_links_each_clause_to_its_forms_and_shows_none_until_asked(client, in_review, police_liaison):
    client.force_login(police_liaison)
    response = client.get(review_url(in_review))
    page = response.content.decode()
    keys = [row["clause"]["key"] for row in response.context["all_rows"]]
    assert len(keys) == 7
    for key in keys:
        assert f'href="{review_url(in_review)}?comment={key}#comment-form"' in page
        assert f'href="{review_url(in_review)}?propose={key}#propose-form"' in page
    assert "<textarea" not in page.split('id="decision"')[0]  # the approval's comment is the only form text


def test_a_clause_link_opens_its_comment_form_alone(client, in_review, police_liaison):
    client.force_login(police_liaison)
    page = client.get(review_url(in_review, "comment=scope")).content.decode()
    assert page.count('action="' + url("comment", in_review.pk) + '"') == 1
    assert 'id="comment-scope-body"' in page and 'value="scope"' in page
    assert "Shared with University of Northbridge" in page
    assert "?comment=scope#" not in page and "?propose=scope#propose-form" in page  # its own link gives way
    assert "<textarea" not in page.split('id="clause-scope"')[0].split('id="decision"')[0]


def test_a_clause_link_opens_its_proposal_form_with_the_clause_text(client, in_review, police_liaison):
    client.force_login(police_liaison)
    page = client.get(review_url(in_review, "propose=meetings")).content.decode()
    assert page.count('action="' + url("propose", in_review.pk) + '"') == 1
    assert 'id="propose-meetings-text"' in page
    assert escape(in_review.clauses.get(key="meetings").body) in page


@pytest.mark.parametrize("query", ["comment=nowhere", "propose=nowhere", "reply=0", "comment=sc%C3%B6pe"])
def test_a_link_to_an_unknown_clause_or_thread_opens_no_form(client, in_review, shared, police_liaison, query):
    client.force_login(police_liaison)
    page = client.get(review_url(in_review, query)).content.decode()
    assert posts_to(page) == {"resolve", "approve"}


def test_the_side_that_may_not_propose_gets_no_proposal_form(client, in_review, university_liaison):
    client.force_login(university_liaison)
    page = client.get(review_url(in_review, "propose=scope")).content.decode()
    assert "propose=" not in page and 'id="propose-scope-text"' not in page
    assert "?comment=scope#comment-form" in page


def test_the_links_keep_the_filter(client, in_review, shared, police_liaison):
    client.force_login(police_liaison)
    page = client.get(review_url(in_review, "show=attention")).content.decode()
    assert "?show=attention&amp;comment=scope#comment-form" in page
    assert f"?show=attention&amp;reply={shared.pk}#reply-form" in page
    opened = client.get(review_url(in_review, "show=attention&comment=scope"))
    assert [row["clause"]["key"] for row in opened.context["rows"]] == ["scope"] and opened.context["rows"][0]["form"]


def test_a_thread_link_opens_its_reply_form(client, in_review, shared, university_liaison):
    client.force_login(university_liaison)
    page = client.get(review_url(in_review)).content.decode()
    assert f"?reply={shared.pk}#reply-form" in page and "Send reply" not in page
    page = client.get(review_url(in_review, f"reply={shared.pk}")).content.decode()
    assert page.count("Send reply") == 1 and f'id="reply-{shared.pk}-body"' in page


def test_an_empty_reply_is_listed_in_the_error_summary(client, in_review, shared, university_liaison):
    client.force_login(university_liaison)
    page = client.post(url("reply", shared.pk), {"body": ""}).content.decode()
    assert f'<a href="#reply-{shared.pk}-body">Your reply: Write your reply.</a>' in page


# --- The review page marks changes ----------------------------------------------------------------


def test_version_two_marks_the_changed_clause_inline_and_filters_to_it(
    client, in_review, shared, police_liaison, university_liaison
):
    services.resolve_thread(shared, by=police_liaison)
    next_version(in_review, police_liaison, university_liaison, term="It lasts {term} from {effective_date}.")
    client.force_login(police_liaison)
    response = client.get(review_url(in_review))
    rows = {row["clause"]["key"]: row for row in response.context["all_rows"]}
    assert [key for key, row in rows.items() if row["change"].since_previous] == ["term"]
    assert rows["term"]["change"].from_template and not rows["scope"]["change"].from_template
    page = response.content.decode()
    assert "Changed since version 1" in page and "<del>, reviewed every 12 months, ended on 3 months" in page

    attention = client.get(review_url(in_review, "show=attention"))
    assert [row["clause"]["key"] for row in attention.context["rows"]] == ["term"]
    assert "Changed or with open threads (1)" in attention.content.decode()


def test_the_filter_keeps_clauses_with_open_threads(client, in_review, shared, police_liaison):
    client.force_login(police_liaison)
    response = client.get(review_url(in_review, "show=attention"))
    assert [row["clause"]["key"] for row in response.context["rows"]] == ["scope"]


@pytest.mark.parametrize("query", ["show=everything", "show=", "show=attention&version=x"])
def test_an_unknown_filter_or_version_is_ignored(client, in_review, police_liaison, query):
    client.force_login(police_liaison)
    response = client.get(review_url(in_review, query))
    assert response.status_code == 200 and len(response.context["rows"]) in (0, 7)


def test_a_first_version_marks_only_differences_from_the_template(client, in_review, police_liaison):
    client.force_login(police_liaison)
    response = client.get(review_url(in_review))
    assert not any(row["change"].since_previous for row in response.context["all_rows"])
    assert not any(row["change"].from_template for row in response.context["all_rows"])


# --- The agreement page, clause list and editor ---------------------------------------------------


def test_the_agreement_page_lists_open_threads_linking_to_their_clauses(
    client, in_review, shared, proposal, university_liaison
):
    client.force_login(university_liaison)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert "2 open threads" in page
    assert f'href="{review_url(in_review)}#clause-scope"' in page
    assert f'href="{review_url(in_review)}#clause-meetings"' in page


def test_the_clause_list_counts_open_threads(client, in_review, shared, internal, police_liaison, university_liaison):
    client.force_login(police_liaison)
    assert "2 open threads" in client.get(url("clauses", in_review.pk)).content.decode()
    client.force_login(university_liaison)
    assert "1 open thread<" in client.get(url("clauses", in_review.pk)).content.decode()


# --- The data migration ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_existing_comments_become_shared_threads_open_or_resolved_as_they_were():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    executor = MigrationExecutor(connection)
    others = [node for node in executor.loader.graph.leaf_nodes() if node[0] != "agreements"]
    before = [*others, ("agreements", "0008_review_threads_and_proposed_wording")]
    after = [*others, ("agreements", "0010_comments_belong_to_threads")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    Organisation = old.get_model("partnerships", "Organisation")
    university = Organisation.objects.create(name="Old University", kind="university")
    force = Organisation.objects.create(name="Old Police", kind="police_force")
    officer = old.get_model("accounts", "User").objects.create(
        username="old.officer", email="old@example.org", organisation=force, role="police_liaison"
    )
    partnership = old.get_model("partnerships", "Partnership").objects.create(
        institution=university, police_force=force, title="Old partnership", status="active"
    )
    template = old.get_model("agreements", "AgreementTemplate").objects.create(name="Old template", version=1)
    agreement = old.get_model("agreements", "Agreement").objects.create(
        partnership=partnership, template=template, title="Old MOU", status="in_review"
    )
    version = old.get_model("agreements", "AgreementVersion").objects.create(
        agreement=agreement, number=1, text={"clauses": []}, sha256="0" * 64
    )
    Comment = old.get_model("agreements", "ReviewComment")
    open_pk = Comment.objects.create(version=version, clause_key="scope", author=officer, body="Still open").pk
    resolved_at = timezone.now()
    resolved_pk = Comment.objects.create(
        version=version, clause_key="term", author=officer, body="Settled", resolved_at=resolved_at, resolved_by=officer
    ).pk

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    comments = new.get_model("agreements", "ReviewComment").objects.select_related("thread")
    still_open, settled = comments.get(pk=open_pk).thread, comments.get(pk=resolved_pk).thread
    assert (still_open.clause_key, still_open.resolved_at, still_open.internal) == ("scope", None, False)
    assert still_open.raised_on_id == version.pk and still_open.raised_by_id == officer.pk
    assert still_open.organisation_id == force.pk and still_open.agreement_id == agreement.pk
    assert (settled.clause_key, settled.resolved_at, settled.resolved_by_id) == ("term", resolved_at, officer.pk)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_clause_editor_shows_threads_in_fixed_queries(
    client, in_review, shared, proposal, police_liaison, university_liaison
):
    from tests.helpers import assert_fixed_queries

    send_back(in_review, police_liaison)
    services.revise(in_review, by=university_liaison)
    client.force_login(university_liaison)

    def add_replies():
        for i in range(10):
            services.reply(shared, body=f"Reply {i}", by=university_liaison if i % 2 else police_liaison)
            services.reply(proposal.thread, body=f"On the wording {i}", by=university_liaison)

    for key in ("scope", "meetings"):
        assert_fixed_queries(client, url("clause_edit", in_review.pk, key), add_replies, budget=10)
