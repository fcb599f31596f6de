"""Booking pages: one session's page, booking and the waitlist, cancelling, attendance, calendar files.

Who sees whose booking follows ``Booking.objects.visible_to``: a staff member only their own, a
university liaison officer their institution's people, the provider every booking on the
sessions it runs. Every change of a place goes through ``training.services``.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.links import pk_url
from core.lists import Column, list_context, table_header
from core.views import error_text

from .. import calendar, permissions, services
from ..filters import BookingFilter
from ..forms import BookColleagueForm, ColleagueSearchForm
from ..models import HOLDS_A_PLACE, Booking, BookingStatus, CalendarFeed, Course, Session, SessionStatus

# Statuses a personal calendar feed shows: the sessions the person has a place on.
FEED_STATUSES = [BookingStatus.BOOKED, BookingStatus.ATTENDED]
# How far back a feed reaches, so it stays small however long someone uses the portal.
FEED_HISTORY = timedelta(days=365)
ATTENDANCE_CHOICES = {"attended": True, "no_show": False}
# What a row of the session page's bookings reads of the people: whole user and organisation rows
# (password, address, ...) took as long to load as the rest of the page's queries together.
PERSON_NAME = ["first_name", "last_name", "username"]
BOOKING_ROW_FIELDS = [
    *(f.name for f in Booking._meta.concrete_fields),
    *(f"attendee__{name}" for name in [*PERSON_NAME, "organisation_id", "organisation__name"]),
    *(f"booked_by__{name}" for name in PERSON_NAME),
]
SESSION_PAGE_FIELDS = [
    *(f.name for f in Session._meta.concrete_fields),
    *(f"course__{f.name}" for f in Course._meta.concrete_fields),
    "course__provider__name",
    "course__provider__kind",
    "course__provider_unit__name",
    "offered_to__institution__name",
]
# How many people the search for a colleague to book offers at a time.
COLLEAGUE_MATCHES = 10


def get_session(request, pk) -> Session:
    queryset = Session.objects.visible_to(request.user).select_related(
        "course__provider", "course__provider_unit", "offered_to__institution"
    )
    return get_object_or_404(queryset, pk=pk)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _booked_message(booking, by) -> str:
    mine = booking.attendee_id == by.pk
    if booking.status == BookingStatus.WAITLISTED:
        who = "you are" if mine else f"{_name(booking.attendee)} is"
        return (
            f"The session is full, so {who} on the waitlist. "
            "Places that come free are given in waitlist order, with an email."
        )
    who = "You have" if mine else f"{_name(booking.attendee)} has"
    return f"{who} a place. A confirmation email is on its way."


def _cancel_blocker(booking) -> str:
    """Why ``booking`` cannot be cancelled any more, or an empty string."""
    if booking.status == BookingStatus.CANCELLED:
        return "This booking is already cancelled."
    if booking.session.status == SessionStatus.CANCELLED:
        return "The session has been cancelled, so there is nothing left to cancel."
    if booking.session.has_started:
        return "The session has started, so this booking can no longer be cancelled."
    return ""


def _person_label(person) -> str:
    name = person.get_full_name() or person.username
    return f"{name} ({person.job_title})" if person.job_title else name


def _find_colleagues(session, user, text) -> dict:
    """The first ``COLLEAGUE_MATCHES`` people ``user`` may book on ``session`` whose name, username or
    email contains every word of ``text``; whether there are more; and what to say when none are shown.

    One query, however many people the institution has: the search reads one more than it shows.
    """
    form = ColleagueSearchForm({"q": text})
    if not form.is_valid():
        return {"matches": [], "more": False, "message": " ".join(form.errors["q"])}
    text = form.cleaned_data["q"]
    people = list(
        session.bookable_colleagues_matching(user, text).only(
            "pk", "first_name", "last_name", "username", "job_title", "organisation"
        )[: COLLEAGUE_MATCHES + 1]
    )
    matches = [person for person in people[:COLLEAGUE_MATCHES] if permissions.can_book_for(user, person)]
    message = "" if matches else "Nobody who is not already booked on this session matches that search."
    for person in matches:
        person.label = _person_label(person)
    return {"matches": matches, "more": len(people) > COLLEAGUE_MATCHES, "message": message}


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return default


def _prepare_rows(bookings, user) -> None:
    """Set on each booking what its row of the session page shows, formatted once here.

    The names, UK dates and links of a few dozen rows were most of the page's rendering when
    the template worked them out with filters, ``{% url %}`` and an include per row. The links
    come from ``core.links.pk_url``, which reverses each view once.
    """
    labels = dict(BookingStatus.choices)
    for booking in bookings:
        attendee, by = booking.attendee, booking.booked_by
        booking.name = _name(attendee)
        booking.by_name = _name(by) if by is not None and booking.booked_by_id != booking.attendee_id else ""
        created, updated = timezone.localtime(booking.created_at), timezone.localtime(booking.updated_at)
        booking.created_iso, booking.updated_iso = created.isoformat(), updated.isoformat()
        booking.created_day = f"{created.day} {created:%b %Y}"
        booking.created_time = f"{created:%H:%M}"
        booking.updated_day = f"{updated.day} {updated:%b %Y}"
        booking.status_label = labels[booking.status]
        booking.may_cancel = booking.status != BookingStatus.CANCELLED and permissions.can_cancel(user, booking)
        booking.cancel_url = pk_url("training:booking_cancel", booking.pk) if booking.may_cancel else ""
        attended = booking.status == BookingStatus.ATTENDED
        booking.certificate_url = pk_url("training:certificate", booking.pk) if attended else ""


@never_cache
@login_required
@require_safe
def session_detail(request, pk):
    """The session, the user's own booking and what they may do; liaison officers see the bookings in scope."""
    user = request.user
    # get_session's query, reading only the names of the organisations and the partnership it
    # is offered through (whole partnership and organisation rows were half its time).
    session = get_object_or_404(
        Session.objects.visible_to(user)
        .select_related("course__provider", "course__provider_unit", "offered_to__institution")
        .only(*SESSION_PAGE_FIELDS),
        pk=pk,
    )
    provider = session.course.provider
    # Every live booking's status in the order places are given (the order of
    # ``BookingQuerySet.with_waitlist_position``): the counts and each waiting booking's position,
    # whoever's bookings the page shows, in one small query with no subquery per row.
    live = list(
        session.bookings.exclude(status=BookingStatus.CANCELLED)
        .order_by("created_at", "pk")
        .values_list("pk", "status")
    )
    waitlist = [booking_pk for booking_pk, status in live if status == BookingStatus.WAITLISTED]
    positions = {booking_pk: position for position, booking_pk in enumerate(waitlist, start=1)}
    counts = {"taken": sum(status in HOLDS_A_PLACE for _, status in live), "waiting": len(waitlist)}
    groups = bookings = None
    if user.is_liaison_officer or user.is_administrator:
        # visible_to narrows this to the officer's own people, or every booking for the provider.
        bookings = list(
            session.bookings.visible_to(user)
            .select_related("attendee__organisation", "booked_by")
            .only(*BOOKING_ROW_FIELDS)
            .order_by("created_at", "pk")
        )
        for booking in bookings:
            booking.waitlist_position = positions.get(booking.pk)
    if bookings is not None:  # the user's own bookings are among them: no query of their own
        mine = [booking for booking in bookings if booking.attendee_id == user.pk]
        my_booking = max(mine, key=lambda booking: (booking.created_at, booking.pk), default=None)
    else:
        my_booking = (
            session.bookings.filter(attendee=user)
            .select_related("attendee", "booked_by")
            .order_by("-created_at", "-pk")
            .first()
        )
        if my_booking is not None:
            my_booking.waitlist_position = positions.get(my_booking.pk)
    has_live_booking = my_booking is not None and my_booking.status != BookingStatus.CANCELLED
    is_provider = permissions.can_manage_training(user, provider)
    full = counts["taken"] >= session.capacity

    if bookings is not None:
        _prepare_rows(bookings, user)
        groups = {
            "places": [b for b in bookings if b.status in HOLDS_A_PLACE],
            "waitlist": [b for b in bookings if b.status == BookingStatus.WAITLISTED],
            "cancelled": [b for b in bookings if b.status == BookingStatus.CANCELLED],
        }

    # Liaison officers book their institution's people: they search for a person (this page with
    # ?colleague=, or the suggestions of ``colleague_search``), and a form posts the attendee's id to ``book``.
    colleague_search = None
    if permissions.can_book_colleagues(user, session):
        query = request.GET.get("colleague")
        found = _find_colleagues(session, user, query) if query is not None else {}
        colleague_search = {"query": query or "", "asked": bool((query or "").strip()), **found}

    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "course": session.course,
            "taken": counts["taken"],
            "waiting": counts["waiting"],
            "places_left": max(session.capacity - counts["taken"], 0),
            "full": full,
            "my_booking": my_booking,
            "has_live_booking": has_live_booking,
            "can_book_self": session.is_bookable and permissions.books_for_themselves(user) and not has_live_booking,
            "can_cancel_mine": has_live_booking and permissions.can_cancel(user, my_booking),
            "colleague_search": colleague_search,
            "takes_places": permissions.books_for_themselves(user),
            "groups": groups,
            "is_provider": is_provider,
            "can_mark_attendance": permissions.can_mark_attendance(user, session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request, pk):
    """Book the user, or (liaison officers) a person of their institution, with an ``attendee`` id.

    The service decides between a place and the waitlist. A GET (a login redirect, say) goes
    to the session's page.
    """
    user = request.user
    session = get_session(request, pk)
    if request.method == "GET":
        return redirect(session)
    if "attendee" in request.POST:
        if not user.is_university_liaison:
            raise PermissionDenied
        form = BookColleagueForm(request.POST, session=session, user=user)
        if not form.is_valid():
            messages.error(request, "Choose a person from your institution who is not already booked on this session.")
            return redirect(session)
        attendee = form.cleaned_data["attendee"]
    else:
        if not permissions.books_for_themselves(user):
            raise PermissionDenied
        attendee = user
    try:
        booking = services.book(session, attendee, by=user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _booked_message(booking, user))
    return redirect(session)


@never_cache
@login_required
@require_safe
def colleague_search(request, pk):
    """Suggestions for the session page's search for a person to book, as JSON for
    ``static/training/colleague-search.js``: ``{"results": [{"id", "label"}], "more", "message"}``.

    The same people the booking form accepts (``Session.bookable_colleagues``, through
    ``visible_to``), at most ``COLLEAGUE_MATCHES`` of them.
    """
    user = request.user
    session = get_session(request, pk)
    if not permissions.can_book_colleagues(user, session):
        raise PermissionDenied
    found = _find_colleagues(session, user, request.GET.get("q", ""))
    results = [{"id": person.pk, "label": person.label} for person in found["matches"]]
    return JsonResponse({"results": results, "more": found["more"], "message": found["message"]})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk):
    """Ask, then cancel one booking; a freed place goes to the first on the waitlist."""
    user = request.user
    queryset = Booking.objects.visible_to(user).select_related(
        "attendee", "session__course__provider", "session__course__provider_unit"
    )
    booking = get_object_or_404(queryset, pk=pk)
    session = booking.session
    blocker = _cancel_blocker(booking)
    if not blocker and not permissions.can_cancel(user, booking):
        raise PermissionDenied
    next_url = _safe_next(request, session.get_absolute_url())
    if request.method == "POST":
        if blocker:
            messages.error(request, blocker)
            return redirect(next_url)
        try:
            promoted = services.cancel_booking(booking, by=user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            whose = "Your booking" if booking.attendee_id == user.pk else f"The booking of {_name(booking.attendee)}"
            text = f"{whose} on {session.course.title} is cancelled."
            if promoted:
                text += " The place has gone to the next person on the waitlist."
            messages.success(request, text)
        return redirect(next_url)
    return render(
        request,
        "training/booking_cancel.html",
        {
            "booking": booking,
            "session": session,
            "blocker": blocker,
            "is_own": booking.attendee_id == user.pk,
            "next": next_url,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, pk):
    """Record, for each person with a place, whether they came (``booking-<pk>`` = attended or no_show)."""
    user = request.user
    session = get_session(request, pk)
    if request.method == "GET":
        return redirect(session)
    if not permissions.can_manage_training(user, session.course.provider):
        raise PermissionDenied
    back = f"{session.get_absolute_url()}#attendance"
    if session.status == SessionStatus.CANCELLED:
        messages.error(request, "This session was cancelled, so there is no attendance to mark.")
        return redirect(back)
    changes = []
    for booking in session.bookings.filter(status__in=HOLDS_A_PLACE).select_related("attendee"):
        value = request.POST.get(f"booking-{booking.pk}", "")
        if value and value not in ATTENDANCE_CHOICES:
            messages.error(request, "Choose “Attended” or “Did not attend” for each person.")
            return redirect(back)
        if value and value != booking.status:
            changes.append((booking, ATTENDANCE_CHOICES[value]))
    if not changes and not session.has_started:
        messages.error(request, "Attendance can be marked once the session has started.")
        return redirect(back)
    try:
        services.record_attendance(changes, by=user)  # all or nothing
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if changes:
            people = "1 person" if len(changes) == 1 else f"{len(changes)} people"
            messages.success(request, f"Attendance saved for {people}.")
        else:
            messages.info(request, "Attendance was already recorded as shown; nothing changed.")
    return redirect(back)


@never_cache
@login_required
@require_safe
def my_bookings(request):
    """The user's bookings (upcoming first, then past); liaison officers also see their institution's."""
    user = request.user
    form = BookingFilter(request.GET, user=user)
    tab = form.current_tab
    bookings = form.filter_qs(Booking.objects.visible_to(user))
    now = timezone.now()
    past = Q(session__ends_at__lte=now)
    bookings = (
        bookings.with_waitlist_position()
        .select_related("attendee", "session__course__provider")
        .annotate(
            is_past=Case(When(past, then=Value(True)), default=Value(False), output_field=BooleanField()),
            upcoming_start=Case(When(~past, then=F("session__starts_at"))),
            past_start=Case(When(past, then=F("session__starts_at"))),
        )
        .order_by("is_past", F("upcoming_start").asc(nulls_last=True), F("past_start").desc(nulls_last=True), "pk")
    )
    context = list_context(request, form, bookings, "bookings")
    for booking in context["page_obj"]:
        booking.may_cancel = booking.status != BookingStatus.CANCELLED and permissions.can_cancel(user, booking)
    header = [Column("Session"), Column("When (UK time)")]
    if tab == "organisation":
        header.append(Column("Person"))
    header += [Column("Status"), Column("Actions", hidden=True)]
    return render(
        request,
        "training/my_bookings.html",
        {
            **context,
            "header": table_header(header),
            "tabs": form.tabs("tab", form.tab_choices),
            "tab": tab,
            "can_see_organisation": len(form.tab_choices) > 1,
        },
    )


@login_required
@require_safe
def session_ics(request, pk):
    session = get_session(request, pk)
    response = HttpResponse(calendar.session_ics(session, timezone.now()), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="training-session-{session.pk}.ics"'
    return response


def _feed_address(feed) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{feed.get_absolute_url()}"


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """Show the secret feed address; make one, or revoke it and make a new one."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            services.create_calendar_feed(user)
            messages.success(request, "Your calendar feed address is ready. Add it to your calendar app.")
        elif action == "revoke":
            services.renew_calendar_feed(user)
            messages.success(request, "The old address no longer works. Give your calendar app the new address below.")
        else:
            messages.error(request, "Choose to create an address or to make a new one.")
        return redirect("training:feed_settings")
    feed = CalendarFeed.objects.filter(user=user).first()
    address = _feed_address(feed) if feed else ""
    template = "training/feed_revoke.html" if feed and "revoke" in request.GET else "training/feed_settings.html"
    return render(
        request,
        template,
        {
            "feed": feed,
            "address": address,
            "webcal_address": "webcal://" + address.split("://", 1)[-1] if address else "",
        },
    )


@require_safe
def feed(request, token):
    """A person's booked sessions for their calendar app. No login: the secret token is the credential."""
    calendar_feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    now = timezone.now()
    sessions = (
        Session.objects.visible_to(calendar_feed.user)
        .filter(
            bookings__attendee_id=calendar_feed.user_id,
            bookings__status__in=FEED_STATUSES,
            starts_at__gte=now - FEED_HISTORY,
        )
        .select_related("course__provider")
        .order_by("starts_at", "pk")
    )
    response = HttpResponse(
        calendar.feed_ics(sessions, now, name=f"My training · {settings.PORTAL_NAME}"),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
