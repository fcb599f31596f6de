"""Who at an institution has done the training its needs require, and who must do it again.

An institution's ``TrainingNeed`` rows say "people in this role need this course, and again
every N months" (N from the need, else the course's refresher interval; none means done for
good). ``compliance_matrix`` turns them into one row per active member and one column per
required course, in a fixed number of queries however many people there are: the needs, the
people, the latest attended session per (person, course) and the next booked one.

Who may see or change this is decided here too, in small named predicates: the page is an
institution's own business, so only its university liaison officers (and administrators) see
it, and only they change its needs.
"""

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import User

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

    @property
    def search_text(self) -> str:
        """Name, username and email, case-folded, for the page's search box."""
        _, first_name, last_name, username, email, _ = self.person
        return f"{first_name} {last_name} {username} {email}".casefold()

    @property
    def statuses(self) -> set[str]:
        return {cell.status for cell in self.cells}


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


def compliance_matrix(institution, today: date) -> tuple[list[Row], list[Column]]:
    """Every active member of ``institution`` against the courses its needs require, as of ``today``.

    Four queries whatever the size of the institution. Columns carry per-course counts of each
    status; a course not required of a person's role is ``Not required`` in their row.
    """
    needs = list(TrainingNeed.objects.filter(institution=institution).select_related("course"))
    by_role = _intervals_by_role(needs)
    columns_by_id: dict[int, Column] = {}
    for need in sorted(needs, key=lambda n: (n.course.title.lower(), n.course_id)):
        columns_by_id.setdefault(need.course_id, Column(need.course_id, need.course.title))
    columns = list(columns_by_id.values())
    if not columns:
        return [], []
    people = list(
        User.objects.filter(organisation=institution, is_active=True)
        .order_by("last_name", "first_name", "pk")
        .values_list(*PERSON_FIELDS)
    )
    bookings = Booking.objects.filter(
        attendee__organisation=institution, attendee__is_active=True, session__course_id__in=columns_by_id
    ).order_by()
    last_attended = {
        (b["attendee_id"], b["session__course_id"]): b["last_end"]
        for b in bookings.filter(status=BookingStatus.ATTENDED)
        .values("attendee_id", "session__course_id")
        .annotate(last_end=Max("session__ends_at"))
    }
    start_of_today = datetime.combine(today, time.min, tzinfo=timezone.get_current_timezone())
    next_booked = {
        (b["attendee_id"], b["session__course_id"]): b["next_start"]
        for b in bookings.filter(
            status=BookingStatus.BOOKED,
            session__status=SessionStatus.SCHEDULED,
            session__starts_at__gte=start_of_today,
        )
        .values("attendee_id", "session__course_id")
        .annotate(next_start=Min("session__starts_at"))
    }
    not_required = Cell(Status.NOT_REQUIRED)
    # Cells are immutable and most are alike ("never", nothing booked), so people with the same
    # facts share one, and rows of the same cells share their tuple: 2,000 people made 7,840
    # cells a request, and the garbage collector's full passes they set off were the page's
    # slowest requests.
    made: dict[tuple, Cell] = {}
    alike: dict[tuple, tuple] = {}  # and so do rows of the same cells
    plans = {}  # role -> [(column, interval) or (column, NOT_REQUIRED)], worked out once per role
    rows = []
    for person in people:
        person_id, role = person[0], person[-1]
        plan = plans.get(role)
        if plan is None:
            required = _required_of(role, by_role)
            plan = plans[role] = [(column, required.get(column.course_id, not_required)) for column in columns]
        cells = []
        for column, interval in plan:
            if interval is not_required:
                cells.append(not_required)
                continue
            key = (person_id, column.course_id)
            facts = (last_attended.get(key), interval, next_booked.get(key))
            cell = made.get(facts)
            if cell is None:
                cell = made[facts] = _cell(*facts, today)
            column.counts[cell.status] += 1
            cells.append(cell)
        cells = tuple(cells)
        rows.append(Row(person, alike.setdefault(cells, cells)))
    return rows, columns
