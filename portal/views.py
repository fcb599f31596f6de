import sys
from datetime import UTC, timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.dashboard import colleagues, users_by_role
from agreements.dashboard import agreement_summary, agreements_by_status
from partnerships.dashboard import (
    awaiting_answer,
    organisations_by_kind,
    own_organisation_counts,
    partnership_summary,
    partnerships_by_health,
)
from training.dashboard import my_upcoming_bookings, upcoming_sessions


@login_required
def dashboard(request):
    """The home page: what this user's role needs first. Each app's ``dashboard.py`` counts its own."""
    user = request.user
    context = {"organisation": user.organisation}
    if user.is_administrator:
        context["organisations_by_kind"] = organisations_by_kind(user)
        context["users_by_role"] = users_by_role(user)
        context["partnerships_by_health"] = partnerships_by_health(user)
        context["agreements_by_status"] = agreements_by_status(user)
        template = "portal/dashboard_administrator.html"
    else:
        context["colleagues"] = colleagues(user)
        context.update(own_organisation_counts(user))
        works_in_partnerships = user.is_liaison_officer or user.is_agency_liaison or user.is_senior_sponsor
        if works_in_partnerships:
            context["summary"] = partnership_summary(user)
        if user.is_liaison_officer or user.is_agency_liaison:
            context["awaiting"] = awaiting_answer(user)
        if user.is_liaison_officer or user.is_senior_sponsor:
            context["agreements"] = agreement_summary(user)
        if user.is_liaison_officer:
            context["training_sessions"] = upcoming_sessions(user, provided_by_us=user.is_police_liaison)
        elif not works_in_partnerships:
            context["training_bookings"] = my_upcoming_bookings(user)
        template = f"portal/dashboard_{user.role}.html"
    return render(request, template, context)


@require_GET
def security_txt(request):
    """/.well-known/security.txt (RFC 9116): where to report a vulnerability."""
    expires = (timezone.now() + timedelta(days=365)).replace(microsecond=0)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: en",
        f"Canonical: {settings.SITE_URL.rstrip('/')}/.well-known/security.txt",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """The 500 page, or a 503 with Retry-After when the database could not be reached.

    A restart or failover of PostgreSQL fails the requests in flight with an OperationalError
    (or an InterfaceError on a connection already closed); the next request opens a new
    connection. That is a temporary fault, so it is said as one. Neither page touches the
    database: both templates stand alone, without the base template's context processors.
    """
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))
