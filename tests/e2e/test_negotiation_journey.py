"""Negotiating a memorandum through the real UI: threads that follow the clause, an internal
thread the other side never sees, a proposed wording accepted into version 2, and a review of
version 2 that reads only what changed.

The force comments on two clauses (one internal to the force) and proposes wording for a third,
then asks for changes. The university replies, accepts the proposal, revises and submits
version 2. On version 2 the review page marks the three clauses as changed, the internal thread
stays invisible to the university, the carried thread says it was raised on version 1, and the
force resolves its thread and approves with the proposal's thread acknowledged. The signatories
then sign in the order chosen (the force first), and the signed PDF ends with the signing record
of the whole negotiation, without the force's internal thread. A second journey declines a
proposed wording, refused first without a reason. Every page is checked with axe and at 390 px.
"""

import io
import re

from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from accounts import two_factor
from agreements import services, tasks
from agreements.models import A, Agreement, Approval, ProposalStatus, ReviewThread, SigningOrder
from tests.e2e.browser import address, check_accessibility, follow, heading, log_out, login, status_message, visit
from tests.factories import PASSWORD
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON, default_template
from tests.helpers import second_factor_device, totp_code

SHARED = "Say who may see the statistics inside the university."
INTERNAL = "Legal: can we commit to monthly meetings? Check with the chief inspector first."
NOTE = "A fixed time to answer keeps problems from drifting."
ADDED = " Either party answers a concern raised under this clause within 10 working days."
REPLY = "Agreed: the next version names the student safety team."
STATISTICS_ADDED = " Only the student safety team sees them."
MEETINGS_ADDED = " A meeting may be held online."
DECLINE_REASON = "Ten working days is too short over the vacations."


def clause_region(page: Page, clause: dict) -> Locator:
    return page.get_by_role(
        "region", name=re.compile(rf"^{re.escape(clause['number'])} {re.escape(clause['heading'])}")
    )


def agreement_in_review(partnership, university_liaison) -> Agreement:
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    agreement = services.start_draft(
        partnership,
        default_template(),
        by=university_liaison,
        title="Safer campus MOU",
        signing_order=SigningOrder.POLICE_FIRST,
        **FIELDS,
    )
    services.submit_for_review(agreement, by=university_liaison, today=SUBMITTED_ON)
    agreement.refresh_from_db()
    return agreement


def sign(page: Page, user, position: str, version: int) -> None:
    """Sign the agreement whose page is open, as ``user``, through the sign page."""
    follow(page, page.get_by_test_id("review-actions").get_by_role("link", name=f"Sign version {version}"))
    page.get_by_label("Position").fill(position)
    page.get_by_label("I confirm I have authority to sign this memorandum", exact=False).check()
    page.get_by_label("Your password").fill(PASSWORD)
    if two_factor.is_required(user):
        page.get_by_label("Code from your authenticator app").fill(totp_code(second_factor_device(user)))
    follow(page, page.get_by_role("button", name=f"Sign version {version}"))


def test_threads_and_a_proposed_wording_carry_into_version_two(
    portal_page, partnership, university_liaison, police_liaison, settings, tmp_path
):
    page = portal_page
    agreement = agreement_in_review(partnership, university_liaison)
    clauses = {clause["key"]: clause for clause in agreement.versions.get().clauses}
    statistics, meetings, escalation = (
        clauses["anonymised_statistics"],
        clauses["liaison_meetings"],
        clauses["escalation"],
    )
    review = reverse("agreements:review", args=[agreement.pk])

    # 1. The force comments on two clauses, one internally, and proposes wording for a third.
    login(page, police_liaison)
    visit(page, review)
    region = clause_region(page, statistics)
    follow(page, region.get_by_role("link", name=f"Comment on clause {statistics['number']}"))
    region.get_by_role("textbox", name=f"Comment on clause {statistics['number']}").fill(SHARED)
    expect(region.get_by_label("Shared with University of Northbridge")).to_be_checked()
    follow(page, region.get_by_role("button", name=f"Add comment on clause {statistics['number']}"))
    expect(status_message(page)).to_contain_text("shared with the other side")

    region = clause_region(page, meetings)
    follow(page, region.get_by_role("link", name=f"Comment on clause {meetings['number']}"))
    region.get_by_role("textbox", name=f"Comment on clause {meetings['number']}").fill(INTERNAL)
    region.get_by_label("Internal to Northbridge Police: University of Northbridge never sees it").check()
    follow(page, region.get_by_role("button", name=f"Add comment on clause {meetings['number']}"))
    expect(status_message(page)).to_contain_text("internal to your organisation")
    expect(clause_region(page, meetings).get_by_test_id("internal-badge")).to_have_text(
        "Internal to Northbridge Police"
    )

    region = clause_region(page, escalation)
    follow(page, region.get_by_role("link", name=f"Propose wording for clause {escalation['number']}"))
    wording = region.get_by_role("textbox", name=f"Proposed wording for clause {escalation['number']}")
    original = wording.input_value()
    wording.fill(original + ADDED)
    region.get_by_role("textbox", name="Why (optional)").fill(NOTE)
    follow(page, region.get_by_role("button", name=f"Propose this wording for clause {escalation['number']}"))
    expect(status_message(page)).to_contain_text(f"Your wording for clause {escalation['number']} was sent")
    expect(page.get_by_test_id("open-total")).to_have_text("3")

    follow(
        page, page.get_by_role("region", name="Your decision on version 1").get_by_role("link", name="Request changes")
    )
    expect(page.get_by_role("main")).to_contain_text("There are 3 open threads on the clauses")
    page.get_by_label("What needs to change").fill("See the threads on clauses 4.1, 4.3 and 4.5.")
    follow(page, page.get_by_role("button", name="Request changes"))
    log_out(page, police_liaison, check_login_page=False)

    # 2. The university replies, accepts the proposal, revises and submits version 2.
    login(page, university_liaison)
    visit(page, agreement.get_absolute_url())
    threads = page.get_by_test_id("open-threads")
    expect(threads.get_by_role("heading")).to_have_text("2 open threads")  # not the force's internal one
    expect(page.get_by_role("main")).not_to_contain_text(INTERNAL)
    follow(page, threads.get_by_role("link", name=statistics["heading"]))
    assert address(page.url) == review
    expect(page.get_by_role("main")).not_to_contain_text(INTERNAL)
    region = clause_region(page, statistics)
    thread = region.get_by_test_id("thread")
    follow(page, thread.get_by_role("link", name=re.compile(r"^Reply")))
    thread.get_by_role("textbox", name="Your reply").fill(REPLY)
    follow(page, thread.get_by_role("button", name="Send reply"))
    expect(clause_region(page, statistics).get_by_test_id("comment")).to_have_count(2)

    region = clause_region(page, escalation)
    proposal = region.get_by_test_id("proposal")
    expect(proposal.get_by_test_id("redline").get_by_role("insertion")).to_contain_text("within 10 working days")
    expect(region).to_contain_text(NOTE)
    follow(page, proposal.get_by_role("button", name=f"Accept this wording for clause {escalation['number']}"))
    expect(status_message(page)).to_contain_text("it goes into the draft when you revise it")

    visit(page, agreement.get_absolute_url())
    follow(page, page.get_by_role("button", name="Revise the draft"))
    for clause, added in ((statistics, STATISTICS_ADDED), (meetings, MEETINGS_ADDED)):
        visit(page, reverse("agreements:clause_edit", args=[agreement.pk, clause["key"]]))
        if clause is statistics:
            beside = page.get_by_test_id("clause-threads")
            expect(beside).to_contain_text(SHARED)
            expect(beside).to_contain_text(REPLY)
        else:
            expect(page.get_by_test_id("clause-threads")).to_have_count(0)  # the internal thread is not shown
        text = page.get_by_label("Text")
        text.fill(text.input_value() + added)
        follow(page, page.get_by_role("button", name="Save clause"))
    visit(page, agreement.get_absolute_url())
    follow(page, page.get_by_role("button", name="Submit for review"))
    expect(status_message(page)).to_contain_text("Version 2 sent to Northbridge Police for review.")
    version = agreement.versions.get(number=2)
    assert next(c for c in version.clauses if c["key"] == "escalation")["text"].endswith(ADDED.strip())

    # The university's own view of version 2: the internal thread is nowhere.
    visit(page, review)
    expect(page.get_by_role("main")).not_to_contain_text(INTERNAL)
    expect(page.get_by_test_id("internal-badge")).to_have_count(0)
    log_out(page, university_liaison, check_login_page=False)

    # 3. The force reviews version 2: only what changed, the carried thread from version 1.
    login(page, police_liaison)
    visit(page, review)
    expect(page.get_by_test_id("changed-total")).to_have_text("3 clauses")
    changed = page.get_by_test_id("clause").filter(has=page.get_by_test_id("changed-badge"))
    expect(changed).to_have_count(3)
    follow(page, page.get_by_role("link", name=re.compile(r"^Changed or with open threads \(3\)")))
    shown = page.get_by_test_id("clause")
    expect(shown).to_have_count(3)
    for clause in (meetings, statistics, escalation):
        region = clause_region(page, clause)
        expect(region.get_by_test_id("changed-badge")).to_have_text("Changed since version 1")
        expect(region.get_by_test_id("inline-changes").get_by_role("insertion").first).to_be_visible()
    carried = clause_region(page, statistics).get_by_test_id("thread")
    expect(carried.get_by_test_id("raised-on")).to_have_text("Raised on version 1, carried into this version")
    expect(clause_region(page, meetings)).to_contain_text(INTERNAL)  # the force sees its own internal thread

    # The force resolves its thread and approves, acknowledging the proposal's thread still open.
    follow(page, carried.get_by_role("button", name=re.compile(r"^Mark as resolved")))
    expect(status_message(page)).to_contain_text("The thread is marked as resolved.")
    visit(page, agreement.get_absolute_url())
    follow(page, page.get_by_role("link", name="Approve version 2"))
    decision = page.get_by_role("region", name="Your decision on version 2")
    follow(page, decision.get_by_role("button", name="Approve version 2"))
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    page.get_by_label("I have read the 1 open shared thread and approve with it still open").check()
    follow(
        page,
        page.get_by_role("region", name="Your decision on version 2").get_by_role("button", name="Approve version 2"),
    )
    expect(status_message(page)).to_contain_text("Both sides have approved version 2. It is ready to sign.")

    agreement.refresh_from_db()
    assert agreement.status == A.APPROVED
    approval = Approval.objects.get(version=version, side="police")
    assert [t.clause_key for t in approval.acknowledged_threads.all()] == ["escalation"]
    assert ReviewThread.objects.get(clause_key="escalation").proposal.status == ProposalStatus.ACCEPTED

    # 4. The signatories sign in the order chosen: the force first, then the institution.
    actions = page.get_by_test_id("review-actions")
    expect(actions).to_contain_text("Waiting for PS Daniel Okafor to sign for Northbridge Police.")
    expect(actions).to_contain_text("Then Priya Shah to sign for University of Northbridge.")
    sign(page, police_liaison, "Inspector, Northbridge Police", 2)
    expect(page.get_by_role("main")).to_contain_text("You signed version 2 for Northbridge Police")
    log_out(page, police_liaison, check_login_page=False)
    login(page, university_liaison)
    visit(page, agreement.get_absolute_url())
    expect(page.get_by_test_id("review-actions")).to_contain_text(
        "Waiting for Priya Shah to sign for University of Northbridge."
    )
    sign(page, university_liaison, "Head of Student Safety", 2)
    agreement.refresh_from_db()
    assert [s.side for s in agreement.signatures.order_by("signed_at")] == ["police", "institution"]
    assert agreement.status in (A.SIGNED, A.IN_FORCE)

    # The signed PDF (rendered as the Celery worker does; none runs beside the live server) ends
    # with the signing record: the whole negotiation and both signatures, in order.
    settings.MEDIA_ROOT = tmp_path
    tasks.render_signed_pdf(agreement.pk)
    visit(page, agreement.get_absolute_url())
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download signed PDF").click()
    reader = PdfReader(io.BytesIO(download_info.value.path().read_bytes()))
    last = " ".join(" ".join(page_.extract_text() for page_ in reader.pages[-2:]).split())
    assert "Signing record" in last
    record = last[last.index("Signing record") :]
    for expected in (
        "Version 1 submitted for review",
        "Changes requested to version 1",
        "Version 2 submitted for review",
        "Password and authenticator app code",
    ):
        assert expected in record, expected
    # In the order they signed: the force first.
    assert record.index("Signed version 2 as Inspector") < record.index("Signed version 2 as Head of Student Safety")
    assert INTERNAL not in record  # an internal thread never reaches the other side's copy
    check_accessibility(page)


def test_a_proposed_wording_declined_with_a_reason(portal_page, partnership, university_liaison, police_liaison):
    page = portal_page
    agreement = agreement_in_review(partnership, university_liaison)
    body = agreement.clauses.get(key="escalation").body
    proposal = services.propose_wording(agreement, clause_key="escalation", text=body + ADDED, by=police_liaison)

    login(page, university_liaison)
    visit(page, reverse("agreements:review", args=[agreement.pk]))
    follow(page, page.get_by_test_id("proposal").get_by_role("link", name=re.compile(r"^Decline")))
    expect(heading(page)).to_contain_text("Decline the proposed wording for clause")
    expect(page.get_by_test_id("redline").get_by_role("insertion")).to_contain_text("within 10 working days")
    follow(page, page.get_by_role("button", name="Decline the wording"))
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    page.get_by_label("Why you decline it").fill(DECLINE_REASON)
    follow(page, page.get_by_role("button", name="Decline the wording"))
    expect(status_message(page)).to_contain_text("Wording declined. Northbridge Police is told why.")
    expect(page.get_by_test_id("proposal")).to_contain_text(DECLINE_REASON)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECLINED and proposal.answered_by == university_liaison
