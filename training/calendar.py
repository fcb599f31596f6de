"""Calendar files: one session as .ics, and a person's booked sessions as a feed.

Times are written in UTC (``...Z``), so every calendar shows them right in its own time
zone, across daylight-saving changes included.

Every text typed into the portal goes through ``_text`` first: the forms accept line breaks
in a course title, a venue or the trainers, and icalendar refuses them in some properties (a
500) and writes a bare carriage return into others (a line of its own for a calendar app).
"""

import re
from datetime import UTC

from django.conf import settings
from icalendar import Calendar, Event

PRODID = "-//Campus and Police Partnership Portal//Training//EN"

# Line breaks of every kind (those str.splitlines knows) and other control characters.
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def _text(value) -> str:
    """One line of text for a calendar property: each run of line breaks or control characters is a space."""
    return _BREAKS.sub(" ", str(value)).strip()


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _text(name))
    return calendar


def _event(session, now) -> Event:
    event = Event()
    event.add("uid", f"training-session-{session.pk}@{settings.SITE_URL.split('://')[-1].rstrip('/')}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", _text(session.course.title))
    # One line per part: icalendar escapes the line breaks between them.
    description = [f"Provided by {_text(session.course.provider.name)}."]
    if session.trainers:
        description.append(f"Trainers: {_text(session.trainers)}.")
    if session.online_url:
        description.append(f"Online: {_text(session.online_url)}")
    description.append(f"Details: {settings.SITE_URL.rstrip('/')}{session.get_absolute_url()}")
    event.add("description", "\n".join(description))
    if session.venue:
        event.add("location", _text(session.venue))
    event.add("status", "CANCELLED" if session.status == "cancelled" else "CONFIRMED")
    return event


def session_ics(session, now) -> bytes:
    calendar = _calendar(session.course.title)
    calendar.add("method", "PUBLISH")
    calendar.add_component(_event(session, now))
    return calendar.to_ical()


def feed_ics(sessions, now, name="My training") -> bytes:
    calendar = _calendar(name)
    for session in sessions:
        calendar.add_component(_event(session, now))
    return calendar.to_ical()
