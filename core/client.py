"""The client's address, the same for every use: log-in lockouts (axes), rate limits, the
address a signature records and the share view log.

Behind ``settings.PROXY_COUNT`` proxies, each proxy appends the address it received the request
from to ``X-Forwarded-For``, so the client's address is the PROXY_COUNT-th entry from the right;
anything further left came from the client and is not trusted. With PROXY_COUNT 0 the header is
ignored entirely and the address is the peer's (``REMOTE_ADDR``).

A header that is missing, too short or holds something other than a bare IP address at that
place (the proxy was bypassed, or is not configured as the setting says) falls back to
``REMOTE_ADDR``, the one address the client cannot forge.
"""

import ipaddress

from django.conf import settings


def _ip(text: str) -> str | None:
    """The address in its canonical form, or None when ``text`` is not a bare IP address."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if getattr(address, "scope_id", None):  # fe80::1%eth0: no database column takes the zone
        return None
    return str(address)


def client_address(request) -> str | None:
    """The client's IP address, or None when the request carries no usable address at all."""
    peer = _ip(request.META.get("REMOTE_ADDR") or "")
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").rsplit(",", proxies)
    if len(hops) < proxies:
        return peer
    return _ip(hops[-proxies]) or peer
