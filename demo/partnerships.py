"""Fictional demo partnerships, one or more in every status, and what partners did in them.

Dates are days relative to the day the seed first runs, so the health view looks right: the
Northbridge safer campus partnership is healthy and the Eastmoor county lines partnership is
not. Rows are looked up by natural keys that do not include a date (partnership by title,
engagement and action by partnership and title, share by partnership, direction, category and
summary), so running the seed again, on any later day, creates nothing.

Every row names the demo user who did it, on the row and on its history row.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from partnerships.models import (
    Action,
    ActionStatus,
    Contact,
    Direction,
    Engagement,
    EngagementKind,
    FocusArea,
    InformationShare,
    LawfulBasis,
    Organisation,
    Outcome,
    Partnership,
    PartnershipStatus,
    ShareCategory,
)

S, K, F, A = PartnershipStatus, EngagementKind, FocusArea, ActionStatus
TO_POLICE, TO_INSTITUTION = Direction.TO_POLICE, Direction.TO_INSTITUTION
NORTHBRIDGE = ("University of Northbridge", "Northbridge Police")
EASTMOOR = ("Eastmoor University", "Eastmoor and Dales Constabulary")
DI_ADEYEMI = "Detective Inspector Ruth Adeyemi"

PARTNERSHIPS = [
    {
        "title": "University of Northbridge and Northbridge Police: safer campus partnership",
        "parties": NORTHBRIDGE,
        "agencies": ["St Aidan's Community Church", "Northbridge Borough Council"],
        "status": S.ACTIVE,
        "focus_areas": [F.SEXUAL_VIOLENCE, F.VAWG, F.HATE_CRIME],
        "aims": (
            "We work together so that students and staff are safe on campus, in halls and in the city centre "
            "at night, and so that anyone who experiences sexual violence, harassment or hate crime knows how "
            "to get support and how to report it.\n\n"
            "Our objectives are to:\n"
            "- meet each term to review what is happening and agree what to do about it;\n"
            "- share information both ways, promptly and with no more personal detail than is needed;\n"
            "- tell each other what came of the information shared;\n"
            "- make reporting to the police easier, including anonymous and third-party reporting;\n"
            "- train hall wardens, security staff and student leaders to respond well to disclosures;\n"
            "- run joint patrols and events at the times students are most at risk."
        ),
        "sponsors": ("Elaine Marsh", "Claire Hughes"),
        "spocs": ("Priya Shah", "Daniel Okafor"),
        "deputies": ("Joanna Fairclough", "James Whittaker"),
        "dates": (-540, None, 120),
        "by": "uni.liaison",
    },
    {
        "title": "Eastmoor University and Eastmoor and Dales Constabulary: tackling county lines",
        "parties": EASTMOOR,
        "status": S.ACTIVE,
        "focus_areas": [F.COUNTY_LINES, F.DRUGS],
        "aims": (
            "Protect students and young people in Eastmoor from exploitation by county lines gangs, disrupt "
            "drug supply on and around the campus, and make sure students who use drugs are offered support, "
            "not only enforcement.\n\n"
            "Our objectives are to give accommodation staff a simple way to pass on concerns, to act on them "
            "quickly, and to meet every three months."
        ),
        "sponsors": ("Helen Bramley", "Richard Holroyd"),
        "spocs": ("Tom Harding", "Aisha Rahman"),
        "deputies": ("Matthew Kerr", "Leanne Firth"),
        "dates": (-640, None, -20),
        "by": "eastmoor.liaison",
    },
    {
        "title": "Northbridge City College and Northbridge Police: safeguarding learners",
        "parties": ("Northbridge City College", "Northbridge Police"),
        "status": S.EXPLORING,
        "focus_areas": [F.HARASSMENT, F.COUNTY_LINES],
        "aims": (
            "Explore whether a formal partnership would help the college's safeguarding team and the "
            "neighbourhood team respond to concerns about learners aged 16 to 18, including exploitation and "
            "harassment on the way to and from college."
        ),
        "sponsors": ("Rebecca Ashworth", "Claire Hughes"),
        "spocs": ("Chris Doyle", "Daniel Okafor"),
        "dates": (None, None, None),
        "by": "police.liaison",
    },
    {
        "title": "Royal Northbridge Conservatoire and Northbridge Police: safer journeys home",
        "parties": ("Royal Northbridge Conservatoire", "Northbridge Police"),
        "status": S.PROPOSED,
        "focus_areas": [F.HARASSMENT, F.VAWG],
        "aims": (
            "A proposal to extend the safer campus approach to the Conservatoire: a named contact in the "
            "neighbourhood team, advice for students travelling home after late performances, and a clear way "
            "to report harassment."
        ),
        # A proposal from the force that the Conservatoire has not answered yet: the force names
        # only its own people, and sees nothing of the Conservatoire's until it accepts.
        "sponsors": ("", "Claire Hughes"),
        "spocs": ("", "Daniel Okafor"),
        "dates": (None, None, None),
        "by": "police.liaison",
        "awaiting": "institution",
    },
    {
        # Eastmoor's students on placement in Northbridge: a proposal Northbridge Police has not
        # answered yet, so police.liaison sees it on the dashboard, and eastmoor.liaison sees
        # nothing of the force's people until it is accepted.
        "title": "Eastmoor University and Northbridge Police: students on placement in Northbridge",
        "parties": ("Eastmoor University", "Northbridge Police"),
        "status": S.PROPOSED,
        "focus_areas": [F.HARASSMENT, F.SEXUAL_VIOLENCE],
        "aims": (
            "About 300 Eastmoor students spend a term on placement in Northbridge hospitals and schools each "
            "year. We would like a named contact in the force for them, and a way to pass on concerns about "
            "harassment on the routes they travel."
        ),
        "sponsors": ("Helen Bramley", ""),
        "spocs": ("Tom Harding", ""),
        "dates": (None, None, None),
        "by": "eastmoor.liaison",
        "awaiting": "police",
    },
    {
        "title": "Westfell College and Eastmoor and Dales Constabulary: safer travel to college",
        "parties": ("Westfell College", "Eastmoor and Dales Constabulary"),
        "status": S.UNDER_REVIEW,
        "focus_areas": [F.HARASSMENT, F.VAWG],
        "aims": (
            "Reduce harassment of learners, particularly young women, on the way to and from college, through "
            "joint patrols at bus stops and the railway station and a simple way for learners to report."
        ),
        "sponsors": ("Janet Crowther", "Richard Holroyd"),
        "spocs": ("Mark Stubbs", "Aisha Rahman"),
        "dates": (-800, None, 21),
        "by": "eastmoor.police",
        "reason": "Reviewed after two years, now that the college has opened a second site.",
    },
    {
        "title": "Moorside College and Eastmoor and Dales Constabulary: preventing exploitation",
        "parties": ("Moorside College", "Eastmoor and Dales Constabulary"),
        "status": S.PAUSED,
        "focus_areas": [F.COUNTY_LINES, F.MODERN_SLAVERY],
        "aims": "Help pastoral staff spot and report the exploitation of learners by drug gangs and others.",
        "sponsors": ("Emma Clough", "Richard Holroyd"),
        "spocs": ("Emma Clough", "Leanne Firth"),
        "dates": (-500, None, 90),
        "by": "eastmoor.police",
        "reason": "Paused while the college restructures its safeguarding team; both sides mean to resume next term.",
    },
    {
        "title": "University of Northbridge and Northbridge Police: night-time safety pilot",
        "parties": NORTHBRIDGE,
        "agencies": ["Northbridge Borough Council"],
        "status": S.ENDED,
        "focus_areas": [F.VAWG, F.OTHER],
        "aims": "A nine-month pilot of welfare volunteers and police patrols in the city centre at weekends.",
        "sponsors": ("Elaine Marsh", "Claire Hughes"),
        "spocs": ("Priya Shah", "Daniel Okafor"),
        "dates": (-820, -560, None),
        "by": "uni.liaison",
        "reason": "The pilot ended as planned; its work carries on in the safer campus partnership.",
    },
]

MAIN, EAST, NCC, WESTFELL, MOORSIDE, PILOT = (PARTNERSHIPS[i]["title"] for i in (0, 1, 2, 5, 6, 7))

# ((partnership, kind, days from today, location), title, attendees, notes, decisions, recorded by,
#  actions agreed there: (title, owner, due in days from today, status, completed in days from today))
ENGAGEMENTS = [
    (
        (MAIN, K.STRATEGIC_MEETING, -14, "Senate House, University of Northbridge"),
        "Strategic meeting: reporting routes and the night-time economy",
        ["Elaine Marsh", "Priya Shah", "Joanna Fairclough", "Claire Hughes", "Daniel Okafor", DI_ADEYEMI],
        "Reviewed the term so far. Reports of drink spiking around Wharf Street have risen since the start of "
        "term; the welfare team and door staff have responded well. Reports of a man approaching lone women "
        "near the Marlowe Library underpass have been linked by the neighbourhood team. The council confirmed "
        "that the underpass lighting is on its repair list.",
        "Add Wharf Street to the Friday welfare route. The council to repair the underpass lighting before "
        "the clocks change. Publish a joint guide to reporting sexual violence before the end of term.",
        "uni.liaison",
        [
            ("Repair the lighting on the Marlowe Library underpass", "Sophie Marsden", 30, A.OPEN, None),
            ("Add Wharf Street to the Friday welfare route", "Gareth Price", 7, A.DONE, -7),
            ("Publish a joint guide to reporting sexual violence", "Joanna Fairclough", 45, A.IN_PROGRESS, None),
        ],
    ),
    (
        (MAIN, K.PATROL, -9, "Harbour Halls"),
        "Joint evening patrol: Harbour Halls and Canal Walk",
        ["James Whittaker", "Owen Pritchard", "Gareth Price", "Kwame Mensah"],
        "Walked the route from the Students' Union to Harbour Halls between 10pm and 1am and spoke to about "
        "forty students about getting home safely. Two broken street lights on Canal Walk; no incidents.",
        "Report the lights on Canal Walk to the council. Repeat the patrol after reading week.",
        "police.liaison",
        [
            ("Report the broken lights on Canal Walk to the council", "James Whittaker", 5, A.OPEN, None),
            # The council's own action: its agency liaison officer owns it (README, Roles).
            ("Add Canal Walk to the council's CCTV and lighting review", "Nia Roberts", 21, A.OPEN, None),
        ],
    ),
    (
        (MAIN, K.FORUM, -40, "Students' Union, Meeting Room 2"),
        "Hate crime reporting forum with student societies",
        ["Priya Shah", "Sam Whitfield", "Reverend Andrew Kemp"],
        "Representatives of eight student societies described incidents they had not reported, mostly verbal "
        "abuse in the city centre. Many did not know that they could report through a third party.",
        "Set up a third-party reporting point at St Aidan's weekly drop-in. Hold the forum again next term.",
        "uni.liaison",
        [("Set up a third-party reporting point at St Aidan's", "Reverend Andrew Kemp", -10, A.DONE, -20)],
    ),
    (
        (MAIN, K.JOINT_EVENT, -85, "Sports Hall, University of Northbridge"),
        "Joint safety stall at the Freshers' Fair",
        ["Hannah Lewis", "Gareth Price", "Daniel Okafor", "Owen Pritchard"],
        "Gave out personal alarms and cards with the 101 and report-and-support details. Over three hundred "
        "conversations; the common questions were about walking home at night and what happens after a report.",
        "",
        "police.liaison",
        [],
    ),
    (
        (MAIN, K.OTHER, -120, "Student Wellbeing Centre"),
        "Walk-through of the report-and-support referral route",
        ["Joanna Fairclough", "Priya Shah", DI_ADEYEMI, "Nadia Hussain"],
        "Followed an invented case from a disclosure to a hall warden through to a report to the police, to "
        "find where students drop out. Hall wardens are unsure what to say in the first conversation and "
        "sometimes promise a confidentiality they cannot keep.",
        "The Rape and Serious Crime Unit to train hall wardens as first responders. The university to explain "
        "anonymous reporting more clearly on its website.",
        "uni.liaison",
        [("Train hall wardens as first responders to disclosures", DI_ADEYEMI, 60, A.IN_PROGRESS, None)],
    ),
    (
        (MAIN, K.STRATEGIC_MEETING, -150, "Force Headquarters, Bridge Street"),
        "Strategic meeting: priorities for the year",
        ["Elaine Marsh", "Priya Shah", "Claire Hughes", "Daniel Okafor", "Sophie Marsden"],
        "Agreed the priorities for the year: sexual violence and violence against women and girls, hate "
        "crime, and safety in the night-time economy.",
        "Share statistics on reports each term in an agreed format. Meet each term, chaired in turn.",
        "police.liaison",
        [("Agree a format for termly statistics", "Daniel Okafor", -120, A.DONE, -125)],
    ),
    (
        (EAST, K.STRATEGIC_MEETING, -200, "Moor Lane campus, Eastmoor University"),
        "Strategic meeting: county lines and student accommodation",
        ["Helen Bramley", "Tom Harding", "Matthew Kerr", "Richard Holroyd", "Aisha Rahman", "Leanne Firth"],
        "The taskforce described how drug lines from outside the county use young people, some of them "
        "students, to deliver in Eastmoor. Accommodation staff have seen signs of cuckooing in two flats but "
        "were not sure whom to tell.",
        "Agree a simple route for hall staff to pass concerns to the taskforce. Improve CCTV at Heather Court. "
        "Meet again in three months.",
        "eastmoor.liaison",
        [
            ("Agree a route for hall staff to pass concerns to the taskforce", "Aisha Rahman", -150, A.OPEN, None),
            ("Extend CCTV to the Heather Court entrance", "Matthew Kerr", -90, A.IN_PROGRESS, None),
        ],
    ),
    (
        (EAST, K.JOINT_EVENT, -240, "Heather Court common room"),
        "County lines awareness session for accommodation staff",
        ["Matthew Kerr", "Tom Harding", "Leanne Firth"],
        "Session for 25 accommodation and security staff on the signs of exploitation and cuckooing, and how "
        "to support students without putting them at risk.",
        "",
        "eastmoor.police",
        [("Circulate the signs-of-exploitation leaflet to all halls", "Tom Harding", -230, A.DONE, -235)],
    ),
    (
        (EAST, K.PATROL, -260, "Heather Court"),
        "Joint patrol of Heather Court and the campus park",
        ["Aisha Rahman", "Matthew Kerr"],
        "Evening patrol with accommodation staff. Signs of drug use in the park behind the campus; no arrests.",
        "Ask the estates team to cut back the shrubs beside the park path.",
        "eastmoor.police",
        [("Cut back the shrubs beside the park path", "Matthew Kerr", -220, A.DONE, -228)],
    ),
    (
        (NCC, K.STRATEGIC_MEETING, -18, "Quayside Road campus, Northbridge City College"),
        "Exploratory meeting on safeguarding referrals",
        ["Rebecca Ashworth", "Chris Doyle", "Daniel Okafor", "Sam Whitfield"],
        "Discussed what a partnership could cover. The college's main concerns are learners being groomed to "
        "carry drugs and harassment on buses to and from college. The college already refers to the council's "
        "safeguarding hub, and any partnership must fit around that route.",
        "Draft terms of reference for discussion. The neighbourhood team to visit at the end of the college day.",
        "police.liaison",
        [
            ("Draft terms of reference for the partnership", "Chris Doyle", 21, A.OPEN, None),
            ("Visit the Quayside Road bus stops at the end of the college day", "James Whittaker", 14, A.OPEN, None),
        ],
    ),
    (
        (WESTFELL, K.STRATEGIC_MEETING, -70, "Station Road campus, Westfell College"),
        "Annual review meeting",
        ["Janet Crowther", "Mark Stubbs", "Aisha Rahman"],
        "Harassment on the route from the railway station has fallen since the joint bus-stop patrols began, "
        "but the new site on the ring road has no safe walking route.",
        "Put the partnership under review. Each side to set out what it needs from the next two years.",
        "eastmoor.police",
        [("Set out what the college needs at its new site", "Mark Stubbs", 21, A.OPEN, None)],
    ),
    (
        (MOORSIDE, K.FORUM, -300, "Moorside College"),
        "Safeguarding forum: exploitation of young people",
        ["Emma Clough", "Leanne Firth", "Aisha Rahman"],
        "Shared local patterns of exploitation with pastoral staff. The college described its concerns about "
        "two learners, without naming them, and was advised on the referral route.",
        "Run a joint drop-in for learners next term.",
        "eastmoor.police",
        [("Run a joint drop-in for learners", "Leanne Firth", -200, A.CANCELLED, None)],
    ),
    (
        (PILOT, K.STRATEGIC_MEETING, -815, "Senate House, University of Northbridge"),
        "Pilot launch meeting",
        ["Elaine Marsh", "Priya Shah", "Claire Hughes", "Sophie Marsden"],
        "Agreed a nine-month pilot of welfare volunteers and police patrols in the city centre on Friday and "
        "Saturday nights.",
        "Run the pilot from the start of the academic year and evaluate it at the end.",
        "uni.liaison",
        [],
    ),
    (
        (PILOT, K.STRATEGIC_MEETING, -570, "Town Hall, Northbridge"),
        "Pilot evaluation meeting",
        ["Priya Shah", "Daniel Okafor", "Sophie Marsden"],
        "Welfare volunteers helped over two hundred students, and calls to the police from the city centre on "
        "pilot nights fell. The work should become part of a standing partnership rather than another pilot.",
        "End the pilot and propose a standing safer campus partnership.",
        "police.liaison",
        [("Write the pilot evaluation report", "Priya Shah", -575, A.DONE, -580)],
    ),
]

ACTIONS_WITHOUT_ENGAGEMENT = [
    (WESTFELL, "Survey learners about their journey to the ring road site", "Mark Stubbs", 10, A.IN_PROGRESS, None),
]

# (partnership, direction, category, days from today, lawful basis, shared by, summary,
#  feedback from the other side: (outcome, days from today, given by, note) or None)
LB, SC, OUT = LawfulBasis, ShareCategory, Outcome
SHARES = [
    (MAIN, TO_POLICE, SC.VEHICLE, -12, LB.CRIME_PREVENTION, "uni.liaison",
     "Reports from hall wardens of an unfamiliar car waiting outside Harbour Halls late at night on three "
     "weekends; partial registration noted.",
     (OUT.DISRUPTION, -5, "police.liaison", "Keeper traced and spoken to; extra patrols on weekend nights.")),
    (MAIN, TO_INSTITUTION, SC.PROBLEM_LOCATION, -20, LB.PUBLIC_TASK, "police.liaison",
     "More reports of drink spiking at two bars on Wharf Street on Friday nights since the start of term; door "
     "staff have been briefed.",
     (OUT.SUPPORT_PROVIDED, -14, "uni.liaison", "Awareness campaign run; welfare team now covers Wharf Street.")),
    (MAIN, TO_INSTITUTION, SC.PROBLEM_LOCATION, -4, LB.PUBLIC_TASK, "police.liaison",
     "Two reports of phones snatched by riders on e-bikes along Canal Walk after dark; advice to students on "
     "routes home would help.",
     None),
    (MAIN, TO_POLICE, SC.VEHICLE, -3, LB.CRIME_PREVENTION, "uni.liaison",
     "Campus Security saw a van parked by the east gate for several nights with people inside watching the "
     "entrance to Harbour Halls; registration and times logged.",
     None),
    (MAIN, TO_POLICE, SC.OFFENDER, -45, LB.CRIME_PREVENTION, "uni.liaison",
     "Several students have separately reported a man approaching lone women near the Marlowe Library "
     "underpass after evening lectures; description of clothing only.",
     (OUT.INTELLIGENCE_DEVELOPED, -38, "police.liaison", "Linked to two other reports nearby; patrol plan updated.")),
    (MAIN, TO_INSTITUTION, SC.VULNERABLE_PERSON, -60, LB.VITAL_INTERESTS, "police.liaison",
     "A first-year student was found alone and very drunk in the city centre in the early hours and taken "
     "home by officers. Details given by telephone to the duty welfare officer, not recorded here.",
     (OUT.SUPPORT_PROVIDED, -59, "uni.liaison", "Welfare check made next morning; now in touch with wellbeing.")),
    (MAIN, TO_POLICE, SC.PROBLEM_LOCATION, -75, LB.CRIME_PREVENTION, "uni.liaison",
     "Anti-Muslim graffiti found twice on the bike shelter behind the Students' Union; Campus Security holds "
     "photographs and CCTV.",
     (OUT.ARREST_OR_CHARGE, -50, "police.liaison", "Suspect identified from CCTV and charged.")),
    (MAIN, TO_INSTITUTION, SC.OTHER, -100, LB.PUBLIC_TASK, "police.liaison",
     "Notice of a planned protest in Market Square on a Saturday afternoon; students may wish to avoid the area.",
     None),
    (MAIN, TO_POLICE, SC.RECRUITMENT, -150, LB.CRIME_PREVENTION, "uni.liaison",
     "Students are being offered cash on social media to let their bank accounts be used; Student Wellbeing "
     "holds screenshots of the adverts.",
     (OUT.DISRUPTION, -130, "police.liaison", "Adverts removed by the platform; joint warning sent to students.")),
    (EAST, TO_POLICE, SC.DRUG_LINE, -70, LB.CRIME_PREVENTION, "eastmoor.liaison",
     "Hall staff report frequent short visits to one flat in Heather Court by young people who are not "
     "students, consistent with drug deliveries.",
     None),
    (EAST, TO_POLICE, SC.RECRUITMENT, -120, LB.CRIME_PREVENTION, "eastmoor.liaison",
     "Students report being approached outside the Moor Lane library and offered money to carry packages to "
     "other towns.",
     None),
    (EAST, TO_POLICE, SC.VULNERABLE_PERSON, -200, LB.VITAL_INTERESTS, "eastmoor.liaison",
     "Concern that a student is letting others use their flat, possibly under pressure (cuckooing); details "
     "given to the taskforce by telephone.",
     (OUT.SAFEGUARDING_REFERRAL, -185, "eastmoor.police", "Referred to the council's safeguarding hub.")),
    (EAST, TO_INSTITUTION, SC.PROBLEM_LOCATION, -220, LB.PUBLIC_TASK, "eastmoor.police",
     "A county line appears to be using the park behind the campus for handovers in the late afternoon.",
     None),
]  # fmt: skip

DEMO_USERNAMES = ["uni.liaison", "police.liaison", "eastmoor.liaison", "eastmoor.police"]


def _as(instance, user):
    """Name ``user`` on the history row the next save writes."""
    instance._history_user = user
    return instance


def _backdate(instance, day: date, history_type: str = "+"):
    """Date a seeded row (and its history entry) on the day it happened, not the day of the seed.

    Without this every demo record would appear on the timeline as created today.
    """
    moment = timezone.make_aware(datetime.combine(min(day, timezone.localdate()), time(10, 0)))
    if history_type == "+" and hasattr(instance, "created_at"):
        type(instance).objects.filter(pk=instance.pk).update(created_at=moment)
    latest = instance.history.filter(history_type=history_type).order_by("-history_date").first()
    if latest is not None:
        type(latest).objects.filter(pk=latest.pk).update(history_date=moment)


def _day(today: date, days: int | None) -> date | None:
    return None if days is None else today + timedelta(days=days)


def _partnership(spec, today, users, organisations):
    """The partnership titled as in ``spec``, created when missing; None when it cannot be."""
    partnership = Partnership.objects.filter(title=spec["title"]).first()
    if partnership is not None:
        return partnership, False
    institution, police_force = (organisations[name] for name in spec["parties"])
    pair = Partnership.objects.live().filter(institution=institution, police_force=police_force)
    if spec["status"] != S.ENDED and pair.exists():
        return None, False  # the two already work together under another title: leave that be
    contacts = {c.name: c for c in Contact.objects.filter(organisation__in=[institution, police_force])}
    start, end, review = (_day(today, days) for days in spec["dates"])
    partnership = Partnership(
        institution=institution,
        police_force=police_force,
        title=spec["title"],
        status=spec["status"],
        focus_areas=[str(area) for area in spec["focus_areas"]],
        aims=spec["aims"],
        institution_sponsor=contacts.get(spec["sponsors"][0]),
        police_sponsor=contacts.get(spec["sponsors"][1]),
        institution_contact=contacts.get(spec["spocs"][0]),
        police_contact=contacts.get(spec["spocs"][1]),
        institution_deputy=contacts.get(spec.get("deputies", ("", ""))[0]),
        police_deputy=contacts.get(spec.get("deputies", ("", ""))[1]),
        start_date=start,
        end_date=end,
        next_review_date=review,
        created_by=users.get(spec["by"]),
    )
    partnership.full_clean()
    if "reason" in spec:
        partnership._change_reason = spec["reason"]
    _as(partnership, partnership.created_by).save()
    partnership.other_agencies.set([organisations[name] for name in spec.get("agencies", [])])
    _backdate(partnership, (start or today) - timedelta(days=30))
    _accept(partnership, spec.get("awaiting"))
    return partnership, True


def _accept(partnership, awaiting: str | None):
    """Both sides accepted the demo partnerships when they were proposed, except the side a
    demo proposal still waits for (its history rows say the same)."""
    partnership.refresh_from_db(fields=["created_at"])
    accepted = {"institution_accepted_at": partnership.created_at, "police_accepted_at": partnership.created_at}
    if awaiting:
        accepted[f"{awaiting}_accepted_at"] = None
    Partnership.objects.filter(pk=partnership.pk).update(**accepted)
    partnership.history.all().update(**accepted)


def _engagement(partnership, row, today, users, contacts):
    (_, kind, days, location), title, attendees, notes, decisions, by, _ = row
    engagement = Engagement.objects.filter(partnership=partnership, title=title).first()
    if engagement is not None:
        return engagement, False
    engagement = Engagement(
        partnership=partnership,
        kind=kind,
        title=title,
        date=_day(today, days),
        location=location,
        notes=notes,
        decisions=decisions,
        created_by=users.get(by),
    )
    engagement.full_clean()
    _as(engagement, engagement.created_by).save()
    engagement.attendees.set([contacts[name] for name in attendees if name in contacts])
    _backdate(engagement, engagement.date)
    return engagement, True


def _action(partnership, engagement, row, today, user, contacts) -> bool:
    title, owner, due, status, completed = row
    if owner not in contacts or Action.objects.filter(partnership=partnership, title=title).exists():
        return False
    action = Action(
        partnership=partnership,
        engagement=engagement,
        title=title,
        owner=contacts[owner],
        due_date=_day(today, due),
        status=status,
        completed_on=_day(today, completed),
        created_by=user,
    )
    action.full_clean()
    _as(action, user).save()
    _backdate(action, engagement.date if engagement else action.due_date - timedelta(days=30))
    return True


def _share(partnership, row, today, users) -> bool:
    _, direction, category, days, basis, by, summary, feedback = row
    key = {"partnership": partnership, "direction": direction, "category": category, "summary": summary}
    if InformationShare.objects.filter(**key).exists():
        return False
    share = InformationShare(**key, lawful_basis=basis, shared_on=_day(today, days), shared_by=users.get(by))
    share.full_clean(exclude=["retain_until"])  # save() works out the retention date
    _as(share, share.shared_by).save()
    _backdate(share, share.shared_on)
    if feedback:
        # Feedback comes later and from the other side: a second entry in the history.
        share.outcome, outcome_days, given_by, share.outcome_note = feedback
        share.outcome_on, share.outcome_by = _day(today, outcome_days), users.get(given_by)
        _as(share, share.outcome_by).save(update_fields=["outcome", "outcome_on", "outcome_note", "outcome_by"])
        _backdate(share, share.outcome_on, history_type="~")
    return True


def seed(today: date | None = None) -> dict[str, int]:
    """Create whatever demo partnership records are missing and return how many of each were created."""
    today = today or timezone.localdate()
    created = {"partnerships": 0, "engagements": 0, "actions": 0, "shares": 0}
    users = {user.username: user for user in User.objects.filter(username__in=DEMO_USERNAMES)}
    names = {name for spec in PARTNERSHIPS for name in (*spec["parties"], *spec.get("agencies", []))}
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=names)}
    for spec in PARTNERSHIPS:
        partnership, made = _partnership(spec, today, users, organisations)
        if partnership is None:
            continue
        created["partnerships"] += made
        agencies = partnership.other_agencies.values_list("pk", flat=True)
        parties = [partnership.institution_id, partnership.police_force_id, *agencies]
        contacts = {c.name: c for c in Contact.objects.filter(organisation__in=parties)}
        for row in [row for row in ENGAGEMENTS if row[0][0] == spec["title"]]:
            engagement, made = _engagement(partnership, row, today, users, contacts)
            created["engagements"] += made
            for action in row[-1]:  # recorded by whoever recorded the engagement
                created["actions"] += _action(partnership, engagement, action, today, users.get(row[5]), contacts)
        for title, *action in ACTIONS_WITHOUT_ENGAGEMENT:
            if title == spec["title"]:
                created["actions"] += _action(partnership, None, action, today, users.get(spec["by"]), contacts)
        for row in [row for row in SHARES if row[0] == spec["title"]]:
            created["shares"] += _share(partnership, row, today, users)
    return created
