"""The partnership timeline and its change history, each read in a fixed number of queries.

A timeline merges several kinds of event. Each source returns its newest ``limit`` events
for one partnership (one query each), and the merge keeps the newest ``limit`` of them all,
so a page costs the same however much has happened. Other apps add their events by
registering a source (agreements and training do, from their ``AppConfig.ready``), which
keeps the dependency pointing from them to partnerships and not back.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone

from . import permissions
from .models import Action, Engagement, InformationShare, Partnership


@dataclass(frozen=True)
class Event:
    on: date
    kind: str  # a short label shown as a badge: "Engagement", "Action", "Information", ...
    title: str
    url: str = ""
    detail: str = ""
    # When it was recorded, to order events of the same day; None sorts after those that know.
    at: datetime | None = field(default=None, compare=False)


_sources = []


def register(source):
    """Add ``source(partnership, user, limit) -> list[Event]`` to every timeline."""
    _sources.append(source)
    return source


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


@register
def engagement_events(partnership, user, limit):
    engagements = Engagement.objects.visible_to(user).filter(partnership=partnership).order_by("-date", "-pk")
    return [
        Event(e.date, e.get_kind_display(), e.title, e.get_absolute_url(), e.location, at=e.created_at)
        for e in engagements[:limit]
    ]


@register
def action_events(partnership, user, limit):
    actions = (
        Action.objects.visible_to(user).filter(partnership=partnership).select_related("owner").order_by("-created_at")
    )
    events = []
    for action in actions[:limit]:
        url = action.get_absolute_url()
        events.append(
            Event(
                _local_date(action.created_at),
                "Action",
                f"Action raised: {action.title}",
                url,
                f"Owner {action.owner.name}, due {action.due_date:%-d %b %Y}",
                at=action.created_at,
            )
        )
        if action.completed_on:
            events.append(Event(action.completed_on, "Action", f"Action done: {action.title}", url))
    return events


@register
def share_events(partnership, user, limit):
    if not permissions.can_see_shares(user, partnership):
        return []
    shares = InformationShare.objects.visible_to(user).filter(partnership=partnership).order_by("-shared_on", "-pk")
    events = []
    for share in shares[:limit]:
        url = share.get_absolute_url()
        events.append(
            Event(
                share.shared_on,
                "Information",
                f"Information shared {share.get_direction_display().lower()}: {share.get_category_display()}",
                url,
                at=share.created_at,
            )
        )
        if share.outcome:
            events.append(Event(share.outcome_on, "Feedback", f"Outcome fed back: {share.get_outcome_display()}", url))
    return events


@register
def status_events(partnership, user, limit):
    history = Partnership.history.filter(id=partnership.pk).select_related("history_user").order_by("-history_date")
    events = []
    for row in history[: limit * 2]:
        if row.history_type == "+":
            title = "Partnership proposed"
        elif "status" in row.changed_fields:
            title = f"Status changed to {row.get_status_display().lower()}"
        else:
            continue
        who = row.history_user.get_full_name() if row.history_user else ""
        detail = " · ".join(part for part in (f"by {who}" if who else "", row.history_change_reason or "") if part)
        events.append(Event(_local_date(row.history_date), "Status", title, detail=detail, at=row.history_date))
    return events


def timeline(partnership, user, limit=20) -> list[Event]:
    events = []
    for source in _sources:
        events.extend(source(partnership, user, limit))
    # Newest first; within a day, by when each was recorded (events that only know their day
    # are taken as recorded at its end, as feedback and completions usually come later).
    events.sort(key=lambda event: (event.on, event.at or _end_of(event.on)), reverse=True)
    return events[:limit]


@dataclass(frozen=True)
class Change:
    at: datetime
    who: str
    what: str
    fields: list[str]
    url: str = ""


_HISTORY_VERBS = {"+": "Created", "~": "Changed", "-": "Deleted"}


def changes(partnership, user, limit=15) -> list[Change]:
    """Who changed what and when, across the partnership and its records the user may see.

    Field names only, never values: the history of a share must not show its text.
    """
    sources = [
        ("partnership", Partnership.history.filter(id=partnership.pk)),
        ("engagement", Engagement.history.filter(partnership_id=partnership.pk)),
        ("action", Action.history.filter(partnership_id=partnership.pk)),
    ]
    if permissions.can_see_shares(user, partnership):
        sources.append(("information share", InformationShare.history.filter(partnership_id=partnership.pk)))
    rows = []
    for noun, history in sources:
        for row in history.select_related("history_user").order_by("-history_date")[:limit]:
            rows.append((noun, row))
    rows.sort(key=lambda pair: pair[1].history_date, reverse=True)
    result = []
    for noun, row in rows[:limit]:
        label = noun if noun == "partnership" else f"{noun} “{_describe(noun, row)}”"
        what = f"{_HISTORY_VERBS[row.history_type]} {label}"
        if row.history_change_reason:
            what = f"{what}: {row.history_change_reason}"
        who = (row.history_user.get_full_name() or row.history_user.username) if row.history_user else "The portal"
        url = _url_for(noun, row)
        result.append(Change(row.history_date, who, what, list(row.changed_fields), url))
    return result


def _describe(noun, row) -> str:
    if noun == "information share":
        return f"{row.get_category_display()}, {row.shared_on:%-d %b %Y}"
    return row.title


def _url_for(noun, row) -> str:
    if row.history_type == "-":
        return ""
    names = {"engagement": "engagement_detail", "action": "action_detail", "information share": "share_detail"}
    if noun in names:
        return reverse(f"partnerships:{names[noun]}", args=[row.id])
    return ""
