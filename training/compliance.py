"""Who at an institution has done the training its needs require, and who must do it again.

An institution's ``TrainingNeed`` rows say "people in this role need this course, and again
every N months" (N from the need, else the course's refresher interval; none means done for
good). ``compliance_matrix`` turns them into one row per active member and one column per
required course, in a fixed number of queries however many people there are. The database
works out each person's latest attended session and next booked one per course, and the status
they give, so it counts, filters and pages the people; Python makes the cells of the rows shown.

Who may see or change this is decided here too, in small named predicates: the page is an
institution's own business, so only its university liaison officers (and administrators) see
it, and only they change its needs.
"""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, CharField, Count, Max, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from accounts.models import Role, User

from .models import NEED_ROLES, Booking, BookingStatus, SessionStatus, TrainingNeed

DUE_SOON_DAYS = 60
ALL_ROLES = "all"


class Status:
    DONE = "done"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NEVER = "never"
    NOT_REQUIRED = "not_required"


STATUS_LABELS = {
    Status.DONE: "Done",
    Status.DUE_SOON: "Due soon",
    Status.OVERDUE: "Overdue",
    Status.NEVER: "Never",
    Status.NOT_REQUIRED: "Not required",
}
# What the page's status filter offers: the states a required course can be in.
STATUS_FILTERS = [(key, STATUS_LABELS[key]) for key in (Status.OVERDUE, Status.DUE_SOON, Status.NEVER, Status.DONE)]
NEED_ROLE_LABELS = dict(NEED_ROLES)


# Permissions: one condition per line.


# The matrix


def add_months(day: date, months: int) -> date:
    """``day`` moved on by ``months`` calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class Column:
    course_id: int
    title: str
    counts: Counter = field(default_factory=Counter)

    @property
    def summary(self) -> list[tuple[str, int]]:
        return [(label, self.counts[key]) for key, label in STATUS_FILTERS]


@dataclass(frozen=True)
class Cell:
    status: str
    last_attended: date | None = None
    expires: date | None = None
    booked: date | None = None

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def required(self) -> bool:
        return self.status != Status.NOT_REQUIRED

    @property
    def text(self) -> str:
        """The cell in words, as the CSV export and screen readers get it."""
        if self.status == Status.DONE:
            text = f"Done {self.last_attended:%-d %b %Y}"
        elif self.status == Status.DUE_SOON:
            text = f"Due soon (expires {self.expires:%-d %b %Y})"
        elif self.status == Status.OVERDUE:
            text = f"Overdue (expired {self.expires:%-d %b %Y})"
        else:
            text = self.label
        if self.booked:
            text += f"; booked {self.booked:%-d %b %Y}"
        return text


# What a row shows, searches and exports of a person: with 2,000 people, full User objects
# (and the organisation the manager joins by default) were most of the page's time.
PERSON_FIELDS = ("id", "first_name", "last_name", "username", "email", "role")


@dataclass(slots=True)
class Row:
    person: tuple  # the PERSON_FIELDS of one person
    cells: tuple[Cell, ...]  # shared between rows that are alike

    @property
    def user(self) -> User:
        """The person as a User with those fields loaded, made only for rows that are shown."""
        values = dict(zip(PERSON_FIELDS, self.person, strict=True))
        names = [field.attname for field in User._meta.concrete_fields if field.attname in values]  # model order
        return User.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def _intervals_by_role(needs) -> dict[str, dict[int, int | None]]:
    """For each role, course id -> repeat interval in months (None: done for good)."""
    by_role: dict[str, dict[int, int | None]] = {}
    for need in needs:
        courses = by_role.setdefault(need.role, {})
        courses[need.course_id] = need.every_months or need.course.refresher_months
    return by_role


def _stricter(a: int | None, b: int | None) -> int | None:
    """Two needs for one person (say "all" and "staff"): the shorter interval applies."""
    intervals = [i for i in (a, b) if i]
    return min(intervals) if intervals else None


def _required_of(role: str, by_role) -> dict[int, int | None]:
    required = dict(by_role.get(ALL_ROLES, {}))
    for course_id, interval in by_role.get(role, {}).items():
        required[course_id] = _stricter(required[course_id], interval) if course_id in required else interval
    return required


def _cell(last_end: datetime | None, interval: int | None, booked: datetime | None, today: date) -> Cell:
    booked_on = timezone.localdate(booked) if booked else None
    if last_end is None:
        return Cell(Status.NEVER, booked=booked_on)
    attended = timezone.localdate(last_end)
    if interval is None:
        return Cell(Status.DONE, last_attended=attended, booked=booked_on)
    expires = add_months(attended, interval)
    if expires <= today:
        status = Status.OVERDUE
    elif expires <= today + timedelta(days=DUE_SOON_DAYS):
        status = Status.DUE_SOON
    else:
        status = Status.DONE
    return Cell(status, last_attended=attended, expires=expires, booked=booked_on)


def _last_day_expiring_by(limit: date, months: int) -> date:
    """The latest attendance date whose expiry (``add_months(day, months)``) falls on or before ``limit``.

    ``add_months`` never goes backwards as the day moves on, so "expires by ``limit``" is "attended
    on or before this day": a comparison the database can make without month arithmetic.
    """
    day = add_months(limit, -months)
    while add_months(day + timedelta(days=1), months) <= limit:
        day += timedelta(days=1)
    while add_months(day, months) > limit:
        day -= timedelta(days=1)
    return day


def _start_of_day_after(day: date) -> datetime:
    """Midnight (UK time) that ends ``day``: a session that ended before it was attended on or before ``day``."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


class Matrix:
    """An institution's matrix as of ``today``: its columns, and its people as a queryset.

    Each person's facts per column (the end of the latest attended session, the start of the next
    booked one) and status come from the database as annotations, so the page counts statuses,
    filters and pages in SQL and makes cells only for the rows it shows. ``_cell`` turns the
    same facts into the cell the page shows, and the database's status agrees with it
    (``_status_of`` compares the attendance with the days ``_last_day_expiring_by`` works out).
    """

    def __init__(self, institution, today: date):
        self.today = today
        needs = list(TrainingNeed.objects.filter(institution=institution).select_related("course"))
        by_role = _intervals_by_role(needs)
        columns_by_id: dict[int, Column] = {}
        for need in sorted(needs, key=lambda n: (n.course.title.lower(), n.course_id)):
            columns_by_id.setdefault(need.course_id, Column(need.course_id, need.course.title))
        self.columns = list(columns_by_id.values())
        # role -> {course id: interval}; a course missing from a role's plan is not required of it.
        self.required = {role: _required_of(role, by_role) for role in Role.values}
        self.by_role = by_role
        people = User.objects.filter(organisation=institution, is_active=True).order_by("last_name", "first_name", "pk")
        if not self.columns:
            people = people.none()
        # Only the statuses: each is one small subquery per person, and the facts behind them are
        # fetched (by ``values``) for the rows shown only.
        self.people = people.annotate(**{_status(column): self._status_of(column) for column in self.columns})

    # What the database works out

    def _last_attended(self, course_id):
        attended = Booking.objects.filter(
            attendee=OuterRef("pk"), status=BookingStatus.ATTENDED, session__course_id=course_id
        )
        return Subquery(
            attended.order_by().values("attendee").annotate(last_end=Max("session__ends_at")).values("last_end")
        )

    def _next_booked(self, course_id):
        start_of_today = datetime.combine(self.today, time.min, tzinfo=timezone.get_current_timezone())
        booked = Booking.objects.filter(
            attendee=OuterRef("pk"),
            status=BookingStatus.BOOKED,
            session__course_id=course_id,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gte=start_of_today,
        )
        return Subquery(
            booked.order_by().values("attendee").annotate(next_start=Min("session__starts_at")).values("next_start")
        )

    def _status_of(self, column):
        """The status of each person's cell in ``column``, as ``_cell`` decides it.

        Which interval applies depends on the person's role, so a CASE on the role picks one
        subquery; that subquery takes the latest attendance and compares it with the last days
        whose expiry is today or within ``DUE_SOON_DAYS`` (no attendance: "never").
        """
        by_interval: dict[int | None, list[str]] = {}
        for role in Role.values:
            if column.course_id in self.required[role]:
                by_interval.setdefault(self.required[role][column.course_id], []).append(role)
        cases = [
            When(role__in=roles, then=Coalesce(self._attended_status(column.course_id, interval), Value(Status.NEVER)))
            for interval, roles in by_interval.items()
        ]
        return Case(*cases, default=Value(Status.NOT_REQUIRED), output_field=CharField())

    def _attended_status(self, course_id, interval: int | None):
        """Done, due soon or overdue by the latest attendance of ``course_id``; NULL if never attended."""
        attended = Booking.objects.filter(
            attendee=OuterRef("pk"), status=BookingStatus.ATTENDED, session__course_id=course_id
        )
        latest = attended.order_by().values("attendee").annotate(last_end=Max("session__ends_at"))
        if interval is None:
            status = Value(Status.DONE)
        else:
            overdue_before = _start_of_day_after(_last_day_expiring_by(self.today, interval))
            soon = self.today + timedelta(days=DUE_SOON_DAYS)
            soon_before = _start_of_day_after(_last_day_expiring_by(soon, interval))
            status = Case(
                When(last_end__lt=overdue_before, then=Value(Status.OVERDUE)),
                When(last_end__lt=soon_before, then=Value(Status.DUE_SOON)),
                default=Value(Status.DONE),
                output_field=CharField(),
            )
        return Subquery(latest.annotate(status=status).values("status"), output_field=CharField())

    def with_status(self, people, status: str):
        """``people`` with at least one cell in ``status``."""
        anywhere = Q()
        for column in self.columns:
            anywhere |= Q(**{_status(column): status})
        return people.filter(anywhere) if self.columns else people

    def matching(self, people, text: str):
        """``people`` whose "first last username email" contains ``text`` (case aside)."""
        whole = Concat(
            "first_name", Value(" "), "last_name", Value(" "), "username", Value(" "), "email", output_field=CharField()
        )
        return people.annotate(search_text=whole).filter(search_text__icontains=text)

    def counted(self) -> list[Column]:
        """The columns with their counts of each status over everyone, in one query.

        The database counts the people with each combination of statuses (a GROUP BY, so each
        person's statuses are worked out once); the few combinations are added up per column.
        """
        if not self.columns:
            return []
        names = [_status(column) for column in self.columns]
        for column in self.columns:
            column.counts = Counter()
        for combination in self.people.order_by().values(*names).annotate(n=Count("pk")):
            for column, name in zip(self.columns, names, strict=True):
                column.counts[combination[name]] += combination["n"]
        for column in self.columns:
            column.counts.pop(Status.NOT_REQUIRED, None)
        return self.columns

    # What Python makes of the rows shown

    def values(self, people):
        """``people`` as the tuples ``rows`` takes: the person's fields, then each column's two facts
        (the end of the latest attended session, the start of the next booked one)."""
        facts = {}
        for column in self.columns:
            facts[_last(column)] = self._last_attended(column.course_id)
            facts[_next(column)] = self._next_booked(column.course_id)
        return people.annotate(**facts).values_list(*PERSON_FIELDS, *facts)

    def all_rows(self, people) -> list[Row]:
        """The rows of all ``people`` (the CSV export), their facts read in two grouped queries
        rather than two subqueries per person."""
        people = list(people.values_list(*PERSON_FIELDS))
        bookings = Booking.objects.filter(
            attendee__in=[person[0] for person in people], session__course_id__in=[c.course_id for c in self.columns]
        ).order_by()
        last = {
            (attendee_id, course_id): value
            for attendee_id, course_id, value in bookings.filter(status=BookingStatus.ATTENDED)
            .values("attendee_id", "session__course_id")
            .annotate(last_end=Max("session__ends_at"))
            .values_list("attendee_id", "session__course_id", "last_end")
        }
        start_of_today = datetime.combine(self.today, time.min, tzinfo=timezone.get_current_timezone())
        booked = bookings.filter(
            status=BookingStatus.BOOKED, session__status=SessionStatus.SCHEDULED, session__starts_at__gte=start_of_today
        )
        upcoming = {
            (attendee_id, course_id): value
            for attendee_id, course_id, value in booked.values("attendee_id", "session__course_id")
            .annotate(next_start=Min("session__starts_at"))
            .values_list("attendee_id", "session__course_id", "next_start")
        }
        values = []
        for person in people:
            facts = []
            for column in self.columns:
                key = (person[0], column.course_id)
                facts += [last.get(key), upcoming.get(key)]
            values.append((*person, *facts))
        return self.rows(values)

    def rows(self, values) -> list[Row]:
        """The rows of ``values`` (from ``values``), with the cells the page shows."""
        not_required = Cell(Status.NOT_REQUIRED)
        # Cells are immutable and most are alike ("never", nothing booked), so people with the
        # same facts share one, and rows of the same cells share their tuple (with 2,000 people
        # on one page, the garbage collector's full passes over distinct cells were its slowest requests).
        made: dict[tuple, Cell] = {}
        alike: dict[tuple, tuple] = {}
        plans = {}  # role -> [interval, or not_required], worked out once per role
        size = len(PERSON_FIELDS)
        rows = []
        for value in values:
            person, facts, role = value[:size], value[size:], value[size - 1]
            plan = plans.get(role)
            if plan is None:
                required = self.required.get(role) or _required_of(role, self.by_role)
                plan = plans[role] = [required.get(column.course_id, not_required) for column in self.columns]
            cells = []
            for index, interval in enumerate(plan):
                if interval is not_required:
                    cells.append(not_required)
                    continue
                key = (facts[2 * index], interval, facts[2 * index + 1])
                cell = made.get(key)
                if cell is None:
                    cell = made[key] = _cell(*key, self.today)
                cells.append(cell)
            cells = tuple(cells)
            rows.append(Row(person, alike.setdefault(cells, cells)))
        return rows


def _last(column) -> str:
    return f"last_end_{column.course_id}"


def _next(column) -> str:
    return f"next_start_{column.course_id}"


def _status(column) -> str:
    return f"status_{column.course_id}"


def compliance_matrix(institution, today: date) -> tuple[list[Row], list[Column]]:
    """Every active member of ``institution`` against the courses its needs require, as of ``today``.

    Three queries whatever the size of the institution: the needs, the people with their facts,
    and the counts of each status per course (in SQL). A course not required of a person's role
    is ``Not required`` in their row. The page uses ``Matrix`` itself, to make only the rows it shows.
    """
    matrix = Matrix(institution, today)
    if not matrix.columns:
        return [], []
    return matrix.rows(matrix.values(matrix.people)), matrix.counted()
