"""Who at an institution has done the training its needs require, and who must do it again.

An institution's ``TrainingNeed`` rows say "people in this role need this course, and again
every N months" (N from the need, else the course's refresher interval; none means done for
good). ``compliance_matrix`` turns them into one row per active member and one column per
required course, in a fixed number of queries however many people there are. The page's
counts read the number of people per role and the latest attendance of each attendee of the
required courses, and the status filter compares people with those attendances, so their work
grows with the attendances rather than with people times courses; the database filters and
pages the people, and Python makes the cells of the rows shown.

Who may see or change this is decided here too, in small named predicates: the page is an
institution's own business, so only its university liaison officers (and administrators) see
it, and only they change its needs.
"""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import Role, User
from accounts.tallies import ACTIVE_PEOPLE_BY_ORGANISATION
from core import tally

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

    The page counts statuses, filters and pages in SQL and makes cells only for the rows it
    shows. The counts and the status filter read the attendances of the columns' courses once
    for the whole institution (``counted``, ``with_status``): their work grows with those
    attendances, not with a subquery per person and column. The rows shown get each column's
    facts (the end of the latest attended session, the start of the next booked one) as
    subqueries (``values``), and ``_cell`` turns them into the cells. Every route gives a status
    by the same rule: the attendance compared with the last days ``_last_day_expiring_by``
    works out (``_thresholds``); ``people`` has the same status per person as annotations.
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
        self.institution = institution
        self.everyone = User.objects.filter(organisation=institution, is_active=True)
        if not self.columns:
            self.everyone = self.everyone.none()
        self.total: int | None = None  # the number of people, once ``counted`` has counted them
        self._thresholds_of: dict[int, tuple[datetime, datetime]] = {}
        # The people in the page's order; ``with_status`` and ``matching`` narrow them, ``values``
        # fetches the facts of the rows shown.
        self.listed = self.everyone.order_by("last_name", "first_name", "pk")

    @cached_property
    def people(self):
        """``listed`` with each column's status as an annotation (``_status_of``): a subquery per
        person and column, so the page does not use it; the tests compare ``counted`` and
        ``with_status`` with it."""
        return self.listed.annotate(**{_status(column): self._status_of(column) for column in self.columns})

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

    def _roles_by_interval(self, column) -> dict[int | None, list[str]]:
        """The roles that ``column``'s course is required of, by the interval that applies to them."""
        by_interval: dict[int | None, list[str]] = {}
        for role in Role.values:
            if column.course_id in self.required[role]:
                by_interval.setdefault(self.required[role][column.course_id], []).append(role)
        return by_interval

    def _thresholds(self, interval: int) -> tuple[datetime, datetime]:
        """Attendance that ended before the first is overdue, before the second due soon (``_cell``'s rules)."""
        if interval not in self._thresholds_of:
            soon = self.today + timedelta(days=DUE_SOON_DAYS)
            self._thresholds_of[interval] = (
                _start_of_day_after(_last_day_expiring_by(self.today, interval)),
                _start_of_day_after(_last_day_expiring_by(soon, interval)),
            )
        return self._thresholds_of[interval]

    def _status_of(self, column):
        """The status of each person's cell in ``column``, as ``_cell`` decides it.

        Which interval applies depends on the person's role, so a CASE on the role picks one
        subquery; that subquery takes the latest attendance and compares it with the last days
        whose expiry is today or within ``DUE_SOON_DAYS`` (no attendance: "never"). A subquery per
        person: the page counts and filters with ``counted`` and ``with_status`` instead, which
        read only the attendances of the columns' courses; this is what the tests compare them with.
        """
        cases = [
            When(role__in=roles, then=Coalesce(self._attended_status(column.course_id, interval), Value(Status.NEVER)))
            for interval, roles in self._roles_by_interval(column).items()
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
            overdue_before, soon_before = self._thresholds(interval)
            status = Case(
                When(last_end__lt=overdue_before, then=Value(Status.OVERDUE)),
                When(last_end__lt=soon_before, then=Value(Status.DUE_SOON)),
                default=Value(Status.DONE),
                output_field=CharField(),
            )
        return Subquery(latest.annotate(status=status).values("status"), output_field=CharField())

    def _attendees(self, course_id, interval: int | None = None, status: str | None = None):
        """The ids of everyone whose latest attendance of ``course_id`` gives ``status`` under
        ``interval`` (any status if None): one grouped query of that course's attendances, which
        the database runs once for the whole list rather than once per person."""
        latest = (
            Booking.objects.filter(status=BookingStatus.ATTENDED, session__course_id=course_id)
            .order_by()
            .values("attendee_id")
            .annotate(last_end=Max("session__ends_at"))
        )
        if status is not None and interval is not None:
            overdue_before, soon_before = self._thresholds(interval)
            latest = {
                Status.OVERDUE: latest.filter(last_end__lt=overdue_before),
                Status.DUE_SOON: latest.filter(last_end__gte=overdue_before, last_end__lt=soon_before),
                Status.DONE: latest.filter(last_end__gte=soon_before),
            }[status]
        return latest.values("attendee_id")

    def with_status(self, people, status: str):
        """``people`` with at least one cell in ``status``.

        For each column and the roles it is required of: "never" is not among the course's
        attendees, the others are among those whose latest attendance gives that status. Each
        is a subquery of one course's attendances that does not depend on the person, so the
        database works it out once and looks each person up in it.
        """
        anywhere = Q()
        for column in self.columns:
            by_interval = self._roles_by_interval(column)
            if status == Status.NEVER:
                roles = [role for roles in by_interval.values() for role in roles]
                anywhere |= Q(role__in=roles) & ~Q(pk__in=self._attendees(column.course_id))
                continue
            for interval, roles in by_interval.items():
                if interval is None and status != Status.DONE:
                    continue  # done for good once attended
                anywhere |= Q(role__in=roles, pk__in=self._attendees(column.course_id, interval, status))
        if not self.columns:
            return people
        return people.filter(anywhere) if anywhere else people.none()

    def matching(self, people, text: str):
        """``people`` whose "first last username email" contains ``text`` (case aside)."""
        whole = Concat(
            "first_name", Value(" "), "last_name", Value(" "), "username", Value(" "), "email", output_field=CharField()
        )
        return people.annotate(search_text=whole).filter(search_text__icontains=text)

    def counted(self) -> list[Column]:
        """The columns with their counts of each status over everyone, in one query.

        The query reads the number of people in each role (kept as people change, not counted:
        accounts/tallies.py), and the latest attendance of each person who attended a column's
        course (a few rows per attendee, however many people never did); Python gives each
        attendance its status by the person's role (``_thresholds``, the rules of ``_status_of``)
        and counts "never" as the rest of the roles required.
        """
        if not self.columns:
            return []
        course_ids = [column.course_id for column in self.columns]
        no_course, no_end = Value(None, output_field=IntegerField()), Value(None, output_field=DateTimeField())
        # ``everyone`` counted by role: the count kept as people change (accounts/tallies.py).
        by_role = (
            tally.counts_query(ACTIVE_PEOPLE_BY_ORGANISATION, self.institution.pk)
            .annotate(course_id=no_course, last_end=no_end)
            .values_list("value", "course_id", "last_end", "n")
        )
        attended = (
            Booking.objects.filter(
                status=BookingStatus.ATTENDED,
                session__course_id__in=course_ids,
                # ``everyone`` through the one join that reads the role (``attendee__in`` joined twice).
                attendee__organisation=self.institution,
                attendee__is_active=True,
            )
            .order_by()
            .values("attendee_id", "attendee__role", "session__course_id")
            .annotate(last_end=Max("session__ends_at"), n=Value(1, output_field=IntegerField()))
            .values_list("attendee__role", "session__course_id", "last_end", "n")
        )
        people_in_role: Counter = Counter()
        attendees: Counter = Counter()  # (course id, role) -> people who attended it
        columns = {column.course_id: column for column in self.columns}
        for column in self.columns:
            column.counts = Counter()
        for role, course_id, last_end, n in by_role.union(attended, all=True):
            if course_id is None:
                people_in_role[role] += n
                continue
            required = self.required.get(role) or _required_of(role, self.by_role)
            if course_id not in required:
                continue  # not required of this role: "not required" is not counted
            attendees[course_id, role] += 1
            columns[course_id].counts[self._attended_status_of(last_end, required[course_id])] += 1
        for role, n in people_in_role.items():
            required = self.required.get(role) or _required_of(role, self.by_role)
            for course_id in required:
                columns[course_id].counts[Status.NEVER] += n - attendees[course_id, role]
        self.total = sum(people_in_role.values())
        return self.columns

    def _attended_status_of(self, last_end: datetime, interval: int | None) -> str:
        """What ``_attended_status`` says of an attendance that ended at ``last_end``."""
        if interval is None:
            return Status.DONE
        overdue_before, soon_before = self._thresholds(interval)
        if last_end < overdue_before:
            return Status.OVERDUE
        return Status.DUE_SOON if last_end < soon_before else Status.DONE

    # What Python makes of the rows shown

    def values(self, people):
        """``people`` as the tuples ``rows`` takes: the person's fields, then each column's two facts
        (the end of the latest attended session, the start of the next booked one), as two
        subqueries per person and column (``compliance_matrix``; the page uses ``listing``)."""
        facts = {}
        for column in self.columns:
            facts[_last(column)] = self._last_attended(column.course_id)
            facts[_next(column)] = self._next_booked(column.course_id)
        return people.annotate(**facts).values_list(*PERSON_FIELDS, *facts)

    def listing(self, people) -> "Listing":
        """``people`` for the page's paginator: a page is read as the tuples ``rows`` takes."""
        return Listing(self, people, self.total if people is self.listed else None)

    def with_facts(self, people: list[tuple]) -> list[tuple]:
        """``people`` (tuples of ``PERSON_FIELDS``), each followed by the two facts of each column
        (as ``values`` gives them), read in one grouped query of these people's bookings."""
        if not people:
            return []
        start_of_today = datetime.combine(self.today, time.min, tzinfo=timezone.get_current_timezone())
        attended = Q(status=BookingStatus.ATTENDED)
        booked = Q(
            status=BookingStatus.BOOKED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gte=start_of_today,
        )
        bookings = (
            Booking.objects.filter(
                attended | booked,
                attendee__in=[person[0] for person in people],
                session__course_id__in=[column.course_id for column in self.columns],
            )
            .order_by()
            .values("attendee_id", "session__course_id")
            .annotate(
                last_end=Max("session__ends_at", filter=attended),
                next_start=Min("session__starts_at", filter=booked),
            )
            .values_list("attendee_id", "session__course_id", "last_end", "next_start")
        )
        facts = {(attendee_id, course_id): pair for attendee_id, course_id, *pair in bookings}
        none = (None, None)
        return [
            (*person, *(fact for column in self.columns for fact in facts.get((person[0], column.course_id), none)))
            for person in people
        ]

    def all_rows(self, people) -> list[Row]:
        """The rows of all ``people`` (the CSV export), their facts read in one grouped query
        rather than two subqueries per person."""
        return self.rows(self.with_facts(list(people.values_list(*PERSON_FIELDS))))

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


class Listing:
    """The people of the page, as its paginator takes them: their number (known already when
    ``counted`` has counted everyone, so the unfiltered page does not count them again), and a
    page of them as the tuples ``Matrix.rows`` takes, the facts read for that page's people only."""

    def __init__(self, matrix: Matrix, people, count: int | None = None):
        self.matrix, self.people, self.number = matrix, people, count

    def count(self) -> int:
        if self.number is None:
            self.number = self.people.count()
        return self.number

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[tuple]:
        return self.matrix.with_facts(list(self.people[key].values_list(*PERSON_FIELDS)))


def _last(column) -> str:
    return f"last_end_{column.course_id}"


def _next(column) -> str:
    return f"next_start_{column.course_id}"


def _status(column) -> str:
    return f"status_{column.course_id}"


def compliance_matrix(institution, today: date) -> tuple[list[Row], list[Column]]:
    """Every active member of ``institution`` against the courses its needs require, as of ``today``.

    Three queries whatever the size of the institution: the needs, the people with their facts
    (subqueries per person), and the counts of each status per course (``Matrix.counted``). A
    course not required of a person's role is ``Not required`` in their row. The page uses
    ``Matrix`` itself, to make only the rows it shows.
    """
    matrix = Matrix(institution, today)
    if not matrix.columns:
        return [], []
    return matrix.rows(matrix.values(matrix.listed)), matrix.counted()
