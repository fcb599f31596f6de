"""Reading the negotiation: the threads a user sees on an agreement's clauses, and how each
clause of a version differs from the previous version and from the template.

Pure reads in a fixed number of queries whatever the number of threads or clauses; the
writes are in ``services.py``, the rules in ``permissions.py``.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.safestring import SafeString

from . import diff
from .models import ReviewComment, ReviewThread, TemplateClause
from .text import fill, placeholder_values


def visible_threads(agreement, user, *, up_to: int | None = None, clause_key: str | None = None):
    """The threads ``user`` sees on ``agreement``, with their messages and any proposed wording:
    those raised on version ``up_to`` or before (all, without it), on one clause if
    ``clause_key`` is given. Two queries."""
    comments = ReviewComment.objects.select_related("author__organisation", "version").defer("version__text")
    threads = (
        ReviewThread.objects.visible_to(user)
        .filter(agreement=agreement)
        .select_related("raised_by", "organisation", "raised_on", "resolved_by", "proposal__answered_by")
        .defer("raised_on__text")
        .prefetch_related(Prefetch("comments", queryset=comments))
        .order_by("created_at", "pk")
    )
    if up_to is not None:
        threads = threads.filter(raised_on__number__lte=up_to)
    if clause_key is not None:
        threads = threads.filter(clause_key=clause_key)
    threads = list(threads)
    for thread in threads:
        thread.agreement = agreement  # the permissions read its status and partnership
    return threads


def by_clause(threads) -> dict[str, list]:
    grouped = defaultdict(list)
    for thread in threads:
        grouped[thread.clause_key].append(thread)
    return grouped


def proposal_of(thread):
    """The thread's proposed wording, or None (a reverse one-to-one raises when there is none)."""
    try:
        return thread.proposal
    except ReviewThread.proposal.RelatedObjectDoesNotExist:
        return None


def redline(proposal) -> SafeString:
    """The proposed wording against the text it would replace, word by word."""
    return diff.diff_words(proposal.replaces, proposal.text)


@dataclass
class ClauseChange:
    """How one clause of a version stands against the previous version and the template."""

    new: bool = False  # not in the previous version
    changed: bool = False  # in the previous version, with other wording
    inline: SafeString | None = None  # the changes since the previous version, marked inline
    from_template: bool = False  # differs from the template's wording (filled in)
    template_inline: SafeString | None = None  # the differences from the template, marked inline

    @property
    def since_previous(self) -> bool:
        return self.new or self.changed


def clause_changes(agreement, version, previous) -> dict[str, ClauseChange]:
    """Each clause of ``version`` against ``previous`` (None for the first) and the template.

    Only clauses whose text differs are word-diffed. The template's text is filled with the
    agreement's values today, which a submitted version's text was filled with too (details
    change only in a draft; an older version may show a difference where they changed since).
    """
    before = {clause["key"]: clause for clause in previous.clauses} if previous is not None else None
    values = placeholder_values(agreement)
    template = dict(TemplateClause.objects.filter(template_id=agreement.template_id).values_list("key", "body"))
    changes = {}
    for clause in version.clauses:
        change = ClauseChange()
        if before is not None:
            old = before.get(clause["key"])
            if old is None:
                change.new = True
            elif old["text"] != clause["text"] or old["heading"] != clause["heading"]:
                change.changed = True
                change.inline = diff.diff_words(old["text"], clause["text"])
        body = template.get(clause["key"])
        if body is not None:
            filled = fill(body, values)
            if filled != clause["text"]:
                change.from_template = True
                change.template_inline = diff.diff_words(filled, clause["text"])
        changes[clause["key"]] = change
    return changes
