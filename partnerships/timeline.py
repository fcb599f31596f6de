"""The partnership timeline and its change history, each read in a fixed number of queries.

A timeline merges several kinds of event. Each source returns its newest ``limit`` events
for one partnership (one query each), and the merge keeps the newest ``limit`` of them all,
so a page costs the same however much has happened. Other apps add their events by
registering a source (agreements and training do, from their ``AppConfig.ready``), which
keeps the dependency pointing from them to partnerships and not back.

A source is given a partnership that the page fetched through ``visible_to(user)``.
Engagements, actions and shares are visible wherever their partnership is (shares to those who
``can_see_shares``; ``tests/partnerships/test_scope.py`` holds both equal), so their sources
read them through the partnership instead of applying their scope's subquery again, which
cost more to build than the query took to run.
"""

import functools
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db import connection
from django.db.models import CharField, DateField, F, IntegerField, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from . import permissions
from .models import Action, Engagement, InformationShare, Partnership, ShareCategory


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
    """Add ``source(partnership, user, limit) -> list[Event]`` to every timeline.

    ``partnership`` is one ``user`` can see; a source applies its own model's scope where
    that says more than the partnership's (as agreements' and training's do).
    """
    _sources.append(source)
    return source


@functools.cache
def _history(model):
    """The historical model of ``model``.

    ``Model.history`` is simple-history's descriptor, which builds a new manager class on every
    access (0.3 ms each, five times a partnership page); its model's own manager does not.
    """
    return model.history.model


class _LazyUrl:
    """A row's address, worked out once and only if its event is shown.

    Each source reads up to ``limit`` rows and the merge keeps ``limit`` events of them all, so
    most rows' addresses are never shown. (Django's ``lazy`` would reverse it again each time
    the template reads it: twice an event.)
    """

    __slots__ = ("_row", "_url")

    def __init__(self, row):
        self._row, self._url = row, None

    def __str__(self):
        if self._url is None:
            self._url = self._row.get_absolute_url()
        return self._url

    def __bool__(self):
        return True


def _local_date(moment: datetime) -> date:
    return timezone.localdate(moment)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


@register
def engagement_events(partnership, user, limit):
    engagements = partnership.engagements.order_by("-date", "-pk")
    return [
        Event(e.date, e.get_kind_display(), e.title, _LazyUrl(e), e.location, at=e.created_at)
        for e in engagements[:limit]
    ]


@register
def action_events(partnership, user, limit):
    actions = partnership.actions.select_related("owner").order_by("-created_at")
    events = []
    for action in actions[:limit]:
        url = _LazyUrl(action)
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
    shares = partnership.shares.order_by("-shared_on", "-pk")
    events = []
    for share in shares[:limit]:
        url = _LazyUrl(share)
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
    history = (
        _history(Partnership).objects.filter(id=partnership.pk).select_related("history_user").order_by("-history_date")
    )
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

    Field names only, never values: the history of a share must not show its text. One query:
    the newest ``limit`` rows of each history, as a UNION ALL ordered and cut once more.
    """
    arms = [
        _history_arm(0, "partnership", _history(Partnership).objects.filter(id=partnership.pk), limit),
        _history_arm(1, "engagement", _history(Engagement).objects.filter(partnership_id=partnership.pk), limit),
        _history_arm(2, "action", _history(Action).objects.filter(partnership_id=partnership.pk), limit),
    ]
    if permissions.can_see_shares(user, partnership):
        arms.append(
            _history_arm(
                3, "information share", _history(InformationShare).objects.filter(partnership_id=partnership.pk), limit
            )
        )
    # Changes made at the same moment (in one transaction) come in the order of the arms above.
    rows = arms[0].union(*arms[1:], all=True).order_by("-history_date", "rank", "history_id")[:limit]
    result = []
    for row in rows:
        noun = row["noun"]
        label = noun if noun == "partnership" else f"{noun} “{_describe(row)}”"
        what = f"{_HISTORY_VERBS[row['history_type']]} {label}"
        if row["history_change_reason"]:
            what = f"{what}: {row['history_change_reason']}"
        if row["by_username"] is None:
            who = "The portal"
        else:
            who = f"{row['by_first_name']} {row['by_last_name']}".strip() or row["by_username"]
        result.append(Change(row["history_date"], who, what, list(row["changed_fields"]), _url_for(noun, row)))
    return result


def _history_arm(rank, noun, history, limit):
    """One history's newest rows, in the columns every arm of ``changes``' union shares.

    Where the database cannot order and cut the arms of a union (SQLite, the embedded default
    of ``make run``), each arm is the whole history and only the union is ordered and cut."""
    is_share = noun == "information share"
    arm = (
        history.annotate(
            rank=Value(rank, output_field=IntegerField()),
            noun=Value(noun, output_field=CharField()),
            label_title=Value("", output_field=CharField()) if is_share else F("title"),
            label_category=F("category") if is_share else Value("", output_field=CharField()),
            label_day=F("shared_on") if is_share else Cast(Value(None), output_field=DateField()),
            by_first_name=F("history_user__first_name"),
            by_last_name=F("history_user__last_name"),
            by_username=F("history_user__username"),
        )
        .order_by("-history_date", "history_id")
        .values(
            "history_date",
            "history_id",
            "rank",
            "history_type",
            "history_change_reason",
            "changed_fields",
            "id",
            "noun",
            "label_title",
            "label_category",
            "label_day",
            "by_first_name",
            "by_last_name",
            "by_username",
        )
    )
    if not connection.features.supports_slicing_ordering_in_compound:
        return arm.order_by()
    return arm[:limit]


_SHARE_CATEGORIES = dict(ShareCategory.choices)


def _describe(row) -> str:
    if row["noun"] == "information share":
        category = _SHARE_CATEGORIES.get(row["label_category"], row["label_category"])
        return f"{category}, {row['label_day']:%-d %b %Y}"
    return row["label_title"]


def _url_for(noun, row) -> str:
    if row["history_type"] == "-":
        return ""
    names = {"engagement": "engagement_detail", "action": "action_detail", "information share": "share_detail"}
    if noun in names:
        return reverse(f"partnerships:{names[noun]}", args=[row["id"]])
    return ""
