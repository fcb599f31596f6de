"""A partnership from proposal to information flowing both ways, through the real UI only.

The university's liaison officer proposes a partnership with the force; the force's liaison
officer finds the proposal on the dashboard and accepts it (nothing can be recorded before);
the university's liaison officer makes it active,
records a meeting, raises an action from it and shares information with the police. The
force's liaison officer, told of it in the notifications, feeds back what came of it and
shares information in return; the partnership page then shows a healthy two-way flow and a
timeline of all of it. Only the organisations, the two users and their contacts are made with
factories; everything else is typed and clicked in Chromium, and every page shown is checked
with axe.
"""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests import factories
from tests.e2e.browser import address, follow, log_out, login, long, main_nav_link, short, visit

TITLE = "Safer Northbridge campus"
ENGAGEMENT = "Autumn partnership board"
ACTION = "Map late-night taxi ranks"
SUMMARY_TO_POLICE = "A grey hatchback waits by the east gate of the halls after midnight; partial plate LX7."
SUMMARY_TO_UNIVERSITY = "Reports of drug dealing near the student union at weekends; patrols increased."


def iso(day) -> str:
    return day.isoformat()


# Not browser.status_message: any element with the role status, not only the flash message with a
# button to dismiss it (so the page must have just one).
def status_message(page: Page) -> Locator:
    return page.get_by_role("status")


def lawful_basis_of(page: Page) -> Locator:
    # Not get_by_label("Lawful basis"): that would also match "Explanation of the lawful basis".
    return page.get_by_role("combobox", name=re.compile(r"^Lawful basis"))


def position_of(title: str, texts: list[str]) -> int:
    found = [i for i, text in enumerate(texts) if title in text]
    assert found, f"{title!r} is not in the timeline: {texts}"
    return found[0]


def test_a_partnership_from_proposal_to_information_flowing_both_ways(
    portal_page, university, police_force, university_liaison, police_liaison
):
    page = portal_page
    today = timezone.localdate()
    start_date = today - timedelta(days=60)
    met_on = today - timedelta(days=14)
    due_on = today + timedelta(days=21)
    shared_on = today - timedelta(days=7)
    outcome_on = today - timedelta(days=3)

    factories.ContactFactory(organisation=university, name="Priya Shah", user=university_liaison)
    factories.ContactFactory(organisation=university, name="Professor Alan Reid", job_title="Pro Vice-Chancellor")
    factories.ContactFactory(organisation=police_force, name="PS Daniel Okafor", user=police_liaison)
    factories.ContactFactory(organisation=police_force, name="Ch Supt Sarah Lee", job_title="Local policing lead")

    # 1. The university's liaison officer proposes the partnership.
    login(page, university_liaison)
    follow(page, main_nav_link(page, "Partnerships"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnerships")
    follow(page, page.get_by_role("link", name="New partnership"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a partnership")

    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Police force").select_option(label="Northbridge Police")
    page.get_by_label("Sexual violence", exact=True).check()
    page.get_by_label("Hate crime", exact=True).check()
    page.get_by_label("Aims and objectives").fill("Fewer students harmed on and around campus, measured each term.")
    page.get_by_label("Institution sponsor").select_option(label="Professor Alan Reid, Pro Vice-Chancellor")
    page.get_by_label("Institution single point of contact").select_option(label="Priya Shah, Liaison officer")
    page.get_by_label("Start date").fill(iso(start_date))
    follow(page, page.get_by_role("button", name="Create partnership"))

    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(status_message(page)).to_contain_text("Northbridge Police must accept it before anything is recorded")
    partnership_url = address(page.url)
    expect(page.get_by_test_id("proposal-banner")).to_contain_text("waiting for Northbridge Police to accept")
    expect(page.get_by_role("link", name="Record engagement")).to_have_count(0)
    expect(page.get_by_role("link", name="Northbridge Police")).to_have_count(0)  # its page stays closed
    health = page.get_by_test_id("health-panel")
    expect(health.get_by_role("heading")).to_have_text("Health: Needs attention")
    expect(health).to_contain_text("No engagement has been recorded yet.")
    expect(health).to_contain_text("No information has been shared either way")
    overview = page.get_by_role("region", name="Overview")
    expect(overview).to_contain_text("Sexual violence, Hate crime")
    expect(overview).to_contain_text("Professor Alan Reid")
    expect(overview).to_contain_text(long(start_date))

    log_out(page, university_liaison)

    # 2. The force's liaison officer finds the proposal on the dashboard and accepts it.
    login(page, police_liaison)
    awaiting = page.get_by_role("region", name="Waiting for your organisation's answer")
    expect(awaiting).to_contain_text(TITLE)
    follow(page, awaiting.get_by_role("link", name=re.compile("^Answer")))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("region", name="The proposal")).to_contain_text("University of Northbridge")
    follow(page, page.get_by_role("button", name="Accept"))
    assert address(page.url) == partnership_url
    expect(status_message(page)).to_contain_text("You accepted the partnership.")
    expect(page.get_by_role("link", name="Record engagement")).to_be_visible()
    log_out(page, police_liaison)

    # 3. Accepted by both: it becomes active.
    login(page, university_liaison)
    visit(page, partnership_url)
    follow(page, page.get_by_role("link", name="Change status"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Change status")
    page.get_by_label("New status").select_option(label="Active")
    page.get_by_label("Reason (optional)").fill("Both sides signed up at the launch event.")
    follow(page, page.get_by_role("button", name="Change status"))
    assert address(page.url) == partnership_url
    expect(status_message(page)).to_contain_text("The partnership is now active.")

    # 4. A strategic meeting with both sides, and an action raised from it.
    follow(page, page.get_by_role("link", name="Record engagement"))
    page.get_by_label("Type of engagement").select_option(label="Strategic meeting")
    page.get_by_label("Title").fill(ENGAGEMENT)
    page.get_by_label("Date").fill(iso(met_on))
    page.get_by_label("Location").fill("Student union, room 2")
    page.get_by_label("Priya Shah, Liaison officer, University of Northbridge").check()
    page.get_by_label("PS Daniel Okafor, Liaison officer, Northbridge Police").check()
    page.get_by_label("Decisions").fill("Map where students wait for taxis late at night.")
    follow(page, page.get_by_role("button", name="Save engagement"))

    expect(page.get_by_role("heading", level=1)).to_have_text(ENGAGEMENT)
    attendees = page.get_by_role("region", name="Attendees")
    expect(attendees).to_contain_text("Priya Shah")
    expect(attendees).to_contain_text("PS Daniel Okafor")

    follow(page, page.get_by_role("link", name="Raise action"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Raise an action")
    page.get_by_label("Title").fill(ACTION)
    page.get_by_label("Owner").select_option(label="PS Daniel Okafor, Liaison officer")
    expect(page.get_by_label("Raised at").locator("option:checked")).to_have_text(f"{ENGAGEMENT} ({short(met_on)})")
    page.get_by_label("Due date").fill(iso(today - timedelta(days=1)))
    follow(page, page.get_by_role("button", name="Raise action"))

    expect(page.get_by_label("Due date")).to_have_attribute("aria-invalid", "true")  # not in the past
    expect(page.get_by_role("main")).to_contain_text("Choose a due date from today onwards.")
    expect(page.get_by_label("Title")).to_have_value(ACTION)
    page.get_by_label("Due date").fill(iso(due_on))
    follow(page, page.get_by_role("button", name="Raise action"))

    expect(page.get_by_role("heading", level=1)).to_have_text(ENGAGEMENT)  # back on the engagement
    expect(status_message(page)).to_contain_text(f"Action “{ACTION}” raised for PS Daniel Okafor.")
    expect(page.get_by_role("region", name="Actions raised")).to_contain_text(f"due {short(due_on)}")

    # 4. Information for the police, shared with the warning in view.
    follow(page, page.get_by_role("link", name=TITLE))
    follow(page, page.get_by_role("link", name="Share information"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Share information with Northbridge Police")
    expect(page.get_by_role("note")).to_contain_text("Do not name victims, survivors or witnesses")
    page.get_by_label("Category").select_option(label="Vehicle")
    page.get_by_label("Summary").fill(SUMMARY_TO_POLICE)
    lawful_basis_of(page).select_option(label="Public task (UK GDPR article 6(1)(e))")
    page.get_by_label("Date shared").fill(iso(shared_on))
    follow(page, page.get_by_role("button", name="Share with Northbridge Police"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Vehicle")
    expect(status_message(page)).to_contain_text("Information shared with Northbridge Police.")
    expect(page.get_by_role("region", name="Summary")).to_contain_text(SUMMARY_TO_POLICE)

    log_out(page, university_liaison)

    # 5. The force's liaison officer has heard of the share at once, without its summary, and
    # says what came of it.
    login(page, police_liaison)
    visit(page, reverse("notifications:list"))
    notes = page.get_by_test_id("notification-list")
    expect(notes).to_contain_text(f"Information shared with your side: {TITLE}")
    expect(notes).not_to_contain_text(SUMMARY_TO_POLICE)
    follow(page, main_nav_link(page, "Feedback"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Information awaiting outcome feedback")
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Vehicle")
    expect(row).to_contain_text("7 days")
    follow(page, row.get_by_role("link", name="Record outcome"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome")
    page.get_by_role("combobox", name="Outcome").select_option(label="Safeguarding referral")
    page.get_by_label("Date of outcome").fill(iso(outcome_on))
    page.get_by_label("Note (optional)").fill("The driver was spoken to; a student was referred for support.")
    follow(page, page.get_by_role("button", name="Record outcome"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Vehicle")
    expect(status_message(page)).to_contain_text("Outcome feedback recorded.")
    outcome = page.get_by_role("region", name="Outcome feedback")
    expect(outcome).to_contain_text("Safeguarding referral")
    expect(outcome).to_contain_text(long(outcome_on))
    expect(outcome).to_contain_text("a student was referred for support")

    # 6. Information back to the university; "Other" without an explanation is refused first.
    follow(page, page.get_by_role("link", name=TITLE))
    follow(page, page.get_by_role("link", name="Share information"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Share information with University of Northbridge")
    page.get_by_label("Category").select_option(label="Drug line")
    page.get_by_label("Summary").fill(SUMMARY_TO_UNIVERSITY)
    lawful_basis = lawful_basis_of(page)
    lawful_basis.select_option(label="Other (explain below)")
    follow(page, page.get_by_role("button", name="Share with University of Northbridge"))

    explanation = page.get_by_label("Explanation of the lawful basis")
    expect(explanation).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("Explain the lawful basis when you choose “Other”.")
    expect(page.get_by_label("Summary")).to_have_value(SUMMARY_TO_UNIVERSITY)
    expect(lawful_basis).to_have_value("other")
    explanation.fill("Section 115 Crime and Disorder Act 1998")
    follow(page, page.get_by_role("button", name="Share with University of Northbridge"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Drug line")
    expect(status_message(page)).to_contain_text("Information shared with University of Northbridge.")

    # 7. The partnership is healthy, and its timeline tells the story, newest first.
    follow(page, page.get_by_role("link", name=TITLE))
    health = page.get_by_test_id("health-panel")
    expect(health.get_by_role("heading")).to_have_text("Health: Healthy")
    expect(health).to_contain_text("Information is flowing both ways in the last 90 days (1 to police, 1 back).")
    expect(health).to_contain_text("Last engagement 14 days ago.")

    timeline = page.get_by_test_id("timeline")
    events = timeline.get_by_role("listitem")
    expect(events.filter(has_text="Information shared to institution: Drug line")).to_contain_text(short(today))
    expect(events.filter(has_text="Status changed to active")).to_have_count(1)
    dates = timeline.locator("time").evaluate_all("times => times.map(time => time.dateTime)")
    assert dates == sorted(dates, reverse=True), f"The timeline is not newest first: {dates}"
    # One event a day, so their order is certain: the action (today), the feedback, the share, the meeting.
    story = [
        (f"Action raised: {ACTION}", today),
        ("Outcome fed back: Safeguarding referral", outcome_on),
        ("Information shared to police: Vehicle", shared_on),
        (ENGAGEMENT, met_on),
    ]
    for title, day in story:
        expect(events.filter(has_text=title)).to_contain_text(short(day))
    expect(events.filter(has_text=ENGAGEMENT)).to_contain_text("Strategic meeting")
    texts = events.all_inner_texts()
    positions = [position_of(title, texts) for title, _ in story]
    assert positions == sorted(positions), f"The timeline is not newest first: {texts}"
