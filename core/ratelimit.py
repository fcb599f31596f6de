"""A small fixed-window rate limit per client address, kept in Django's cache.

Used where axes (which limits log-in attempts per username and address) does not reach: the
password reset form, the public verification page and the two-factor code form. The limits
are ``settings.RATE_LIMITS``: {name: (requests, seconds)}.
"""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from core.client import client_address


def hit(name: str, request) -> int | None:
    """Count one request; return the seconds to wait if over the limit, else None."""
    limit, window = settings.RATE_LIMITS[name]
    window_start = int(time.time() // window)
    key = f"ratelimit:{name}:{client_address(request) or 'unknown'}:{window_start}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    if count > limit:
        return window - int(time.time() % window)
    return None


def rate_limited(name: str, methods=("POST",)):
    """Answer 429 (with a page saying when to try again) once a client goes over the limit."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                wait = hit(name, request)
                if wait is not None:
                    response = render(request, "429.html", {"minutes": max(1, round(wait / 60))}, status=429)
                    response["Retry-After"] = str(wait)
                    return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
