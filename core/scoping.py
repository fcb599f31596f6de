"""The one pattern by which every model decides what a user may see.

Each model users see gets a queryset subclassing ``ScopedQuerySet`` and says, in
``scope_for``, which rows a non-administrator of a given organisation may see. Views fetch
through ``Model.objects.visible_to(request.user)``, so an object outside that scope is a 404
whether or not it exists.
"""

from django.db import models
from django.db.models import Q


def sees_anything(user) -> bool:
    """Whether ``user`` may see any row at all: signed in, with an active account. Also the
    guard of querysets that skip building the scope for rows inside it by definition
    (``Organisation.objects.own_of``)."""
    return getattr(user, "is_authenticated", False) and user.is_active


def sees_everything(user) -> bool:
    """Whether ``user``'s scope is every row: an administrator's, for every model whose queryset
    keeps ``ScopedQuerySet.visible_to`` (review threads, say, override it). Counts over whole
    tables kept as they change (``core/tally.py``) answer for such a user alone."""
    return sees_anything(user) and user.is_administrator


class ScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not sees_anything(user):
            return self.none()
        if sees_everything(user):
            return self.all()
        return self.filter(self.scope_for(user))

    def scope_for(self, user) -> Q:
        """Return the condition for rows a non-administrator ``user`` may see."""
        raise NotImplementedError(f"{type(self).__name__} must say what a user may see.")
