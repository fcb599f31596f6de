"""A URL conf for tests/portal/test_server_errors.py: the portal's, plus views that fail."""

from django.db import InterfaceError, OperationalError
from django.urls import path

from portal.urls import handler500  # noqa: F401 - handler500 is read from here
from portal.urls import urlpatterns as portal_urlpatterns


def database_gone(request):
    raise OperationalError("terminating connection due to administrator command")


def connection_closed(request):
    raise InterfaceError("connection already closed")


def bug(request):
    raise ValueError("a bug")


urlpatterns = [
    path("fail/database/", database_gone),
    path("fail/closed/", connection_closed),
    path("fail/bug/", bug),
    *portal_urlpatterns,
]
