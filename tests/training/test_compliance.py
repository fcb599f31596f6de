"""Training needs and the compliance matrix: who must do which course, and who is up to date."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Role
from tests import factories
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404
from training import services
from training.compliance import Status, add_months, compliance_matrix
from training.models import Booking, BookingStatus, Course, Session, TrainingNeed

pytestmark = pytest.mark.django_db

NEEDS = reverse("training:needs")
COMPLIANCE = reverse("training:compliance")
CSV = reverse("training:compliance_csv")


def need(institution, course, role="all", every_months=None):
    return TrainingNeed.objects.create(institution=institution, course=course, role=role, every_months=every_months)


def new_session(course, partnership, days_ahead=7):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days_ahead)
    return Session.objects.create(
        course=course,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        venue="Library",
        capacity=500,
        offered_to=partnership,
    )


def attended(person, course, partnership, days_ago):
    """Book ``person`` on a new session, then move it ``days_ago`` into the past and mark them attended."""
    session = new_session(course, partnership)
    booking = services.book(session, person, by=person)
    ends = timezone.now() - timedelta(days=days_ago)
    Session.objects.filter(pk=session.pk).update(starts_at=ends - timedelta(hours=2), ends_at=ends)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.ATTENDED)
    return timezone.localdate(ends)


def cell_of(rows, columns, person, course):
    row = next(row for row in rows if row.user.pk == person.pk)
    return row.cells[[column.course_id for column in columns].index(course.pk)]


@pytest.fixture
def once_only(police_force):
    return Course.objects.create(provider=police_force, title="Drink spiking", refresher_months=None)


# The matrix


def test_attended_within_interval_is_done(university, staff_member, course, partnership):
    need(university, course, role="staff")
    on = attended(staff_member, course, partnership, days_ago=30)
    rows, columns = compliance_matrix(university, timezone.localdate())
    cell = cell_of(rows, columns, staff_member, course)
    assert (cell.status, cell.last_attended, cell.expires) == (Status.DONE, on, add_months(on, 24))
    assert cell.text == f"Done {on:%-d %b %Y}"


def test_training_expiring_within_60_days_is_due_soon(university, staff_member, course, partnership):
    need(university, course, role="staff")  # the course's 24 months
    attended(staff_member, course, partnership, days_ago=700)
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, staff_member, course).status == Status.DUE_SOON


def test_expired_training_is_overdue(university, staff_member, course, partnership):
    need(university, course, role="staff")
    attended(staff_member, course, partnership, days_ago=800)
    rows, columns = compliance_matrix(university, timezone.localdate())
    cell = cell_of(rows, columns, staff_member, course)
    assert cell.status == Status.OVERDUE
    assert cell.text.startswith("Overdue (expired ")


def test_need_interval_overrides_the_course_refresher(university, staff_member, course, partnership):
    need(university, course, role="staff", every_months=6)
    attended(staff_member, course, partnership, days_ago=200)
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, staff_member, course).status == Status.OVERDUE


def test_course_without_interval_is_done_for_good(university, staff_member, once_only, partnership):
    need(university, once_only, role="staff")
    attended(staff_member, once_only, partnership, days_ago=3000)
    rows, columns = compliance_matrix(university, timezone.localdate())
    cell = cell_of(rows, columns, staff_member, once_only)
    assert (cell.status, cell.expires) == (Status.DONE, None)


def test_never_attended_with_upcoming_booking_shows_booked(university, staff_member, course, session):
    need(university, course, role="staff")
    services.book(session, staff_member, by=staff_member)
    rows, columns = compliance_matrix(university, timezone.localdate())
    cell = cell_of(rows, columns, staff_member, course)
    assert (cell.status, cell.booked) == (Status.NEVER, timezone.localdate(session.starts_at))
    assert cell.text == f"Never; booked {timezone.localdate(session.starts_at):%-d %b %Y}"


def test_cancelled_or_waitlisted_booking_gives_no_booked_hint(university, staff_member, course, session):
    need(university, course, role="staff")
    booking = services.book(session, staff_member, by=staff_member)
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.WAITLISTED)
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, staff_member, course).booked is None


def test_latest_attendance_counts(university, staff_member, course, partnership):
    need(university, course, role="staff")
    attended(staff_member, course, partnership, days_ago=800)
    recent = attended(staff_member, course, partnership, days_ago=10)
    rows, columns = compliance_matrix(university, timezone.localdate())
    cell = cell_of(rows, columns, staff_member, course)
    assert (cell.status, cell.last_attended) == (Status.DONE, recent)


def test_summary_counts_each_status_per_course(university, staff_member, colleagues, course, partnership):
    need(university, course, role="staff")
    attended(colleagues[0], course, partnership, days_ago=800)
    attended(colleagues[1], course, partnership, days_ago=5)
    _, columns = compliance_matrix(university, timezone.localdate())
    assert dict(columns[0].summary) == {"Overdue": 1, "Due soon": 0, "Never": 4, "Done": 1}


# Roles


def test_staff_need_does_not_apply_to_liaison_officers(university, university_liaison, staff_member, course):
    need(university, course, role="staff")
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, staff_member, course).status == Status.NEVER
    assert cell_of(rows, columns, university_liaison, course).status == Status.NOT_REQUIRED


def test_liaison_need_applies_only_to_liaison_officers(university, university_liaison, staff_member, course):
    need(university, course, role="university_liaison")
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, university_liaison, course).status == Status.NEVER
    assert cell_of(rows, columns, staff_member, course).status == Status.NOT_REQUIRED


def test_need_for_all_applies_to_everyone_and_stricter_interval_wins(
    university, university_liaison, staff_member, course, partnership
):
    need(university, course, role="all")  # 24 months
    need(university, course, role="staff", every_months=3)
    attended(staff_member, course, partnership, days_ago=120)
    attended(university_liaison, course, partnership, days_ago=120)
    rows, columns = compliance_matrix(university, timezone.localdate())
    assert cell_of(rows, columns, staff_member, course).status == Status.OVERDUE
    assert cell_of(rows, columns, university_liaison, course).status == Status.DONE


def test_inactive_and_other_institutions_people_are_not_rows(university, staff_member, outsider, course):
    need(university, course)
    factories.UserFactory(organisation=university, is_active=False)
    rows, _ = compliance_matrix(university, timezone.localdate())
    assert [row.user for row in rows] == [staff_member]


def test_add_months_clamps_to_month_end():
    from datetime import date

    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 15), 14) == date(2026, 1, 15)


# The compliance page


def test_liaison_sees_own_institution_matrix(client, university, university_liaison, staff_member, course):
    need(university, course)
    client.force_login(university_liaison)
    response = client.get(COMPLIANCE)
    assert response.status_code == 200
    assert escape(staff_member.get_full_name()) in response.text
    assert '<th scope="col">Sexual assault awareness</th>' in response.text
    assert "Never" in response.text


def test_status_filter_shows_only_overdue_people(
    client, university, university_liaison, colleagues, course, partnership
):
    need(university, course, role="staff")
    late, fine = colleagues[0], colleagues[1]
    attended(late, course, partnership, days_ago=800)
    attended(fine, course, partnership, days_ago=5)
    client.force_login(university_liaison)
    rows = client.get(COMPLIANCE, {"status": "overdue"}).context["rows"]
    assert [row.user for row in rows] == [late]


def test_search_by_name(client, university, university_liaison, staff_member, colleagues, course):
    need(university, course)
    client.force_login(university_liaison)
    rows = client.get(COMPLIANCE, {"q": staff_member.username}).context["rows"]
    assert [row.user for row in rows] == [staff_member]


def test_matrix_is_paginated_by_25_people(client, university, university_liaison, course):
    need(university, course)
    factories.UserFactory.create_batch(30, organisation=university)
    client.force_login(university_liaison)
    response = client.get(COMPLIANCE)
    assert len(response.context["rows"]) == 25
    assert len(client.get(COMPLIANCE, {"page": 2}).context["rows"]) == 6


def test_staff_member_gets_403_on_compliance(client, staff_member):
    client.force_login(staff_member)
    assert client.get(COMPLIANCE).status_code == 403
    assert client.get(CSV).status_code == 403


def test_police_liaison_gets_403_on_compliance(client, police_liaison):
    client.force_login(police_liaison)
    assert client.get(COMPLIANCE).status_code == 403


def test_outsider_sees_only_their_own_empty_institution(client, outsider, staff_member, course):
    need(staff_member.organisation, course)
    client.force_login(outsider)
    response = client.get(COMPLIANCE)
    assert response.status_code == 200
    assert response.context["institution"] == outsider.organisation
    assert escape(staff_member.get_full_name()) not in response.text


def test_outsider_naming_another_institution_gets_404(client, outsider, university, course):
    need(university, course)
    assert_outsider_gets_404(client, f"{COMPLIANCE}?institution={university.pk}", outsider)
    assert_outsider_gets_404(client, f"{CSV}?institution={university.pk}", outsider)
    assert_outsider_gets_404(client, f"{NEEDS}?institution={university.pk}", outsider)


def test_administrator_chooses_the_institution(client, administrator, university, staff_member, course):
    need(university, course)
    client.force_login(administrator)
    assert client.get(COMPLIANCE).context["institution"] is None
    response = client.get(COMPLIANCE, {"institution": university.pk})
    assert escape(staff_member.get_full_name()) in response.text


def test_administrators_chooser_lists_every_institution_escaped_with_the_chosen_one_selected(
    client, administrator, university, police_force
):
    other = factories.OrganisationFactory(name='Aston <"Tech"> & Co')
    client.force_login(administrator)
    empty = client.get(COMPLIANCE).text
    assert '<option value="" selected>Choose an institution</option>' in empty
    text = client.get(COMPLIANCE, {"institution": other.pk}).text
    assert '<option value="">Choose an institution</option>' in text
    assert f'<option value="{other.pk}" selected>Aston &lt;&quot;Tech&quot;&gt; &amp; Co</option>' in text
    assert f'<option value="{university.pk}">{escape(university.name)}</option>' in text
    assert f'value="{police_force.pk}"' not in text
    assert text.index("Aston &lt;") < text.index(escape(university.name))  # in name order


def test_administrator_cannot_choose_a_police_force(client, administrator, police_force):
    client.force_login(administrator)
    assert client.get(COMPLIANCE, {"institution": police_force.pk}).status_code == 404
    assert client.get(COMPLIANCE, {"institution": "x"}).status_code == 404


def test_matrix_runs_three_queries(university, staff_member, course, once_only, django_assert_num_queries):
    """The needs, the people with their facts, and the counts of each status (counted in SQL)."""
    need(university, course)
    need(university, once_only, role="staff")
    with django_assert_num_queries(3):
        compliance_matrix(university, timezone.localdate())


def test_compliance_page_queries_do_not_grow_with_people(client, university, university_liaison, course, partnership):
    need(university, course, role="all")
    need(university, course, role="staff", every_months=12)
    past = new_session(course, partnership)
    upcoming = new_session(course, partnership, days_ahead=30)
    Session.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=400), ends_at=timezone.now() - timedelta(days=399)
    )
    client.force_login(university_liaison)

    def add_people():
        people = factories.UserFactory.create_batch(200, organisation=university)
        Booking.objects.bulk_create(
            [Booking(session=past, attendee=p, status=BookingStatus.ATTENDED) for p in people[:100]]
            + [Booking(session=upcoming, attendee=p, status=BookingStatus.BOOKED) for p in people[50:150]]
        )

    assert_fixed_queries(client, COMPLIANCE, add_people, budget=11)


# CSV export


def test_csv_lists_each_person_and_course(client, university, university_liaison, staff_member, course, partnership):
    need(university, course, role="staff")
    on = attended(staff_member, course, partnership, days_ago=30)
    client.force_login(university_liaison)
    response = client.get(CSV)
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert lines[0] == ["Name", "Username", "Email", "Role", "Sexual assault awareness"]
    by_user = {line[1]: line for line in lines[1:]}
    assert by_user[staff_member.username][4] == f"Done {on:%-d %b %Y}"
    assert by_user[university_liaison.username][4] == "Not required"


def test_csv_neutralises_formulas(client, university, university_liaison, police_force):
    evil = Course.objects.create(provider=police_force, title="=HYPERLINK(1)")
    need(university, evil)
    factories.UserFactory(organisation=university, first_name="@SUM(A1)", last_name="x", username="evil")
    client.force_login(university_liaison)
    lines = list(csv.reader(io.StringIO(b"".join(client.get(CSV).streaming_content).decode())))
    assert lines[0][4] == "'=HYPERLINK(1)"
    assert next(line for line in lines if line[1] == "evil")[:2] == ["'@SUM(A1) x", "evil"]


def test_csv_follows_the_status_filter(client, university, university_liaison, colleagues, course, partnership):
    need(university, course, role="staff")
    attended(colleagues[0], course, partnership, days_ago=800)
    client.force_login(university_liaison)
    lines = list(csv.reader(io.StringIO(b"".join(client.get(CSV, {"status": "overdue"}).streaming_content).decode())))
    assert [line[1] for line in lines[1:]] == [colleagues[0].username]


# Training needs


def test_liaison_adds_a_need(client, university, university_liaison, course, partnership):
    client.force_login(university_liaison)
    response = client.post(NEEDS, {"role": "staff", "course": course.pk, "every_months": 12})
    assert response.status_code == 302
    saved = TrainingNeed.objects.get()
    assert (saved.institution, saved.role, saved.every_months, saved.created_by) == (
        university,
        "staff",
        12,
        university_liaison,
    )


def test_duplicate_need_is_refused_with_a_clear_error(client, university, university_liaison, course, partnership):
    need(university, course, role="staff")
    client.force_login(university_liaison)
    response = client.post(NEEDS, {"role": "staff", "course": course.pk})
    assert response.status_code == 200
    assert "already required of staff members" in response.text
    assert TrainingNeed.objects.count() == 1


@pytest.mark.parametrize("months", [0, 121])
def test_need_interval_must_be_1_to_120_months(client, university_liaison, course, partnership, months):
    client.force_login(university_liaison)
    response = client.post(NEEDS, {"role": "all", "course": course.pk, "every_months": months})
    assert response.status_code == 200
    assert response.context["form"].errors["every_months"]
    assert not TrainingNeed.objects.exists()


def test_course_not_visible_to_the_user_cannot_be_required(client, university_liaison):
    hidden = Course.objects.create(provider=factories.PoliceForceFactory(), title="Elsewhere")
    client.force_login(university_liaison)
    response = client.post(NEEDS, {"role": "all", "course": hidden.pk})
    assert response.context["form"].errors["course"]


def test_liaison_deletes_a_need_after_confirming(client, university, university_liaison, course):
    rule = need(university, course)
    client.force_login(university_liaison)
    url = reverse("training:need_delete", args=[rule.pk])
    assert "Delete this training need?" in client.get(url).text
    assert TrainingNeed.objects.exists()
    assert client.post(url).status_code == 302
    assert not TrainingNeed.objects.exists()


def test_needs_list_shows_the_institutions_needs(client, university, university_liaison, course):
    need(university, course, role="staff", every_months=6)
    client.force_login(university_liaison)
    response = client.get(NEEDS)
    assert "Sexual assault awareness" in response.text
    assert "Every 6 months" in response.text


def test_staff_member_gets_403_on_needs(client, university, staff_member, course):
    rule = need(university, course)
    client.force_login(staff_member)
    assert client.get(NEEDS).status_code == 403
    assert client.post(NEEDS, {"role": "all", "course": course.pk}).status_code == 403
    assert client.post(reverse("training:need_delete", args=[rule.pk])).status_code == 403


def test_police_liaison_may_not_change_needs(client, police_liaison, course):
    client.force_login(police_liaison)
    assert client.get(NEEDS).status_code == 200
    assert client.post(NEEDS, {"role": "all", "course": course.pk}).status_code == 403


def test_outsider_gets_404_on_need_delete(client, outsider, university, course):
    rule = need(university, course)
    assert_outsider_gets_404(client, reverse("training:need_delete", args=[rule.pk]), outsider, method="post")
    assert TrainingNeed.objects.exists()


def test_administrator_adds_a_need_for_the_chosen_institution(client, administrator, university, course):
    client.force_login(administrator)
    response = client.post(f"{NEEDS}?institution={university.pk}", {"role": Role.STAFF, "course": course.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{NEEDS}?institution={university.pk}"
    assert TrainingNeed.objects.get().institution == university


def test_administrators_compliance_page_queries_do_not_grow_with_people(
    client, administrator, university, staff_member, course
):
    # With one person to start with: a page of nobody needs no query to fetch its rows.
    need(university, course)
    client.force_login(administrator)
    assert_fixed_queries(
        client,
        f"{COMPLIANCE}?institution={university.pk}",
        lambda: factories.UserFactory.create_batch(200, organisation=university),
        budget=11,
    )


@pytest.mark.parametrize(
    ("today", "every_months"),
    [("2025-03-31", 1), ("2024-02-29", 12), ("2025-10-26", 6), ("2025-05-31", 3)],
)
def test_the_database_gives_each_cell_the_status_python_gives_it(university, course, partnership, today, every_months):
    """Counts and the status filter come from SQL; the cells shown from Python. Around each edge
    (expiry today or in 60 days, month ends, UK midnight in summer and winter) they agree."""
    from datetime import date, datetime, time
    from zoneinfo import ZoneInfo

    from training.compliance import Matrix

    london = ZoneInfo("Europe/London")
    today = date.fromisoformat(today)
    need(university, course, role="all", every_months=every_months)
    ends = []
    for days_ago in range(max(0, 31 * every_months - 100), 31 * every_months + 70):
        day = today - timedelta(days=days_ago)
        ends += [datetime.combine(day, time(0, 10), tzinfo=london), datetime.combine(day, time(23, 50), tzinfo=london)]
    people = factories.UserFactory.create_batch(len(ends) + 1, organisation=university)  # the last never attended
    sessions = Session.objects.bulk_create(
        Session(course=course, starts_at=end - timedelta(hours=2), ends_at=end, venue="Hall", capacity=1)
        for end in ends
    )
    Booking.objects.bulk_create(
        Booking(session=s, attendee=p, status=BookingStatus.ATTENDED) for s, p in zip(sessions, people, strict=False)
    )
    matrix = Matrix(university, today)
    status = f"status_{course.pk}"
    in_sql = dict(matrix.people.values_list("pk", status))
    in_python = {row.person[0]: row.cells[0].status for row in matrix.rows(matrix.values(matrix.people))}
    assert in_sql == in_python
    assert {Status.OVERDUE, Status.DUE_SOON, Status.NEVER} <= set(in_sql.values())  # and done, unless 1 month
    counted = matrix.counted()[0].counts
    keys = (Status.OVERDUE, Status.DUE_SOON, Status.NEVER, Status.DONE)
    assert {key: counted[key] for key in keys} == {key: list(in_python.values()).count(key) for key in keys}


@pytest.fixture
def mixed_institution(university, university_liaison, course, once_only, partnership, police_force):
    """An institution whose people are in several roles, with needs of different intervals per
    role (a stricter one for staff, one done for good, one for liaison officers only), people who
    attended at every stage, bookings, an inactive person and an attendee from elsewhere."""
    refresher = Course.objects.create(provider=police_force, title="Refresher", refresher_months=12)
    need(university, course, role="all")  # 24 months
    need(university, course, role="staff", every_months=6)  # stricter for staff
    need(university, once_only, role="staff")  # done for good
    need(university, refresher, role="university_liaison")
    staff = factories.UserFactory.create_batch(8, organisation=university)
    liaisons = [university_liaison, *factories.UniversityLiaisonFactory.create_batch(3, organisation=university)]
    sponsor = factories.UserFactory(organisation=university, role=Role.SENIOR_SPONSOR)
    gone = factories.UserFactory(organisation=university, is_active=False)
    elsewhere = factories.UserFactory()
    for person, days_ago in zip(staff, (10, 170, 200, 700, 800), strict=False):
        attended(person, course, partnership, days_ago=days_ago)
    for person, days_ago in zip(liaisons, (10, 700, 800), strict=False):
        attended(person, course, partnership, days_ago=days_ago)
        attended(person, refresher, partnership, days_ago=days_ago - 5)
    attended(staff[5], once_only, partnership, days_ago=3000)
    attended(staff[6], refresher, partnership, days_ago=10)  # not required of staff
    past = new_session(course, partnership, days_ahead=-800)
    for person in (sponsor, gone, elsewhere):  # the last two are no row of the matrix
        Booking.objects.create(session=past, attendee=person, status=BookingStatus.ATTENDED)
    upcoming = new_session(course, partnership, days_ahead=20)
    for person in (staff[3], liaisons[3], sponsor):
        services.book(upcoming, person, by=person)
    return [*staff, *liaisons, sponsor]


def test_counts_and_status_filter_agree_with_each_persons_cells(university, mixed_institution):
    """The page counts from the columns' attendances and filters with a subquery per course;
    both agree with the cells worked out person by person (``compliance_matrix``)."""
    from training.compliance import STATUS_FILTERS, Matrix

    today = timezone.localdate()
    rows, _ = compliance_matrix(university, today)
    assert len(rows) == len(mixed_institution)
    matrix = Matrix(university, today)
    expected = {column.course_id: {key: 0 for key, _ in STATUS_FILTERS} for column in matrix.columns}
    for row in rows:
        for column, cell in zip(matrix.columns, row.cells, strict=True):
            if cell.required:
                expected[column.course_id][cell.status] += 1
    counted = {column.course_id: {key: column.counts[key] for key, _ in STATUS_FILTERS} for column in matrix.counted()}
    assert counted == expected
    assert matrix.total == len(mixed_institution)
    for status, _ in STATUS_FILTERS:
        having = {row.person[0] for row in rows if any(cell.status == status for cell in row.cells)}
        assert set(matrix.with_status(matrix.listed, status).values_list("pk", flat=True)) == having, status
        annotated = matrix.people.filter(
            Q(*(Q(**{f"status_{column.course_id}": status}) for column in matrix.columns), _connector=Q.OR)
        )
        assert set(annotated.values_list("pk", flat=True)) == having, status
    assert {Status.OVERDUE, Status.DUE_SOON, Status.NEVER, Status.DONE} <= {
        cell.status for row in rows for cell in row.cells
    }


def test_a_page_of_the_listing_has_the_cells_of_each_persons_facts(university, mixed_institution):
    """The page reads its people's facts in one grouped query; the cells equal those of the
    subqueries per person (``Matrix.values``), page after page, filtered or not."""
    from training.compliance import Matrix

    today = timezone.localdate()
    matrix = Matrix(university, today)
    matrix.counted()
    for people in (matrix.listed, matrix.with_status(matrix.listed, Status.OVERDUE)):
        listing = matrix.listing(people)
        assert listing.count() == people.count()
        paged = [row for start in range(0, listing.count(), 4) for row in matrix.rows(listing[start : start + 4])]
        one_by_one = matrix.rows(matrix.values(people))
        assert [(row.person, row.cells) for row in paged] == [(row.person, row.cells) for row in one_by_one]
    assert any(cell.booked for row in matrix.rows(matrix.listing(matrix.listed)[0:100]) for cell in row.cells)


def test_the_unfiltered_page_counts_its_people_once(client, university, university_liaison, staff_member, course):
    """The number of people comes with the summary's counts, read from the count kept as people
    change (accounts/tallies.py) rather than counted; a filtered page counts its matches."""
    need(university, course)
    client.force_login(university_liaison)
    with CaptureQueriesContext(connection) as unfiltered:
        assert client.get(COMPLIANCE).context["paginator"].count == 2
    with CaptureQueriesContext(connection) as filtered:
        assert client.get(COMPLIANCE, {"status": "never"}).context["paginator"].count == 2
    counts = [
        sum("COUNT(" in query["sql"] and "accounts_user" in query["sql"] for query in run)
        for run in (unfiltered.captured_queries, filtered.captured_queries)
    ]
    assert counts == [0, 1]
    assert sum("core_tally" in query["sql"] for query in unfiltered.captured_queries) == 1
