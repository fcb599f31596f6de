"""A tour of every partnerships page the journey test does not reach, each checked with axe.

The journey (test_partnership_journey.py) builds a partnership through the UI. This module
builds a lived-in portal with factories instead (three partnerships of different health, a
meeting with attendees, actions of which one is overdue, information shared both ways with
feedback on one, units and contacts) and then opens each remaining page as the person who
would normally use it: the lists with filters and their empty states, the detail, edit,
status, history and delete-confirmation pages, the share pages as a single point of contact
and as a colleague, the organisation, unit and contact forms, form errors, and the liaison
dashboards. Deletes are never confirmed. Every page shown is checked with axe.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from accounts.models import User
from partnerships.models import (
    Action,
    ActionStatus,
    Direction,
    EngagementKind,
    FocusArea,
    InformationShare,
    LawfulBasis,
    Organisation,
    OrganisationKind,
    Outcome,
    Partnership,
    PartnershipStatus,
    Region,
    ShareCategory,
    ShareView,
)
from tests import factories
from tests.e2e.browser import address, follow, heading, login, long, main_nav_link, short, visit

TITLE = "Safer Northbridge campus"
PAUSED_TITLE = "Eastmoor student safety"
PROPOSED_TITLE = "Northbridge College night-time safety"
ENGAGEMENT = "Autumn partnership board"
TAXI_ACTION = "Map late-night taxi ranks"
CCTV_ACTION = "Review CCTV coverage at the east gate"
LEAFLET_ACTION = "Draft a joint safety leaflet"
UNIT = "Rape and Serious Crime Unit"


# Helpers, as in the journey test


# Not browser.status_message: any element with the role status, not only the flash message with a
# button to dismiss it (so the page must have just one).
def status_message(page: Page) -> Locator:
    return page.get_by_role("status")


def region(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def data_rows(table: Locator) -> Locator:
    """The rows of a table that hold cells, not column headers."""
    return table.get_by_role("row").filter(has=table.page.get_by_role("cell"))


# The portal as it is after a few months of partnership work


@dataclass
class Tour:
    today: date
    partnership: Partnership  # the personas' own: active, needing attention for an overdue action
    proposed: Partnership  # the force's with a college, only proposed
    taxi_action: Action  # owned by the force's liaison officer, raised at the engagement
    share_to_police: InformationShare  # awaiting the force's feedback
    colleague: User  # a university liaison officer who is not a single point of contact


@pytest.fixture
def tour(transactional_db, university, police_force, university_liaison, police_liaison):
    today = timezone.localdate()
    days = timedelta

    student_services = factories.UnitFactory(organisation=university, name="Student Services")
    rascu = factories.UnitFactory(
        organisation=police_force, name=UNIT, description="Investigates rape and serious sexual offences."
    )
    priya = factories.ContactFactory(
        organisation=university, name="Priya Shah", user=university_liaison, unit=student_services
    )
    reid = factories.ContactFactory(
        organisation=university, name="Professor Alan Reid", job_title="Pro Vice-Chancellor"
    )
    okafor = factories.ContactFactory(organisation=police_force, name="PS Daniel Okafor", user=police_liaison)
    lee = factories.ContactFactory(
        organisation=police_force, name="Ch Supt Sarah Lee", job_title="Local policing lead", unit=rascu
    )
    colleague = factories.UniversityLiaisonFactory(
        username="uni.colleague", organisation=university, first_name="Tom", last_name="Ellis"
    )

    partnership = factories.PartnershipFactory(
        institution=university,
        police_force=police_force,
        title=TITLE,
        aims="Fewer students harmed on and around campus, measured each term.",
        institution_sponsor=reid,
        institution_contact=priya,
        police_sponsor=lee,
        police_contact=okafor,
        next_review_date=today + days(30),
    )
    engagement = factories.EngagementFactory(
        partnership=partnership,
        title=ENGAGEMENT,
        date=today - days(14),
        location="Student union, room 2",
        notes="Taxi marshals have stopped at the east gate; students wait alone after midnight.",
        decisions="Map where students wait for taxis late at night.",
        created_by=university_liaison,
    )
    engagement.attendees.set([priya, reid, okafor])
    taxi_action = factories.ActionFactory(
        partnership=partnership, engagement=engagement, title=TAXI_ACTION, owner=okafor, due_date=today + days(21)
    )
    overdue_action = factories.ActionFactory(
        partnership=partnership, title=CCTV_ACTION, owner=priya, due_date=today + days(7)
    )
    Action.objects.filter(pk=overdue_action.pk).update(due_date=today - days(5))  # now overdue
    factories.ActionFactory(
        partnership=partnership,
        title=LEAFLET_ACTION,
        owner=reid,
        due_date=today + days(10),
        status=ActionStatus.IN_PROGRESS,
    )
    answered_share = factories.InformationShareFactory(
        partnership=partnership,
        direction=Direction.TO_POLICE,
        category=ShareCategory.VEHICLE,
        shared_on=today - days(40),
        shared_by=university_liaison,
        outcome=Outcome.SAFEGUARDING_REFERRAL,
        outcome_on=today - days(30),
        outcome_note="The driver was spoken to; a student was referred for support.",
        outcome_by=police_liaison,
    )
    ShareView.objects.create(share=answered_share, viewer=police_liaison)
    factories.InformationShareFactory(  # awaiting the university's feedback
        partnership=partnership,
        direction=Direction.TO_INSTITUTION,
        category=ShareCategory.DRUG_LINE,
        summary="Reports of drug dealing near the student union at weekends; patrols increased.",
        lawful_basis=LawfulBasis.LAW_ENFORCEMENT,
        shared_on=today - days(7),
        shared_by=police_liaison,
    )
    share_to_police = factories.InformationShareFactory(
        partnership=partnership,
        direction=Direction.TO_POLICE,
        category=ShareCategory.PROBLEM_LOCATION,
        summary="Groups gather at the underpass by the science park after the bars close.",
        shared_on=today - days(3),
        shared_by=university_liaison,
    )

    # The university's second partnership has stalled: paused, and nobody has met for months.
    eastmoor = factories.PoliceForceFactory(name="Eastmoor Police", region=Region.YORKSHIRE)
    barker = factories.ContactFactory(organisation=eastmoor, name="DI Ruth Barker", job_title="Partnership inspector")
    factories.UnitFactory(organisation=eastmoor, name="Neighbourhood Policing")
    paused = factories.PartnershipFactory(
        institution=university,
        police_force=eastmoor,
        title=PAUSED_TITLE,
        status=PartnershipStatus.PAUSED,
        focus_areas=[FocusArea.DRUGS, FocusArea.COUNTY_LINES],
        police_contact=barker,
    )
    factories.EngagementFactory(
        partnership=paused, title="Spring forum", kind=EngagementKind.FORUM, date=today - days(200)
    )

    # The force's newest partnership, with a college, is only proposed.
    college = factories.OrganisationFactory(name="Northbridge College", kind=OrganisationKind.COLLEGE)
    factories.ContactFactory(organisation=college, name="Grace Mensah", job_title="Head of student support")
    proposed = factories.PartnershipFactory(
        institution=college,
        police_force=police_force,
        title=PROPOSED_TITLE,
        status=PartnershipStatus.PROPOSED,
        focus_areas=[FocusArea.VAWG],
        start_date=None,
        police_contact=okafor,
    )

    return Tour(
        today=today,
        partnership=partnership,
        proposed=proposed,
        taxi_action=taxi_action,
        share_to_police=share_to_police,
        colleague=colleague,
    )


# The university's liaison officer: dashboard, list, partnership pages, a share they can audit


def test_university_liaison_tours_the_partnership_pages(portal_page, tour, university_liaison, police_liaison):
    page = portal_page
    today = tour.today

    login(page, university_liaison)
    panel = region(page, "Your partnerships")
    links = panel.get_by_role("list").first.get_by_role("link")
    expect(links).to_have_text([PAUSED_TITLE, TITLE])  # worst health first
    expect(panel.get_by_role("listitem").filter(has_text=PAUSED_TITLE)).to_contain_text("Eastmoor Police · Paused")
    expect(panel.get_by_role("listitem").filter(has_text=PAUSED_TITLE)).to_contain_text("At risk")
    expect(panel.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text("Needs attention")
    expect(panel).to_contain_text("3 open actions, 1 overdue")
    expect(panel).to_contain_text("1 share awaiting your feedback")

    # The list, filtered, unfiltered and by health.
    follow(page, main_nav_link(page, "Partnerships"))
    search = page.get_by_role("search", name="Search and filter partnerships")
    search.get_by_label("Status").select_option(label="Active")
    search.get_by_label("Focus area").select_option(label="Sexual violence")
    search.get_by_label("Region").select_option(label="North West")
    search.get_by_label("Sort by").select_option(label="Health, worst first")
    follow(page, search.get_by_role("button", name="Apply"))
    table = page.get_by_role("table", name=re.compile(r"^Partnerships"))
    expect(data_rows(table)).to_have_count(1)
    row = data_rows(table).first
    expect(row.get_by_role("link")).to_have_text(TITLE)
    expect(row).to_contain_text("1 overdue action")
    expect(row).to_contain_text(short(today - timedelta(days=14)))
    expect(page.get_by_label("Status")).to_have_value("active")

    follow(page, page.get_by_role("link", name="Clear filters"))
    expect(data_rows(table)).to_have_count(2)
    page.get_by_label("Health").select_option(label="At risk")
    follow(page, page.get_by_role("button", name="Apply"))
    expect(data_rows(table)).to_have_count(1)
    expect(data_rows(table).first).to_contain_text(PAUSED_TITLE)
    expect(data_rows(table).first).to_contain_text("Paused")

    page.get_by_label("Health").select_option(label="Healthy")
    follow(page, page.get_by_role("button", name="Apply"))
    expect(page.get_by_role("main")).to_contain_text("No partnerships match these filters.")
    expect(page.get_by_role("table")).to_have_count(0)

    # The partnership page, as one of its single points of contact.
    visit(page, reverse("partnerships:partnership_detail", args=[tour.partnership.pk]))
    expect(heading(page)).to_have_text(TITLE)
    health = page.get_by_test_id("health-panel")
    expect(health.get_by_role("heading")).to_have_text("Health: Needs attention")
    expect(health).to_contain_text("1 action overdue.")
    expect(health).to_contain_text("Information is flowing both ways in the last 90 days (2 to police, 1 back).")
    open_actions = region(page, "Open actions")
    expect(open_actions.get_by_role("listitem").first).to_contain_text(
        f"overdue since {short(today - timedelta(days=5))}"
    )
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("Outcome fed back: Safeguarding referral")
    expect(timeline).to_contain_text("Information shared to institution: Drug line")

    # Edit form: the parties are fixed, each side's contacts are chosen.
    follow(page, page.get_by_role("link", name="Edit", exact=True))
    expect(heading(page)).to_have_text("Edit partnership")
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_role("combobox", name=re.compile(r"^Institution\W*$"))).to_be_disabled()
    expect(page.get_by_label("Institution single point of contact").locator("option:checked")).to_have_text(
        "Priya Shah, Liaison officer"
    )
    expect(page.get_by_label("Police sponsor").locator("option:checked")).to_have_text(
        "Ch Supt Sarah Lee, Local policing lead"
    )
    expect(page.get_by_label("Sexual violence", exact=True)).to_be_checked()

    # Change status form: only the moves the workflow allows are offered.
    visit(page, reverse("partnerships:partnership_status", args=[tour.partnership.pk]))
    expect(heading(page)).to_have_text("Change status")
    expect(page.get_by_label("New status").get_by_role("option")).to_have_text(["Under review", "Paused", "Ended"])

    # History: who changed what, shares included for a liaison officer of a party.
    visit(page, reverse("partnerships:partnership_history", args=[tour.partnership.pk]))
    expect(heading(page)).to_have_text(f"History of {TITLE}")
    changes = page.get_by_role("main").get_by_role("listitem")
    expect(changes.filter(has_text=f"Created action “{CCTV_ACTION}”")).to_have_count(1)
    expect(
        changes.filter(has_text=f"Created information share “Vehicle, {short(today - timedelta(days=40))}”")
    ).to_have_count(1)
    expect(changes.filter(has_text="Created partnership")).to_have_count(1)

    # A share with feedback, opened by a single point of contact: the view log is shown.
    follow(
        page, page.get_by_role("link", name=f"Created information share “Vehicle, {short(today - timedelta(days=40))}”")
    )
    expect(heading(page)).to_have_text("Vehicle")
    outcome = region(page, "Outcome feedback")
    expect(outcome).to_contain_text("Safeguarding referral")
    expect(outcome).to_contain_text(long(today - timedelta(days=30)))
    expect(outcome).to_contain_text(f"recorded by {police_liaison.get_full_name()}")
    views = page.get_by_test_id("share-views").get_by_role("listitem")
    expect(views).to_have_count(2)
    expect(views.filter(has_text=police_liaison.get_full_name())).to_have_count(1)
    expect(views.filter(has_text=university_liaison.get_full_name())).to_have_count(1)


# The force's liaison officer: dashboard, engagement and action pages, a stale status form


def test_police_liaison_tours_engagement_action_and_status_pages(portal_page, tour, police_liaison):
    page = portal_page
    today = tour.today

    login(page, police_liaison)
    panel = region(page, "Partner institutions")
    expect(panel.get_by_role("list").first.get_by_role("link")).to_have_text([PROPOSED_TITLE, TITLE])
    expect(panel.get_by_role("listitem").filter(has_text=PROPOSED_TITLE)).to_contain_text(
        "Northbridge College · Proposed"
    )
    expect(panel.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text("University of Northbridge · Active")
    expect(panel).to_contain_text("3 open actions, 1 overdue")
    expect(panel).to_contain_text("1 share awaiting your feedback")

    follow(page, panel.get_by_role("link", name=TITLE))
    follow(page, page.get_by_test_id("timeline").get_by_role("link", name=ENGAGEMENT))

    # Engagement page, its edit form and its delete confirmation (kept).
    expect(heading(page)).to_have_text(ENGAGEMENT)
    met_on = today - timedelta(days=14)
    expect(page.get_by_role("main")).to_contain_text(
        f"Strategic meeting · {met_on:%A} {long(met_on)} · Student union, room 2"
    )
    expect(region(page, "Attendees").get_by_role("listitem")).to_have_count(3)
    expect(region(page, "Actions raised")).to_contain_text(f"PS Daniel Okafor · due {short(tour.taxi_action.due_date)}")
    follow(page, page.get_by_role("link", name="Edit", exact=True))
    expect(heading(page)).to_have_text("Edit engagement")
    expect(page.get_by_label("Title")).to_have_value(ENGAGEMENT)
    expect(page.get_by_label("Professor Alan Reid, Pro Vice-Chancellor, University of Northbridge")).to_be_checked()
    expect(page.get_by_label("Ch Supt Sarah Lee, Local policing lead, Northbridge Police")).not_to_be_checked()
    follow(page, page.get_by_role("link", name="Cancel"))
    follow(page, page.get_by_role("link", name="Delete", exact=True))
    expect(heading(page)).to_have_text(f"Delete “{ENGAGEMENT}”?")
    expect(page.get_by_role("main")).to_contain_text("The 1 action raised from it will stay on the partnership.")
    follow(page, page.get_by_role("link", name="Keep it"))
    expect(heading(page)).to_have_text(ENGAGEMENT)

    # Action page and its edit form.
    follow(page, region(page, "Actions raised").get_by_role("link", name=TAXI_ACTION))
    expect(heading(page)).to_have_text(TAXI_ACTION)
    expect(page.get_by_role("main")).to_contain_text("PS Daniel Okafor, Liaison officer (Northbridge Police)")
    expect(page.get_by_label(f"Status of {TAXI_ACTION}")).to_have_value("open")
    follow(page, page.get_by_role("link", name="Edit action"))
    expect(heading(page)).to_have_text("Edit action")
    expect(page.get_by_label("Due date")).to_have_value(tour.taxi_action.due_date.isoformat())
    expect(page.get_by_label("Status")).to_have_value("open")
    expect(page.get_by_label("Raised at").locator("option:checked")).to_have_text(
        f"{ENGAGEMENT} ({short(today - timedelta(days=14))})"
    )

    # "Actions": every open action, overdue first, each with its status dropdown.
    follow(page, main_nav_link(page, "Actions"))
    expect(heading(page)).to_have_text("Open actions")
    table = page.get_by_role("table", name="Open actions")
    rows = data_rows(table)
    expect(rows).to_have_count(3)
    for position, title in enumerate([CCTV_ACTION, LEAFLET_ACTION, TAXI_ACTION]):
        expect(rows.nth(position).get_by_role("cell").first).to_contain_text(title)
    expect(rows.first).to_contain_text(f"Overdue: {short(today - timedelta(days=5))}")
    expect(page.get_by_label(f"Status of {LEAFLET_ACTION}")).to_have_value("in_progress")
    page.get_by_label("Only actions I own").check()
    follow(page, page.get_by_role("button", name="Apply"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(TAXI_ACTION)
    page.get_by_label(f"Status of {TAXI_ACTION}").select_option(label="In progress")
    follow(page, page.get_by_role("button", name=f"Update {TAXI_ACTION}"))
    assert address(page.url) == reverse("partnerships:my_actions")
    expect(status_message(page)).to_contain_text(f"“{TAXI_ACTION}” is now in progress.")
    expect(page.get_by_label(f"Status of {TAXI_ACTION}")).to_have_value("in_progress")

    # A status form left open while the college's liaison officer made the partnership active:
    # the move it offered ("Exploring") is no longer allowed, and the form says so.
    visit(page, reverse("partnerships:partnership_status", args=[tour.proposed.pk]))
    new_status = page.get_by_label("New status")
    expect(new_status.get_by_role("option")).to_have_text(["Exploring", "Active", "Ended"])
    new_status.select_option(label="Exploring")
    Partnership.objects.filter(pk=tour.proposed.pk).update(status=PartnershipStatus.ACTIVE)
    follow(page, page.get_by_role("button", name="Change status"))
    expect(page.get_by_label("New status")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(
        "A partnership that is active can move to: Under review, Paused, Ended."
    )


def test_police_liaison_sees_what_awaits_feedback_and_gets_the_outcome_date_wrong(portal_page, tour, police_liaison):
    page = portal_page
    shared_on = tour.share_to_police.shared_on

    login(page, police_liaison)
    follow(page, main_nav_link(page, "Feedback"))
    tabs = page.get_by_role("navigation", name="Whose feedback")
    expect(tabs.get_by_role("link", name="All", exact=True)).to_have_attribute("aria-current", "page")
    table = page.get_by_role("table", name="Shares awaiting feedback")
    expect(data_rows(table)).to_have_count(2)  # oldest first
    expect(data_rows(table).get_by_role("link", name=re.compile("^(Drug line|Problem location)$"))).to_have_text(
        ["Drug line", "Problem location"]
    )

    follow(page, tabs.get_by_role("link", name="Waiting on partners"))
    expect(tabs.get_by_role("link", name="Waiting on partners")).to_have_attribute("aria-current", "page")
    expect(data_rows(table)).to_have_count(1)
    expect(data_rows(table).first).to_contain_text("Drug line")
    expect(data_rows(table).first).to_contain_text("Partner to answer")

    follow(page, tabs.get_by_role("link", name="For my organisation to answer"))
    expect(data_rows(table)).to_have_count(1)
    row = data_rows(table).first
    expect(row).to_contain_text("3 days")
    follow(page, row.get_by_role("link", name=re.compile("^Record outcome")))

    expect(heading(page)).to_have_text("Record the outcome")
    page.get_by_role("combobox", name="Outcome").select_option(label="Disruption")
    page.get_by_label("Date of outcome").fill((shared_on - timedelta(days=2)).isoformat())
    follow(page, page.get_by_role("button", name="Record outcome"))
    expect(page.get_by_label("Date of outcome")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(
        f"The outcome cannot be dated before the information was shared ({long(shared_on)})."
    )
    expect(page.get_by_role("combobox", name="Outcome")).to_have_value("disruption")


def test_liaison_colleague_opens_a_share_without_seeing_who_else_has(portal_page, tour):
    page = portal_page

    login(page, tour.colleague)
    follow(page, main_nav_link(page, "Feedback"))
    follow(page, page.get_by_role("link", name="Drug line", exact=True))

    expect(heading(page)).to_have_text("Drug line")
    expect(region(page, "Summary")).to_contain_text("drug dealing near the student union")
    views = region(page, "Who has opened this share")
    expect(views).to_contain_text("The log is shown to the partnership's single points of contact.")
    expect(page.get_by_test_id("share-views")).to_have_count(0)
    # His organisation received it, so he may say what came of it.
    outcome = region(page, "Outcome feedback")
    expect(outcome.get_by_role("button", name="Record outcome")).to_be_visible()
    expect(outcome.get_by_label("Date of outcome")).to_have_value(tour.today.isoformat())


def test_staff_member_sees_the_partnership_without_its_information_shares(portal_page, tour, staff_member):
    page = portal_page

    login(page, staff_member)
    visit(page, reverse("partnerships:partnership_detail", args=[tour.partnership.pk]))

    expect(heading(page)).to_have_text(TITLE)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(ENGAGEMENT)
    expect(timeline).to_contain_text(f"Action raised: {CCTV_ACTION}")
    expect(
        timeline.get_by_role("listitem").filter(has_text=re.compile("Information shared|Outcome fed back"))
    ).to_have_count(0)
    expect(region(page, "Recent changes")).not_to_contain_text("information share")
    expect(page.get_by_role("link", name="Shares awaiting feedback")).to_have_count(0)
    for name in ("Edit", "Change status", "Record engagement", "Share information"):
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)


def test_liaison_of_an_organisation_without_partnerships_sees_the_empty_list(portal_page, tour, outsider):
    page = portal_page

    login(page, outsider)
    expect(region(page, "Your partnerships")).to_contain_text("Your organisation is not in a partnership yet.")
    follow(page, main_nav_link(page, "Partnerships"))

    expect(heading(page)).to_have_text("Partnerships")
    expect(page.get_by_role("table")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Your organisation is not in any partnership yet.")
    expect(page.get_by_role("link", name="Propose a partnership")).to_be_visible()


# Organisations, units and contacts


def test_administrator_tours_the_organisation_pages(portal_page, tour, administrator):
    page = portal_page

    login(page, administrator)
    follow(page, main_nav_link(page, "Organisations"))
    expect(heading(page)).to_have_text("Organisations")
    table = page.get_by_role("table", name="Organisations")
    expect(data_rows(table)).to_have_count(Organisation.objects.count())
    search = page.get_by_role("search", name="Search organisations")
    search.get_by_label("Kind").select_option(label="Police force")
    follow(page, search.get_by_role("button", name="Search"))
    expect(data_rows(table).get_by_role("link")).to_have_text(["Eastmoor Police", "Northbridge Police"])
    expect(data_rows(table).filter(has_text="Northbridge Police")).to_contain_text("Police force")

    # A duplicate name is refused next to the field.
    follow(page, page.get_by_role("link", name="Add organisation"))
    expect(heading(page)).to_have_text("Add an organisation")
    page.get_by_label("Name").fill("northbridge police")
    page.get_by_label("Kind").select_option(label="Police force")
    page.get_by_label("Region").select_option(label="North West")
    follow(page, page.get_by_role("button", name="Add organisation"))
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("An organisation called Northbridge Police already exists.")

    follow(page, page.get_by_role("link", name="Cancel"))
    follow(page, page.get_by_role("link", name="Northbridge Police", exact=True))
    expect(heading(page)).to_have_text("Northbridge Police")
    for name in ("Edit details", "Add unit", "Add contact", f"Edit {UNIT}", "Delete Ch Supt Sarah Lee"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    follow(page, page.get_by_role("link", name="Edit details"))
    expect(heading(page)).to_have_text("Edit Northbridge Police")
    expect(page.get_by_label("Kind")).to_have_value("police_force")
    expect(page.get_by_label("Active")).to_be_checked()


def test_police_liaison_tours_the_unit_and_contact_pages_of_their_force(portal_page, tour, police_liaison):
    page = portal_page

    login(page, police_liaison)
    follow(page, main_nav_link(page, "My organisation"))
    expect(heading(page)).to_have_text("Northbridge Police")
    expect(region(page, "Units")).to_contain_text(UNIT)
    contacts = page.get_by_role("table", name="Contacts at Northbridge Police")
    expect(data_rows(contacts).filter(has_text="Ch Supt Sarah Lee")).to_contain_text(UNIT)

    # Units: add, edit, delete (kept).
    follow(page, page.get_by_role("link", name="Add unit"))
    expect(heading(page)).to_have_text("Add a unit")
    expect(page.get_by_label("Name")).to_have_value("")
    follow(page, page.get_by_role("link", name="Cancel"))
    follow(page, page.get_by_role("link", name=f"Edit {UNIT}"))
    expect(heading(page)).to_have_text(f"Edit unit {UNIT}")
    expect(page.get_by_label("Description")).to_have_value("Investigates rape and serious sexual offences.")
    follow(page, page.get_by_role("link", name="Cancel"))
    follow(page, page.get_by_role("link", name=f"Delete {UNIT}"))
    expect(heading(page)).to_have_text(f"Delete {UNIT}?")
    expect(page.get_by_role("main")).to_contain_text(
        "1 contact in this unit will stay with Northbridge Police, with no unit."
    )
    follow(page, page.get_by_role("link", name="Keep it"))

    # Contacts: an incomplete new contact is refused, then edit and delete (kept).
    follow(page, page.get_by_role("link", name="Add contact"))
    expect(heading(page)).to_have_text("Add a contact")
    page.get_by_label("Email").fill("not an address")
    follow(page, page.get_by_role("button", name="Add contact"))
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("This field is required.")
    follow(page, page.get_by_role("link", name="Cancel"))

    follow(page, page.get_by_role("link", name="Edit Ch Supt Sarah Lee"))
    expect(heading(page)).to_have_text("Edit contact Ch Supt Sarah Lee")
    expect(page.get_by_label("Unit").locator("option:checked")).to_have_text(UNIT)
    expect(page.get_by_label("Portal account").locator("option:checked")).to_have_text("No portal account")
    follow(page, page.get_by_role("link", name="Cancel"))

    follow(page, page.get_by_role("link", name="Delete Ch Supt Sarah Lee"))
    expect(heading(page)).to_have_text("Delete Ch Supt Sarah Lee?")
    expect(page.get_by_role("main")).to_contain_text("will have nobody in that role")
    expect(page.get_by_role("button", name="Delete contact")).to_be_visible()
    follow(page, page.get_by_role("link", name="Keep it"))

    # A contact who owns an action cannot be deleted: the page says why instead of asking.
    follow(page, page.get_by_role("link", name="Delete PS Daniel Okafor"))
    expect(page.get_by_role("alert")).to_contain_text("PS Daniel Okafor owns 1 action, so cannot be deleted.")
    expect(page.get_by_role("button", name="Delete contact")).to_have_count(0)
    follow(page, page.get_by_role("link", name="Back to Northbridge Police"))
    expect(heading(page)).to_have_text("Northbridge Police")
