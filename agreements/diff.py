"""Compare two versions of an agreement clause by clause, marking changes word by word.

Clauses are matched by their key, so a renumbered clause is still the same clause. Within a
clause, :func:`diff_words` runs :class:`difflib.SequenceMatcher` over word, punctuation and
whitespace tokens. Every token is escaped before it is wrapped in ``<ins>`` or ``<del>``, so
the result is safe HTML whatever the clause text contains.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Words, runs of punctuation and runs of whitespace: joined back together they give the text.
TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"
UNCHANGED = "unchanged"


def tokens(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def _wrap(tag: str, run: list[str]) -> str:
    """Escape ``run`` and wrap it in ``tag``, leaving line breaks outside the tags.

    Keeping newlines out of ``<ins>``/``<del>`` lets the template turn them into ``<br>``
    without splitting an element across lines.
    """
    parts, pending = [], []

    def flush():
        if pending:
            parts.append(f"<{tag}>{''.join(pending)}</{tag}>")
            pending.clear()

    for token in run:
        if "\n" in token:
            flush()
            parts.append(escape(token))
        elif token.isspace() and not pending:
            parts.append(escape(token))  # no leading space inside the mark
        else:
            pending.append(escape(token))
    # Trailing spaces stay inside the mark; they are harmless and rare.
    flush()
    return "".join(parts)


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes, with a lone space between two changes folded into them.

    Otherwise "campus only" -> "whole city" reads as four separate changes around two
    unchanged spaces. Line breaks are never folded: they shape paragraphs.
    """
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    merged: list[list] = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = (
            op == "equal"
            and merged
            and merged[-1][0] != "equal"
            and index + 1 < len(opcodes)
            and all(token.isspace() and "\n" not in token for token in a[i1:i2])
        )
        if merged and merged[-1][0] != "equal" and (op != "equal" or between_changes):
            merged[-1][2], merged[-1][4] = i2, j2
            merged[-1][0] = "replace"
        else:
            merged.append([op, i1, i2, j1, j2])
    result = []
    for op, i1, i2, j1, j2 in merged:
        if op != "equal":
            op = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        result.append((op, i1, i2, j1, j2))
    return result


def _equal(run: list[str]) -> str:
    return "".join(escape(token) for token in run)


def diff_words(old: str, new: str) -> SafeString:
    """One text: words only in ``old`` in ``<del>``, words only in ``new`` in ``<ins>``."""
    a, b = tokens(old), tokens(new)
    parts = []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            parts.append(_equal(b[j1:j2]))
            continue
        if op in ("delete", "replace"):
            parts.append(_wrap("del", a[i1:i2]))
        if op in ("insert", "replace"):
            parts.append(_wrap("ins", b[j1:j2]))
    return mark_safe("".join(parts))  # noqa: S308 - every token above was escaped


def diff_side_by_side(old: str, new: str) -> tuple[SafeString, SafeString]:
    """Two texts: ``old`` with its deletions in ``<del>``, ``new`` with its insertions in ``<ins>``."""
    a, b = tokens(old), tokens(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            left.append(_equal(a[i1:i2]))
            right.append(_equal(b[j1:j2]))
            continue
        if op in ("delete", "replace"):
            left.append(_wrap("del", a[i1:i2]))
        if op in ("insert", "replace"):
            right.append(_wrap("ins", b[j1:j2]))
    # Every token above was escaped before it was wrapped.
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308


@dataclass
class ClauseDiff:
    """One clause across two versions. A text is None where the clause is not in that version."""

    key: str
    status: str  # ADDED, REMOVED, CHANGED or UNCHANGED
    number: str  # the clause's number in the newer version (the older one if removed)
    old_number: str | None
    heading: SafeString  # one heading, changes marked inline
    old_text: SafeString | None
    new_text: SafeString | None

    @property
    def renumbered(self) -> bool:
        return self.old_number is not None and self.status != REMOVED and self.old_number != self.number


def _whole(tag: str, text: str) -> SafeString:
    return mark_safe(_wrap(tag, tokens(text)))  # noqa: S308 - _wrap escapes every token


def _added(clause: dict) -> ClauseDiff:
    return ClauseDiff(
        key=clause["key"],
        status=ADDED,
        number=clause["number"],
        old_number=None,
        heading=_whole("ins", clause["heading"]),
        old_text=None,
        new_text=_whole("ins", clause["text"]),
    )


def _removed(clause: dict) -> ClauseDiff:
    return ClauseDiff(
        key=clause["key"],
        status=REMOVED,
        number=clause["number"],
        old_number=clause["number"],
        heading=_whole("del", clause["heading"]),
        old_text=_whole("del", clause["text"]),
        new_text=None,
    )


def _as_is(text: str) -> SafeString:
    """A text both versions share, escaped: what the word diff gives for it, without running it."""
    return mark_safe(escape(text or ""))  # noqa: S308 - escaped


def _compared(old: dict, new: dict) -> ClauseDiff:
    """One clause in both versions. Only a heading or text that differs goes through the word diff:
    most clauses of a new version are unchanged, and diffing them was most of the compare page's time."""
    same_heading = old["heading"] == new["heading"]
    same_text = old["text"] == new["text"]
    if same_text:
        old_text = new_text = _as_is(new["text"])
    else:
        old_text, new_text = diff_side_by_side(old["text"], new["text"])
    return ClauseDiff(
        key=new["key"],
        status=UNCHANGED if same_heading and same_text else CHANGED,
        number=new["number"],
        old_number=old["number"],
        heading=_as_is(new["heading"]) if same_heading else diff_words(old["heading"], new["heading"]),
        old_text=old_text,
        new_text=new_text,
    )


def compare_clauses(old: list[dict], new: list[dict]) -> list[ClauseDiff]:
    """Every clause of either version, in the newer version's order.

    A removed clause is listed where it stood in the older version: after the clauses that
    preceded it there.
    """
    new_keys = {clause["key"] for clause in new}
    old_position = {clause["key"]: i for i, clause in enumerate(old)}
    result, next_old = [], 0

    def removed_up_to(position):
        nonlocal next_old
        while next_old <= position:
            if old[next_old]["key"] not in new_keys:
                result.append(_removed(old[next_old]))
            next_old += 1

    for clause in new:
        position = old_position.get(clause["key"])
        if position is None:
            result.append(_added(clause))
            continue
        removed_up_to(position)
        result.append(_compared(old[position], clause))
    removed_up_to(len(old) - 1)
    return result


def summary(diffs: list[ClauseDiff]) -> dict[str, int]:
    """How many clauses were added, removed, changed and left unchanged."""
    counts = dict.fromkeys((ADDED, REMOVED, CHANGED, UNCHANGED), 0)
    for diff in diffs:
        counts[diff.status] += 1
    return counts
