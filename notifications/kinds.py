"""The registry of notification kinds and of the sweep's reminder sources.

Apps declare their kinds in a ``reminders`` module (discovered at start-up): a ``Group`` is
what a user can turn off in their settings (never an essential one), a ``Kind`` is one thing
the portal tells people, with its own email template, and a source is a function the sweep
calls to find reminders that are due now and not yet in the log.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.db import models
from django.db.models import Exists, OuterRef

from .models import Notification


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    description: str
    essential: bool = False


@dataclass(frozen=True)
class Kind:
    key: str
    group: Group
    model: type[models.Model]
    template: str
    select_related: tuple[str, ...] = ()
    # Whether ``user`` may see ``obj``; by default through the model's own ``visible_to``.
    can_see: Callable | None = None
    # Extra context for the email, from the object.
    context: Callable | None = None
    # Files to attach to the email, from the object: a list of (filename, bytes, mimetype).
    attachments: Callable | None = None

    def load(self, object_id):
        return self.model._default_manager.select_related(*self.select_related).filter(pk=object_id).first()

    def may_see(self, user, obj) -> bool:
        if self.can_see is not None:
            return self.can_see(user, obj)
        return self.model._default_manager.visible_to(user).filter(pk=obj.pk).exists()

    def email_context(self, obj) -> dict:
        return self.context(obj) if self.context else {}

    def email_attachments(self, obj) -> list:
        return list(self.attachments(obj)) if self.attachments else []


@dataclass
class Due:
    """One reminder the sweep found: about ``obj``, for ``recipients``, on ``occasion``."""

    obj: models.Model
    recipients: list
    occasion: date
    title: str
    url: str


@dataclass(frozen=True)
class Batch:
    """One batch of a source's query: up to ``size`` rows after primary key ``after``.

    Sweeping in key order means each batch starts where the last one ended, so rows already
    logged by an earlier batch of the same sweep are not looked at again.
    """

    size: int
    after: int = 0

    def of(self, queryset):
        return queryset.filter(pk__gt=self.after).order_by("pk")[: self.size]


@dataclass(frozen=True)
class Source:
    kind: Kind
    find: Callable[[datetime, Batch], list[Due]]


GROUPS: dict[str, Group] = {}
# Other work the sweep catches up on (such as a PDF whose task was never queued).
CATCH_UPS: list[Callable[[datetime, int], None]] = []
KINDS: dict[str, Kind] = {}
SOURCES: list[Source] = []


def group(key, label, description, *, essential=False) -> Group:
    GROUPS[key] = GROUPS.get(key) or Group(key, label, description, essential)
    return GROUPS[key]


def kind(key, group, model, template=None, **options) -> Kind:
    KINDS[key] = Kind(key, group, model, template or key, **options)
    return KINDS[key]


def source(kind: Kind):
    """Register ``find(now, batch) -> list[Due]`` as the sweep's source of ``kind`` reminders.

    ``find`` returns the reminders due at ``now`` that are not yet in the log, taking its rows
    through ``batch.of(queryset)``; each ``Due.obj`` is a row of that queryset.
    """

    def register(find):
        if not any(s.kind.key == kind.key for s in SOURCES):
            SOURCES.append(Source(kind, find))
        return find

    return register


def catch_up(function):
    """Register ``function(now, limit)`` to run on every sweep."""
    if function not in CATCH_UPS:
        CATCH_UPS.append(function)
    return function


def not_logged(kind: Kind, occasion=None):
    """A filter for a source's query: no log row yet for this kind, object (and occasion)."""
    rows = Notification.objects.filter(kind=kind.key, object_id=OuterRef("pk"))
    if occasion is not None:
        rows = rows.filter(occasion=occasion)
    return ~Exists(rows)
