"""PDF rendering shared by the portal's apps: WeasyPrint, the portal's own templates, no network.

Two rules keep rendering safe (WeasyPrint must never fetch from the network or read user HTML):

- Only the portal's templates are rendered, with Django's autoescaping on, so user-supplied
  text is printed, never interpreted.
- WeasyPrint fetches through :class:`RestrictedURLFetcher`, which serves ``data:`` URIs and the
  portal's static files from local disk and refuses everything else. There is no network access
  at all, so there are no redirects to follow either.

The documents themselves (agreements, training certificates) live in their apps and call
:func:`render_pdf`.
"""

from __future__ import annotations

import base64
import binascii
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urljoin, urlsplit
from urllib.request import url2pathname

import segno
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils._os import safe_join
from weasyprint.urls import URLFetcher, URLFetcherResponse

security_logger = logging.getLogger("portal.security")

CONTENT_TYPE = "application/pdf"

# PDF/UA-1: WeasyPrint 70 supports it (tagged structure, PDF 1.7, the pdfuaid XMP entry); each
# template supplies what the variant needs: <html lang>, <title>, alt text on images.
PDF_VARIANT = "pdf/ua-1"


# --- URL fetching ----------------------------------------------------------------------------


class FetchRefused(ValueError):
    """WeasyPrint asked for something outside the portal's static files and data: URIs."""


def _refuse(url: str, reason: str) -> FetchRefused:
    shown = url if len(url) <= 200 else f"{url[:200]}..."
    security_logger.warning("PDF rendering refused to fetch %r: %s", shown, reason)
    return FetchRefused(f"Fetching {shown!r} is not allowed: {reason}")


def _static_url_prefixes() -> list[tuple[str, str, str]]:
    """(scheme, netloc, path) of the URLs at which the portal's static files are published.

    ``STATIC_URL`` itself (a path such as ``/static/`` or a full URL) and, when it is a path,
    the same path on ``SITE_URL``: templates rendered with ``base_url=SITE_URL`` link their
    stylesheet as ``{SITE_URL}/static/...``, which this module serves from disk.
    """
    static_url = settings.STATIC_URL
    candidates = [static_url, urljoin(f"{settings.SITE_URL.rstrip('/')}/", static_url)]
    prefixes = []
    for candidate in candidates:
        parts = urlsplit(candidate)
        prefix = (parts.scheme.lower(), parts.netloc.lower(), parts.path)
        if prefix not in prefixes:
            prefixes.append(prefix)
    return prefixes


def _static_roots() -> list[Path]:
    """Every folder the staticfiles finders search, and STATIC_ROOT."""
    roots = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside_static_root(path: Path) -> Path | None:
    """The real path of ``path`` if it is a file under a static root (symlinks resolved)."""
    real = path.resolve()
    if not real.is_file():
        return None
    if any(real.is_relative_to(root) for root in _static_roots()):
        return real
    return None


def _check_segments(url: str, path: str) -> None:
    """Refuse relative segments, backslashes and NULs anywhere in an (already unquoted) path."""
    if "\\" in path or "\x00" in path:
        raise _refuse(url, "unsafe character in path")
    if any(segment in {"..", "."} for segment in path.split("/")):
        raise _refuse(url, "path traversal")


def _find_static(url: str, relative: str) -> Path:
    """Resolve a path below STATIC_URL through the finders, then STATIC_ROOT (hashed names)."""
    relative = unquote(relative)
    _check_segments(url, relative)
    if not relative or relative.startswith("/"):
        raise _refuse(url, "not a static file")
    candidates = []
    try:
        if found := finders.find(relative):
            candidates.append(Path(found))
        if settings.STATIC_ROOT:
            candidates.append(Path(safe_join(os.fspath(settings.STATIC_ROOT), relative)))
    except SuspiciousFileOperation as error:
        raise _refuse(url, "path traversal") from error
    for candidate in candidates:
        if real := _inside_static_root(candidate):
            return real
    raise _refuse(url, "no such static file")


def _file_response(url: str, path: Path) -> URLFetcherResponse:
    mime_type, _ = mimetypes.guess_type(path.name)
    return URLFetcherResponse(
        url, body=path.read_bytes(), headers={"Content-Type": mime_type or "application/octet-stream"}
    )


def _decode_data_uri(url: str) -> tuple[str, bytes]:
    """``data:[<media type>][;base64],<data>`` (RFC 2397), decoded in memory."""
    header, comma, payload = url[len("data:") :].partition(",")
    if not comma:
        raise _refuse(url, "malformed data: URI")
    is_base64 = header.lower().endswith(";base64")
    media_type = (header[: -len(";base64")] if is_base64 else header).strip() or "text/plain;charset=US-ASCII"
    data = unquote_to_bytes(payload)
    if is_base64:
        try:
            data = base64.b64decode(data)
        except binascii.Error as error:
            raise _refuse(url, "malformed base64 in data: URI") from error
    return media_type, data


def restricted_url_fetcher(url: str, timeout: int = 10, ssl_context=None) -> URLFetcherResponse:
    """Serve ``data:`` URIs and the portal's static files; refuse everything else.

    ``timeout`` and ``ssl_context`` are accepted for the signature of WeasyPrint's fetcher and
    ignored: nothing here touches the network. Refusals raise :class:`FetchRefused` (a
    ``ValueError``) and are logged on ``portal.security``; WeasyPrint then leaves the resource
    out of the page.
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise _refuse(url, "malformed URL") from error
    scheme = parts.scheme.lower()

    if scheme == "data":
        content_type, body = _decode_data_uri(url)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    if scheme == "file":
        if parts.netloc not in {"", "localhost"}:
            raise _refuse(url, "file URL on another host")
        path = url2pathname(parts.path)
        _check_segments(url, path)
        if real := _inside_static_root(Path(path)):
            return _file_response(url, real)
        raise _refuse(url, "file outside the static directories")

    for prefix_scheme, prefix_netloc, prefix_path in _static_url_prefixes():
        if scheme == prefix_scheme and parts.netloc.lower() == prefix_netloc and parts.path.startswith(prefix_path):
            return _file_response(url, _find_static(url, parts.path[len(prefix_path) :]))

    raise _refuse(url, "only the portal's static files and data: URIs may be fetched")


class RestrictedURLFetcher(URLFetcher):
    """WeasyPrint 70 fetcher that delegates every request to :func:`restricted_url_fetcher`.

    WeasyPrint 70 requires a ``URLFetcher`` instance (it reads its ``fail_on_errors`` flag and
    expects a ``URLFetcherResponse``), so a bare function cannot be passed as ``url_fetcher``.
    ``fetch`` is replaced wholesale: urllib's handlers that the parent class sets up are never
    reached, and redirects are off in any case.
    """

    def __init__(self, timeout: int = 10, ssl_context=None, *, fetch=None, **kwargs):
        super().__init__(timeout=timeout, ssl_context=ssl_context, allow_redirects=False, **kwargs)
        self._ssl_context = ssl_context
        self._fetch = fetch

    def fetch(self, url, headers=None):
        # Looked up on the module at call time, so tests can wrap it to record requests; a
        # caller may pass its own ``fetch`` (which must be at least as strict).
        fetch = self._fetch or restricted_url_fetcher
        return fetch(url, timeout=self._timeout, ssl_context=self._ssl_context)


# --- Rendering -------------------------------------------------------------------------------


def render_pdf(
    template_name: str, context: dict, *, base_url: str | None = None, url_fetcher: URLFetcher | None = None
) -> bytes:
    """Render a portal template (autoescaped) to PDF bytes.

    The template supplies the PDF metadata: ``<html lang>``, ``<title>`` and
    ``<meta name="author">``. Relative URLs resolve against ``base_url`` (``SITE_URL`` by
    default), so ``{% static %}`` links land on a URL :func:`restricted_url_fetcher` serves
    from disk. ``url_fetcher`` defaults to a :class:`RestrictedURLFetcher`.
    """
    html = render_to_string(template_name, context)
    document = weasyprint.HTML(
        string=html,
        base_url=base_url or f"{settings.SITE_URL.rstrip('/')}/",
        url_fetcher=url_fetcher or RestrictedURLFetcher(),
    )
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def qr_code_data_uri(url: str) -> str:
    """An SVG QR code for ``url`` as a data: URI: vector, so it stays sharp in print, with the
    four-module white quiet zone scanners expect."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
