"""Demo training: courses from the police units, past sessions with attendance, a full
upcoming session with a waitlist, and sessions with places left.

Courses are found by provider and title, sessions by course and start day, bookings by
session and attendee; each is created only when missing. Future dates are relative to the
day of the first run; past sessions are written directly (the booking service refuses
sessions that have started, as it should).
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import Role, User
from partnerships.models import Organisation, Partnership, Unit
from training import services
from training.models import Booking, BookingStatus, Course, Feedback, Session, SessionStatus, TrainingNeed

NORTHBRIDGE_POLICE = "Northbridge Police"
EASTMOOR_POLICE = "Eastmoor and Dales Constabulary"
SAFER_CAMPUS = "University of Northbridge and Northbridge Police: safer campus partnership"

COURSES = [
    (
        NORTHBRIDGE_POLICE,
        "Rape and Serious Crime Unit",
        "Sexual assault awareness",
        "What happens after a report of rape or sexual assault, how evidence is preserved, and how to respond "
        "to a disclosure without making things harder for the person telling you.",
        "Hall wardens, student support and security staff",
        180,
        24,
    ),
    (
        NORTHBRIDGE_POLICE,
        "Community Engagement Team",
        "Islamic cultural awareness",
        "Understanding the Muslim communities on and around campus, recognising and reporting anti-Muslim hate "
        "crime, and working with faith leaders.",
        "All staff who work with students",
        120,
        36,
    ),
    (
        NORTHBRIDGE_POLICE,
        "Rape and Serious Crime Unit",
        "Trauma-informed response to disclosures",
        "Practical skills for receiving a disclosure of sexual violence or harassment: listening, not "
        "investigating, explaining options including reporting, and looking after yourself afterwards.",
        "Staff who receive disclosures",
        150,
        12,
    ),
    (
        EASTMOOR_POLICE,
        "County Lines Taskforce",
        "County lines awareness",
        "How drug lines recruit young people and students, the signs of exploitation in halls, and how to pass on "
        "what you see.",
        "Accommodation and security staff",
        120,
        24,
    ),
]

# (course title, days from today, start hour, capacity, venue)
SESSIONS = [
    ("Sexual assault awareness", -40, 10, 12, "Senate House, Room 2, University of Northbridge"),
    ("Sexual assault awareness", 10, 10, 4, "Senate House, Room 2, University of Northbridge"),
    ("Islamic cultural awareness", 24, 14, 20, "Students' Union, Meeting Room 1"),
    ("Trauma-informed response to disclosures", 45, 9, 15, "Online and Library Seminar Room 3"),
]


FEEDBACK = [
    (5, 5, "The walk-through of what happens after a report answered questions students ask us every week."),
    (4, 4, "Useful. More time on supporting someone who does not want to report would help."),
]


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def seed() -> dict[str, int]:
    created = {"courses": 0, "sessions": 0, "bookings": 0}
    today = timezone.localdate()
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[NORTHBRIDGE_POLICE, EASTMOOR_POLICE])}
    if len(organisations) < 2:
        return created
    courses = {}
    for provider, unit_name, title, description, audience, minutes, refresher in COURSES:
        organisation = organisations[provider]
        course, made = Course.objects.get_or_create(
            provider=organisation,
            title=title,
            defaults={
                "provider_unit": Unit.objects.filter(organisation=organisation, name=unit_name).first(),
                "description": description,
                "audience": audience,
                "duration_minutes": minutes,
                "refresher_months": refresher,
            },
        )
        courses[title] = course
        created["courses"] += made

    partnership = Partnership.objects.filter(title=SAFER_CAMPUS).first()
    police = User.objects.filter(username="police.liaison").first()
    staff = list(User.objects.filter(organisation__name="University of Northbridge").order_by("pk"))
    if partnership is None or police is None:
        return created
    university = Organisation.objects.filter(name="University of Northbridge").first()
    for role, title in [
        ("all", "Sexual assault awareness"),
        ("university_liaison", "Trauma-informed response to disclosures"),
    ]:
        if university is not None:
            TrainingNeed.objects.get_or_create(institution=university, role=role, course=courses[title])
    for title, days, hour, capacity, venue in SESSIONS:
        course = courses[title]
        day = today + timedelta(days=days)
        start = _at(day, hour)
        session = Session.objects.filter(course=course, starts_at__date=day).first()
        if session is not None:
            continue
        session = Session.objects.create(
            course=course,
            starts_at=start,
            ends_at=start + timedelta(minutes=course.duration_minutes),
            venue=venue,
            capacity=capacity,
            trainers="DS Ruth Adeyemi" if "sexual" in title.lower() else "PC Imran Siddiqui",
            offered_to=partnership,
            created_by=police,
            status=SessionStatus.COMPLETED if days < 0 else SessionStatus.SCHEDULED,
        )
        created["sessions"] += 1
        if days < 0:
            for i, person in enumerate(staff):
                attended = not (i == len(staff) - 1 and i)
                booking = Booking.objects.create(
                    session=session,
                    attendee=person,
                    status=BookingStatus.ATTENDED if attended else BookingStatus.NO_SHOW,
                    booked_by=person,
                )
                created["bookings"] += 1
                if attended:
                    rating, confidence, comments = FEEDBACK[i % len(FEEDBACK)]
                    Feedback.objects.create(booking=booking, rating=rating, confidence=confidence, comments=comments)
        elif capacity == 4:
            # The full one: the university's people take every place, and more wait.
            extra = _waitlisters()
            for person in [*staff, *extra]:
                services.book(session, person, by=person)
                created["bookings"] += 1
    return created


def _waitlisters():
    """Extra fictional staff of the university, so the small session fills and has a waitlist."""
    university = Organisation.objects.get(name="University of Northbridge")
    people = []
    for username, first, last in [
        ("j.okoro", "Joy", "Okoro"),
        ("t.lindqvist", "Tomas", "Lindqvist"),
        ("a.begum", "Aisha", "Begum"),
        ("r.mcallister", "Rory", "McAllister"),
    ]:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@northbridge.example.ac.uk",
                "organisation": university,
                "role": Role.STAFF,
                "job_title": "Residential Life Adviser",
            },
        )
        if made:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people
