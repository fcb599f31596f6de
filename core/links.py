"""Links to objects by primary key, for pages that show many of them.

``reverse()`` walks the URL resolver on every call (about 40 microseconds); a list page of 25
rows with two or three links a row spent a tenth of its rendering there. ``pk_url`` reverses a
view name once, with a marker for the primary key, and fills in each key after that: the same
string ``reverse(viewname, args=[pk])`` gives.
"""

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = 9_876_543_210_123  # no route or script prefix contains it
_patterns: dict[tuple, tuple[str, str]] = {}


def pk_url(viewname: str, pk: int) -> str:
    """``reverse(viewname, args=[pk])`` for a view whose only argument is an integer key."""
    # Keyed by what reverse() depends on, so a test's override of ROOT_URLCONF or a request's
    # own urlconf or script prefix gets its own pattern.
    key = (viewname, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    pattern = _patterns.get(key)
    if pattern is None:
        head, tail = reverse(viewname, args=[_MARKER]).split(str(_MARKER))
        pattern = _patterns[key] = (head, tail)
    return f"{pattern[0]}{int(pk)}{pattern[1]}"
