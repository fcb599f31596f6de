"""An agreement's life in force through the real UI (issue 16): the scheduled review, a variation
and the notice page.

The agreement came into force 330 days ago, so its first yearly review, due in 35 days, can be
answered. The force's liaison officer answers "reviewed, no change" with a note, then opens the
notice page (its last day is computed from the 3-month notice period) and leaves it without
giving a reason: nothing changes. The university's liaison officer starts a variation, finds the
new draft's details with the term fixed, and, once it is signed, the public verification page of
the original lists it. Every page shown is checked with axe and at phone width.
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agreements import services
from agreements.models import A, Agreement
from tests.e2e.browser import address, follow, log_out, login, long, status_message, visit
from tests.fixtures.agreements import FIELDS, sign_both

NOTE = "Reviewed at the strategic meeting; no change needed."


def test_review_variation_and_notice(portal_page, partnership, template, university_liaison, police_liaison):
    page = portal_page
    today = timezone.localdate()
    effective = today - timedelta(days=330)
    partnership.institution_sponsor = partnership.institution_contact
    partnership.police_sponsor = partnership.police_contact
    partnership.save()
    agreement = services.start_draft(
        partnership,
        template,
        by=university_liaison,
        title="Safer campus MOU",
        **{**FIELDS, "effective_date": effective},
    )
    services.submit_for_review(agreement, by=university_liaison, today=effective)
    services.approve(agreement, by=police_liaison)
    sign_both(agreement, police_liaison, university_liaison)
    agreement.refresh_from_db()
    assert agreement.status == A.IN_FORCE
    due = effective + relativedelta(months=12)

    # 1. The force's liaison officer answers the review.
    login(page, police_liaison)
    visit(page, agreement.get_absolute_url())
    life = page.get_by_test_id("agreement-life")
    expect(life.get_by_test_id("next-review")).to_contain_text(f"Due {long(due)}")
    expect(life.get_by_test_id("term")).to_contain_text(long(agreement.expires_on))
    follow(page, life.get_by_role("link", name="Answer the review"))
    assert address(page.url) == reverse("agreements:answer_review", args=[agreement.pk])
    expect(page.get_by_test_id("review-answers")).to_contain_text("Neither side has answered yet.")
    page.get_by_label("Note for the record (optional)").fill(NOTE)
    follow(page, page.get_by_role("button", name="Reviewed, no change"))
    assert address(page.url) == agreement.get_absolute_url()
    expect(status_message(page)).to_contain_text("Your side's answer is recorded: reviewed, no change.")
    expect(page.get_by_test_id("next-review")).to_contain_text("Police force: reviewed, no change")
    expect(page.get_by_test_id("audit-trail")).to_contain_text(NOTE)

    # 2. Notice to end: the page says the last day; without a reason nothing is given.
    follow(page, page.get_by_test_id("agreement-life").get_by_role("link", name="Give notice to end"))
    ends_on = min(today + relativedelta(months=FIELDS["notice_months"]), agreement.expires_on)
    expect(page.get_by_test_id("notice-ends-on")).to_have_text(long(ends_on))
    follow(page, page.get_by_role("main").get_by_role("button", name="Give notice to end"))
    expect(page.get_by_role("main")).to_contain_text("Give your reason, so that both sides know.")
    follow(page, page.get_by_role("link", name="Keep it in force"))
    agreement.refresh_from_db()
    assert agreement.ends_on is None and agreement.status == A.IN_FORCE
    log_out(page, police_liaison, check_login_page=False)

    # 3. The university's liaison officer starts a variation.
    login(page, university_liaison)
    visit(page, agreement.get_absolute_url())
    follow(page, page.get_by_test_id("agreement-life").get_by_role("link", name="Start a variation"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a variation of Safer campus MOU")
    follow(page, page.get_by_role("button", name="Start the variation"))
    variation = Agreement.objects.get(varies=agreement)
    assert address(page.url) == reverse("agreements:edit", args=[variation.pk])
    expect(status_message(page)).to_contain_text("Variation 1 is drafted from the text in force.")
    expect(page.get_by_label("Term (months)")).to_be_disabled()
    visit(page, variation.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("Safer campus MOU (variation 1)")
    expect(page.get_by_test_id("variation-of")).to_contain_text("Variation 1 of Safer campus MOU")

    # Agreed and signed (as the negotiation journeys do through the pages): the verification
    # page of the original, public, lists the variation.
    variation.effective_date = today
    services.save_details(variation, fields=["effective_date"], by=university_liaison)
    services.submit_for_review(variation, by=university_liaison)
    services.approve(variation, by=police_liaison)
    sign_both(variation, police_liaison, university_liaison)
    log_out(page, university_liaison, check_login_page=False)
    visit(page, agreement.get_verification_url())
    rows = page.get_by_test_id("variation")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("The original memorandum (this page)")
    expect(rows.nth(0)).to_contain_text("Superseded")
    expect(rows.nth(1)).to_contain_text("Variation 1")
    expect(rows.nth(1)).to_contain_text("In force")
    expect(page.get_by_test_id("expiry")).to_contain_text(long(agreement.expires_on))
