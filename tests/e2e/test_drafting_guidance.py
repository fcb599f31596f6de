"""Drafting that guides, in the browser: the optional clauses chosen on one checklist, a clause
reset to the template's text after a confirmation, an unknown placeholder refused with the
known ones listed, and the missing fields named by their labels. Every page is checked with axe
and at 390 px."""

from django.urls import reverse
from playwright.sync_api import expect

from agreements import services
from agreements.models import Agreement
from tests.e2e.browser import check_accessibility, follow, login, visit


def test_the_drafter_chooses_optional_clauses_and_resets_a_clause(portal_page, draft, university_liaison):
    page = portal_page
    services.update_clause(
        draft.clauses.get(key="scope"), body="It covers the whole city.", included=True, by=university_liaison
    )
    Agreement.objects.filter(pk=draft.pk).update(meeting_months=None)
    login(page, university_liaison)
    visit(page, draft.get_absolute_url())
    check_accessibility(page)
    expect(page.get_by_test_id("missing-placeholders")).to_contain_text("Meet every (months)")
    expect(page.get_by_test_id("missing-placeholders")).not_to_contain_text("{meeting_frequency}")

    # The optional clauses, on one checklist.
    follow(page, page.get_by_role("link", name="Choose optional clauses"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose the optional clauses")
    page.get_by_label("County lines (section 13, Optional provisions)").check()
    follow(page, page.get_by_role("button", name="Save the optional clauses"))
    expect(page.get_by_role("status").filter(has_text="Optional clauses saved")).to_contain_text(
        "1 included, 0 left out"
    )
    expect(page.locator("#clause-county_lines")).to_contain_text("Optional: included")

    # An unknown placeholder is refused, listing the known ones.
    visit(page, reverse("agreements:clause_edit", args=[draft.pk, "meetings"]))
    check_accessibility(page)
    page.get_by_label("Text").fill("Chaired by {chair_person}.")
    follow(page, page.get_by_role("button", name="Save clause"))
    expect(page.locator("#id_body")).to_have_value("Chaired by {chair_person}.")
    expect(page.get_by_text("{chair_person} is not a placeholder the portal can fill in").first).to_be_visible()

    # The scope clause, reworded, goes back to the template's text after a confirmation.
    visit(page, reverse("agreements:clause_edit", args=[draft.pk, "scope"]))
    check_accessibility(page)
    follow(page, page.get_by_role("link", name="Reset it to the template's text"))
    expect(page.get_by_role("region", name="The text now")).to_contain_text("It covers the whole city.")
    expect(page.get_by_role("region", name="The template's text")).to_contain_text("It covers {area_covered}.")
    follow(page, page.get_by_role("button", name="Reset to the template's text"))  # not confirmed: refused
    expect(page.get_by_text("Tick the box to confirm").first).to_be_visible()
    page.get_by_label("Yes, replace this clause's text with the template's text").check()
    follow(page, page.get_by_role("button", name="Reset to the template's text"))
    expect(page.locator("#clause-scope")).to_contain_text("It covers")
    assert draft.clauses.get(key="scope").body == "It covers {area_covered}."
