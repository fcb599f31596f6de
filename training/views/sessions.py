"""Finding and offering training: the session list, the month calendar, courses, and scheduling.

Every object is fetched through ``visible_to`` (a 404 outside the user's scope); offering,
editing and cancelling are asked of ``permissions.can_manage_training`` (a 403 for someone who
sees the session but does not provide it). Dates typed into filters are days in Europe/London,
the current time zone, as are the times shown.
"""

import copy
from calendar import MONDAY, Calendar
from collections import defaultdict
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.lists import Column, list_context, table_header
from core.views import apply_errors
from partnerships.models import Organisation

from .. import permissions, services
from ..filters import CourseFilter, SessionFilter, start_of_day
from ..forms import CancelSessionForm, CourseForm, SessionForm
from ..models import BookingStatus, Course, Session, SessionStatus, duration_label

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the calendar's range; further out is a mistyped address


def _posted(request):
    """The submitted data, or None on GET; an empty POST must still be validated (and refused)."""
    return request.POST if request.method == "POST" else None


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("No such course.") from None


def _managed_session(request, pk) -> Session:
    """A session the user sees (else 404) and provides (else 403)."""
    session = get_object_or_404(
        Session.objects.visible_to(request.user).select_related("course__provider", "offered_to__institution"), pk=pk
    )
    if not permissions.can_manage_training(request.user, session.course.provider):
        raise PermissionDenied
    return session


# Finding training


# What a row of the list shows: whole course, organisation and partnership rows (about seventy
# columns, a course's description among them) were a third of each row's cost.
LIST_FIELDS = (
    "starts_at",
    "ends_at",
    "venue",
    "online_url",
    "capacity",
    "status",
    "course__title",
    "course__provider__name",
    "course__provider_unit__name",
    "offered_to__institution__name",
)
STATUS_BADGES = {SessionStatus.CANCELLED: " status-paused", SessionStatus.COMPLETED: " status-ended"}


def _prepare_rows(sessions) -> None:
    """Set on each session what its row of the list shows, worked out once here.

    The places and the status badge took a tag, a filter or a method call per row in the
    template, a quarter of the page's rendering for 25 rows.
    """
    now = timezone.now()
    labels = dict(SessionStatus.choices)
    for session in sessions:
        session.url = session.get_absolute_url()
        session.status_label = labels.get(session.status, session.status)
        session.status_badge = STATUS_BADGES.get(session.status, "")
        session.full = False
        places = "place" if session.capacity == 1 else "places"
        if session.status != SessionStatus.SCHEDULED:
            session.places_label = ""
        elif session.starts_at <= now:
            session.places_label = f"{session.places_taken} of {session.capacity} {places} taken"
        elif session.places_left > 0:
            session.places_label = f"{session.places_left} of {session.capacity} {places} left"
        else:
            session.places_label, session.full = "", True


@login_required
def session_list(request):
    user = request.user
    form = SessionFilter(request.GET, user=user)
    sessions = (
        Session.objects.visible_to(user)
        .with_places()
        .select_related("course__provider", "course__provider_unit", "offered_to__institution")
        .only(*LIST_FIELDS)
    )
    context = list_context(request, form, form.filter_qs(sessions), "sessions")
    _prepare_rows(context["sessions"])
    header = [Column(label) for label in ("Date and time", "Course", "Provider", "Venue", "Places", "Status")]
    return render(
        request,
        "training/session_list.html",
        {
            **context,
            "header": table_header(header),
            "past": form.include_past,
            "can_create": permissions.can_manage_training(user, user.organisation),
        },
    )


@login_required
def calendar_month(request, year=None, month=None):
    """A month of visible sessions, Monday first; ``calendar/`` shows the current month."""
    today = timezone.localdate()
    if year is None:
        year, month = today.year, today.month
    if not (1 <= month <= 12 and FIRST_YEAR <= year <= LAST_YEAR):
        raise Http404("No such month.")
    first = date(year, month, 1)
    next_first = (first + timedelta(days=31)).replace(day=1)
    previous_first = (first - timedelta(days=1)).replace(day=1)
    sessions = (
        Session.objects.visible_to(request.user)
        .with_places()
        .filter(starts_at__gte=start_of_day(first), starts_at__lt=start_of_day(next_first))
        .select_related("course")
        .order_by("starts_at", "pk")
    )
    by_day = defaultdict(list)
    for session in sessions:
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    weeks = [
        [
            {"date": day, "in_month": day.month == month, "is_today": day == today, "sessions": by_day.get(day, [])}
            for day in week
        ]
        for week in Calendar(firstweekday=MONDAY).monthdatescalendar(year, month)
    ]

    def month_link(day):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return None
        return reverse("training:calendar_month", args=[day.year, day.month])

    return render(
        request,
        "training/calendar_month.html",
        {
            "month": first,
            "weeks": weeks,
            "session_count": sum(len(day) for day in by_day.values()),
            "previous_month": previous_first,
            "previous_url": month_link(previous_first),
            "next_month": next_first,
            "next_url": month_link(next_first),
            "this_month_url": reverse("training:calendar_month"),
            "is_this_month": (year, month) == (today.year, today.month),
            "can_create": permissions.can_manage_training(request.user, request.user.organisation),
        },
    )


# Courses


@login_required
def course_list(request):
    user = request.user
    upcoming = Session.objects.visible_to(user).filter(
        course=OuterRef("pk"), status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    )
    courses = (
        Course.objects.visible_to(user)
        .select_related("provider", "provider_unit")
        .annotate(
            next_session_id=Subquery(upcoming.order_by("starts_at", "pk").values("pk")[:1]),
            next_session_at=Subquery(upcoming.order_by("starts_at", "pk").values("starts_at")[:1]),
            upcoming_count=Coalesce(
                Subquery(upcoming.order_by().values("course").annotate(n=Count("pk")).values("n")[:1]), 0
            ),
        )
    )
    providers = Organisation.objects.filter(pk__in=courses.values("provider_id")).only("pk", "name").order_by("name")
    form = CourseFilter(request.GET, providers=providers)
    context = list_context(request, form, form.filter_qs(courses).order_by("title", "pk"), "courses")
    for course in context["page_obj"]:
        course.can_manage = permissions.can_manage_training(user, course.provider)
        course.length = duration_label(course.duration_minutes)
    can_create = permissions.can_manage_training(user, user.organisation)
    header = [Column("Course"), Column("Provider"), Column("Length"), Column("Next date")]
    if can_create:
        header.append(Column("Actions", hidden=True))
    return render(
        request,
        "training/course_list.html",
        {
            **context,
            "header": table_header(header),
            "can_create": can_create,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request):
    if not permissions.can_manage_training(request.user, request.user.organisation):
        raise PermissionDenied
    form = CourseForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        course = services.create_course(form.instance, by=request.user)
        messages.success(request, f"Course “{course.title}” added. Add its first date from the course list.")
        return redirect("training:course_list")
    return render(request, "training/course_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request, pk):
    course = get_object_or_404(Course.objects.visible_to(request.user).select_related("provider"), pk=pk)
    if not permissions.can_manage_training(request.user, course.provider):
        raise PermissionDenied
    form = CourseForm(_posted(request), instance=copy.copy(course), user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.update_course(form.instance, by=request.user)
        messages.success(request, f"Course “{saved.title}” saved.")
        return redirect("training:course_list")
    return render(request, "training/course_form.html", {"form": form, "course": course})


# Offering sessions


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    """Schedule a date. ``?course=<pk>`` starts from that course, and fixes the provider to its own."""
    user = request.user
    course = None
    if "course" in request.GET:
        course = get_object_or_404(
            Course.objects.visible_to(user).select_related("provider"), pk=_int_or_404(request.GET["course"])
        )
        provider = course.provider
    else:
        provider = None if user.is_administrator else user.organisation
    if not permissions.can_manage_training(user, provider or user.organisation):
        raise PermissionDenied
    form = SessionForm(_posted(request), provider=provider, initial={"course": course})
    if request.method == "POST" and form.is_valid():
        if not permissions.can_manage_training(user, form.instance.course.provider):
            raise PermissionDenied
        session = services.create_session(form.instance, by=user)
        messages.success(
            request,
            f"{session.course.title} scheduled for {timezone.localtime(session.starts_at):%-d %B %Y at %H:%M}.",
        )
        return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "course": course, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = _managed_session(request, pk)
    if session.status != SessionStatus.SCHEDULED:
        messages.error(request, f"This session is {session.get_status_display().lower()}, so it can no longer change.")
        return redirect(session)
    form = SessionForm(_posted(request), instance=copy.copy(session), provider=session.course.provider)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Session saved.")
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "session": session})


@login_required
@require_http_methods(["GET", "POST"])
def session_cancel(request, pk):
    """Confirm, then cancel a whole session; everyone with a place or a waitlist place is emailed."""
    session = _managed_session(request, pk)
    counts = session.bookings.aggregate(
        booked=Count("pk", filter=Q(status=BookingStatus.BOOKED)),
        waitlisted=Count("pk", filter=Q(status=BookingStatus.WAITLISTED)),
    )
    form = CancelSessionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            told = services.cancel_session(session, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            people = f"{told} person has" if told == 1 else f"{told} people have"
            messages.success(request, f"Session cancelled. {people} been emailed.")
            return redirect(session)
    return render(
        request,
        "training/session_cancel.html",
        {
            "form": form,
            "session": session,
            "booked": counts["booked"],
            "waitlisted": counts["waitlisted"],
            "to_tell": counts["booked"] + counts["waitlisted"],
            "is_scheduled": session.status == SessionStatus.SCHEDULED,
        },
    )
