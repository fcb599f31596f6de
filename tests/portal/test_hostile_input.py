"""Hostile input to every form of the portal: a form error or a success, never a 500.

Hypothesis mixes hostile values (very long strings, control characters, HTML, SQL fragments,
wrong types, impossible dates, emoji, several values for one field, missing fields) into
otherwise valid data for each form and posts it, in both encodings a browser may use. Every
answer must be a form error (200 with the form's errors, or 400) or a success (302; a 200
for the two-factor set-up, which shows the recovery codes), and the page a success redirects
to must still render. Whatever was posted must come back escaped: no response may contain
the payloads' markup as markup. Besides the random examples, every form always gets a few
sharp ones (see ``explicit_examples``): "²" everywhere, NUL everywhere, the first and last
representable dates, and each text field at the longest length its form accepts.

An input that a known bug turns into a 500 is left out of a form's strategy by its ``avoid``
predicate, whose docstring starts with BUG and names the bug; delete the predicate once the
bug is fixed, and the test checks the fix.

``FORMS`` is the table of forms: the URL name, how its arguments come from the fixtures, who
posts, the valid base data and the fields (with their kind, which picks the hostile values
tried). ``SEARCHES`` does the same for the GET forms (search boxes and filters).
``NOT_FORMS`` names every other URL of the portal and why it takes no form input; a test
walks the URL conf so that a new view must be placed in one of them.

Deliberately not covered:

* The Django admin (``/admin/``). Its forms are Django's own ModelForms for administrators,
  over the same model fields fuzzed here through the portal's forms.
* Confirmation buttons that post no fields (deleting a unit, contact, engagement or training
  need; submitting or revising an agreement; resolving a thread; accepting a proposed wording; a new template version;
  marking notifications read; new recovery codes; turning two-factor off; logging out): they
  read nothing from the request body.

Each example runs in a savepoint that is rolled back, so examples do not see each other's
data, and a database error in one cannot break the next. The examples are derandomized so CI
always runs the same ones.
"""

import contextlib
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import TOTP
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from accounts import services as account_services
from accounts import two_factor
from accounts.models import Role
from agreements.models import AgreementStatus
from notifications.kinds import GROUPS
from partnerships.filters import SORTS
from partnerships.models import (
    ActionStatus,
    AgencyInvitation,
    Commitment,
    CommitmentKind,
    EngagementKind,
    FocusArea,
    LawfulBasis,
    OrganisationKind,
    Outcome,
    PartnershipStatus,
    Region,
    ShareCategory,
)
from people import services as people_services
from people.models import Invitation, hash_token
from tests import factories
from tests.factories import PASSWORD
from tests.helpers import second_factor_device
from training import services as training_services
from training.compliance import STATUS_FILTERS
from training.filters import Availability
from training.models import BookingStatus, CalendarFeed, Course, Session, TrainingNeed

pytestmark = pytest.mark.django_db

# --- Hostile values ----------------------------------------------------------------------------

PAYLOAD = '<script>alert("x")</script>'
# Markup only the payloads below contain: a response holding any of them shows input unescaped.
MARKERS = ("<script>alert(", "<img src=x onerror=", "<svg onload=")
NUL = "ab\x00cd"

LONG = ["x" * 10_001, "é" * 10_000, "<script>alert(1)</script>" * 400, "🚓" * 5_000]
BOUNDARY = ["y" * 101, "y" * 150, "y" * 200, "y" * 201, "y" * 256, "y" * 301, "y" * 501, "y" * 2001, "y" * 5001]
CONTROL = [
    "\x00",
    NUL,
    "\x1b[31mred\x1b[0m",
    "\u202eexe.txt\u202c",
    "\x7f\x08\x07",
    "\r\n\r\n",
    "line one\rline two",
    "\t",
    "\ufeff",
    "\u200b\u200d",
    "\x0b\x0c\x1c",
    "\x85\u2028\u2029",
]
HTML = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "javascript:alert(1)",
    "{{ request }}{% csrf_token %}",
    "{institution} {police_force} {unknown_placeholder}",
    "{0} {__class__} %s %(name)s",
    "&amp; &lt;b&gt; &#x3C;",
    "<!--",
]
SQL = ["'; DROP TABLE x; --", "' OR '1'='1", '" OR 1=1 --', "%", "_", "\\", "%%'\\\"", "1; SELECT pg_sleep(1)"]
EMOJI = ["🚓👮‍♀️🎓", "𝕳𝖊𝖑𝖑𝖔", "Z̴̡͔a̵l̶g̷o̶", "👨‍👩‍👧‍👦" * 50, "مرحبا بالعالم", "日本語のテキスト", "\U0010fffd"]
BLANK = ["", " ", "   ", "\t\n", "\u00a0", "\u3000"]
NUMBERS = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1e10",
    "NaN",
    "inf",
    "-inf",
    "32768",
    "65536",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999",
    "0x10",
    "1_000",
    "²",
    "¹²",
    "٣",
    "３",
    " 7 ",
    "+1",
    "--1",
    "1" * 5_000,
]
DATES = [
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "-1",
    "0000-00-00",
    "10000-01-01",
    "2026-13-01",
    "31/12/2026",
    "12/31/2026",
    "2028-02-29",
    "2027-02-29",
    "1900-01-01",
    "today",
    "1970-01-01T00:00:00",
]
DATETIMES = [
    "9999-12-31T23:59",
    "9999-12-31T23:59:59.999999",
    "0001-01-01T00:00",
    "2027-03-28T01:30",  # does not exist in London: the clocks go forward
    "2027-10-31T01:30",  # happens twice in London: the clocks go back
    "2099-01-01T25:00",
    "2099-01-01T12:00:60",
    "2099-01-01 12:00",
    "2099-01-01",
    "2099-06-01T12:00+05:00",
    "-1",
]
CHOICES = ["1", "999", "None", "null", "true", "on", "0", "-1", "__all__", "ACTIVE", "active ", "ended"]
IDS = ["0", "-1", "999999", "9223372036854775807", "9223372036854775808", "1 OR 1=1", "1.0", "²", "abc", "[]"]
BOOLS = ["on", "off", "true", "false", "0", "1", "False", "no", "yes"]
EMAILS = [
    "a@b",
    "@",
    "a@" + "b" * 300 + ".com",
    "x@[127.0.0.1]",
    '"quoted"@example.org',
    "ä@ü.de",
    "a@b..c",
    "<script>@x.org",
    "a@b.c\n",
    "a@b.c,b@c.d",
]
URLS = [
    "javascript:alert(1)",
    "http://",
    "https://" + "a" * 300 + ".com",
    "ftp://example.org",
    "http://[::1]",
    "http://a b",
    "//evil.example",
    "http://例え.jp",
    "data:text/html,<script>alert(1)</script>",
    "https://evil.example/",
    "/",
    "/admin/",
    '/"><script>alert(1)</script>',
    "/<img src=x onerror=alert(1)>",
]
GENERIC = LONG + BOUNDARY + CONTROL + HTML + SQL + EMOJI + BLANK + NUMBERS[:5] + DATES[:4]

# Any text the test client can send (it encodes as UTF-8, so no lone surrogates).
RANDOM_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


@dataclass(frozen=True)
class Kind:
    """What a field holds, which picks the hostile values tried; ``valid`` are other good values."""

    name: str
    valid: tuple[str, ...] = ()
    in_form: bool = True  # False: a request parameter the view reads itself, not a field of the form


POOLS = {
    "text": GENERIC,
    "password": GENERIC,
    "email": EMAILS + GENERIC[:8],
    "url": URLS,
    "int": NUMBERS,
    "date": DATES,
    "datetime": DATETIMES,
    "choice": CHOICES,
    "fk": IDS,
    "multi": IDS,
    "bool": BOOLS,
    "param": URLS + NUMBERS + CHOICES,
}

NUL_KINDS = {"text", "password", "email", "url"}  # kinds Django's forms refuse NUL in

TEXT, PASSWORD_FIELD, EMAIL, URL, INT = Kind("text"), Kind("password"), Kind("email"), Kind("url"), Kind("int")
DATE, DATETIME, BOOL = Kind("date"), Kind("datetime"), Kind("bool")


def choice(*valid) -> Kind:
    return Kind("choice", tuple(str(value) for value in valid))


def fk(*pks) -> Kind:
    return Kind("fk", tuple(str(pk) for pk in pks if pk is not None))


def multi(*pks) -> Kind:
    return Kind("multi", tuple(str(pk) for pk in pks if pk is not None))


def param(*valid) -> Kind:
    return Kind("param", tuple(str(value) for value in valid), in_form=False)


DROP = object()  # leave the field out of the request


@lru_cache
def values_for(kind: Kind):
    """One hostile value for a field: its kind's pool, any pool, random text, several values, or none."""
    pool = POOLS[kind.name]
    options = [st.sampled_from(pool), st.sampled_from(GENERIC), RANDOM_TEXT, st.integers().map(str)]
    if kind.valid:
        options.append(st.sampled_from(kind.valid))
    options.append(st.lists(st.sampled_from(pool + list(kind.valid) + HTML), max_size=3))
    options.append(st.just(DROP))
    return st.one_of(options)


class Submission:
    """What one example sends. Its repr shortens long values, so a failure report stays readable."""

    def __init__(self, data: dict, query: dict, encoding: str):
        self.data, self.query = data, query
        self.encoding = encoding  # "multipart" (the test client's default) or "urlencoded" (a browser's)

    def __repr__(self):
        def short(value):
            text = repr(value)
            return text if len(text) < 120 else f"{text[:50]}...<{len(text)} characters>...{text[-20:]}"

        def mapping(values):
            return "{" + ", ".join(f"{name!r}: {short(value)}" for name, value in values.items()) + "}"

        return f"Submission(data={mapping(self.data)}, query={mapping(self.query)}, encoding={self.encoding!r})"


def _mix(draw, base: dict, fields: dict[str, Kind]) -> dict:
    data = dict(base)
    if not fields:
        return data
    for name in draw(st.lists(st.sampled_from(sorted(fields)), unique=True)):
        value = draw(values_for(fields[name]))
        if value is DROP:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@st.composite
def submissions(draw, base, fields, base_query, query_fields):
    return Submission(
        data=_mix(draw, base, fields),
        query=_mix(draw, base_query, query_fields),
        encoding=draw(st.sampled_from(["multipart", "urlencoded"])),
    )


# --- The table of forms ------------------------------------------------------------------------


POST_OK = frozenset({200, 302, 400})


@dataclass(frozen=True)
class FormCase:
    """One form: where it is, who may post it, valid data for it and its fields.

    The callables take the lazily built fixtures (``f.partnership`` and so on).
    """

    name: str
    url_name: str
    persona: str | None  # fixture name of the user who posts; None posts anonymously
    kwargs: Any = None  # f -> URL kwargs
    base: Any = None  # f -> valid data
    fields: Any = None  # f -> {field name: Kind}
    query: Any = None  # f -> valid query parameters
    query_fields: Any = None  # f -> {query parameter: Kind}
    method: str = "post"
    ok: frozenset = POST_OK  # acceptable answers to hostile input
    success: int = 302  # the answer to the base data
    form_context: str | None = "form"  # context name of the re-rendered form; None if none
    follow_ok: frozenset = frozenset({200})  # acceptable answers from the page a success redirects to
    needs: tuple = ()  # fixtures to build before the first request
    examples: int = 12
    avoid: Any = None  # Submission -> True for an input a known bug (named where set) makes fail
    start: Any = None  # (client, url) -> the URL to post to, after a first request


def _contacts(f):
    return f.partnership.institution_contact_id, f.partnership.police_contact_id


def _local(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _today(days=0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _session_data(f) -> dict:
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=30)
    return {
        "course": f.course.pk,
        "starts_at": _local(starts),
        "ends_at": _local(starts + timedelta(hours=3)),
        "venue": "Senate House, Room 4",
        "online_url": "https://teams.example.org/meet/123",
        "capacity": "12",
        "trainers": "DS Ruth Adeyemi",
        "offered_to": f.partnership.pk,
    }


def _session_fields(f) -> dict:
    return {
        "course": fk(f.course.pk),
        "starts_at": DATETIME,
        "ends_at": DATETIME,
        "venue": TEXT,
        "online_url": URL,
        "capacity": INT,
        "trainers": TEXT,
        "offered_to": fk(f.partnership.pk, ""),
    }


def _course_fields(f, admin=False) -> dict:
    fields = {
        "provider_unit": fk(f.unit.pk, ""),
        "title": TEXT,
        "description": TEXT,
        "audience": TEXT,
        "topics": TEXT,
        "duration_minutes": INT,
        "refresher_months": INT,
    }
    if admin:
        fields["provider"] = fk(f.police_force.pk)
    return fields


def _course_data(f, title="Stalking awareness") -> dict:
    return {
        "provider_unit": f.unit.pk,
        "title": title,
        "description": "Spotting the signs.",
        "audience": "Student support staff",
        "topics": "Patterns of behaviour\nReporting",
        "duration_minutes": "90",
        "refresher_months": "12",
    }


AGREEMENT_DETAILS = {
    "title": TEXT,
    "area_covered": TEXT,
    "meeting_months": INT,
    "statistics_months": INT,
    "training_months": INT,
    "effective_date": DATE,
    "term_months": INT,
    "review_months": INT,
    "notice_months": INT,
}


def _agreement_fields(f, create=False) -> dict:
    uni_contact, police_contact = _contacts(f)
    fields = {
        **AGREEMENT_DETAILS,
        "institution_signatory": fk(uni_contact, ""),
        "police_signatory": fk(police_contact, ""),
        "signing_order": choice("parallel", "institution_first", "police_first", ""),
    }
    if create:
        fields["template"] = fk(f.template.pk)
    return fields


def _agreement_data(f, create=False) -> dict:
    uni_contact, police_contact = _contacts(f)
    data = {
        "title": "Memorandum of understanding",
        "area_covered": "The campus and its halls",
        "meeting_months": "3",
        "statistics_months": "6",
        "training_months": "12",
        "effective_date": _today(30),
        "term_months": "24",
        "review_months": "12",
        "notice_months": "3",
        "institution_signatory": uni_contact,
        "police_signatory": police_contact,
    }
    if create:
        data["template"] = f.template.pk
    return data


def _partnership_fields(f, creating=False) -> dict:
    uni_contact, police_contact = _contacts(f)
    fields = {
        "title": TEXT,
        "institution": fk(f.university.pk),
        "police_force": fk(f.police_force.pk, f.other_force.pk),
        "focus_areas": Kind("multi", tuple(FocusArea.values)),
        "aims": TEXT,
        "institution_sponsor": fk(uni_contact, ""),
        "institution_contact": fk(uni_contact, ""),
        "institution_deputy": fk(uni_contact, ""),
        "start_date": DATE,
        "end_date": DATE,
        "next_review_date": DATE,
    }
    if not creating:
        # Agencies are invited once both sides have accepted, so only when editing.
        fields |= {
            "police_sponsor": fk(police_contact, ""),
            "police_contact": fk(police_contact, ""),
            "police_deputy": fk(police_contact, ""),
        }
        fields["other_agencies"] = multi(f.agency.pk)
    return fields


def _partnership_data(f, creating=False) -> dict:
    uni_contact, police_contact = _contacts(f)
    data = {
        "title": "Safer Southshire nights" if creating else "Safer Northbridge campus",
        "police_force": f.other_force.pk if creating else f.police_force.pk,
        "focus_areas": [FocusArea.SEXUAL_VIOLENCE, FocusArea.HATE_CRIME],
        "aims": "Fewer incidents on the way home.",
        "institution_sponsor": uni_contact,
        "institution_contact": uni_contact,
        "start_date": _today(-30),
        "end_date": _today(700),
        "next_review_date": _today(180),
    }
    if not creating:
        data |= {"police_sponsor": police_contact, "police_contact": police_contact, "other_agencies": [f.agency.pk]}
    return data


def _engagement_fields(f) -> dict:
    uni_contact, police_contact = _contacts(f)
    return {
        "kind": choice(*EngagementKind.values),
        "title": TEXT,
        "date": DATE,
        "location": TEXT,
        "attendees": multi(uni_contact, police_contact),
        "notes": TEXT,
        "decisions": TEXT,
    }


def _engagement_data(f) -> dict:
    uni_contact, police_contact = _contacts(f)
    return {
        "kind": EngagementKind.STRATEGIC_MEETING,
        "title": "Spring strategic meeting",
        "date": _today(-2),
        "location": "Senate House",
        "attendees": [uni_contact, police_contact],
        "notes": "Discussed taxi ranks.",
        "decisions": "Map them.",
    }


def _action_fields(f, editing=False) -> dict:
    uni_contact, police_contact = _contacts(f)
    fields = {
        "title": TEXT,
        "description": TEXT,
        "owner": fk(uni_contact, police_contact),
        "due_date": DATE,
        "engagement": fk(f.engagement.pk, ""),
    }
    if editing:
        fields["status"] = choice(*ActionStatus.values)
    return fields


def _action_data(f, editing=False) -> dict:
    data = {
        "title": "Map late-night taxi ranks",
        "description": "All of them.",
        "owner": f.partnership.institution_contact_id,
        "due_date": _today(14),
        "engagement": f.engagement.pk,
    }
    if editing:
        data["status"] = ActionStatus.IN_PROGRESS
    return data


def _organisation_fields(f) -> dict:
    return {
        "name": TEXT,
        "kind": choice(*OrganisationKind.values),
        "region": choice(*Region.values, ""),
        "address": TEXT,
        "website": URL,
        "active": BOOL,
    }


def _last(value):
    """The value a view reads with ``QueryDict.get``: the last of several."""
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _setup_code(f) -> str:
    """The code the app shows now for the authenticator being set up (made here, so it lasts)."""
    device = two_factor.pending_device(f.staff_member)
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def _recovery_code(f) -> str:
    second_factor_device(f.staff_member)
    return account_services.new_recovery_codes(f.staff_member)[0]


def _second_step(client, url):
    """Half signed in: the password was right, the code is still to come."""
    stored = client.session
    stored.pop(two_factor.VERIFIED_KEY, None)
    stored[two_factor.HAS_DEVICE_KEY] = True
    stored.save()
    return url


def _reset_start(client, url):
    """The reset link stores its token in the session and redirects to the set-password form."""
    response = client.get(url)
    assert response.status_code == 302, f"the reset link answered {response.status_code}"
    return response["Location"]


def _reset_url(f):
    user = f.staff_member
    return {"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}


FORMS = [
    # Partnerships
    FormCase(
        "partnership_create",
        "partnerships:partnership_create",
        "university_liaison",
        base=lambda f: _partnership_data(f, creating=True),
        fields=lambda f: _partnership_fields(f, creating=True),
        needs=("partnership",),
        examples=16,
    ),
    FormCase(
        "partnership_edit",
        "partnerships:partnership_edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        base=_partnership_data,
        fields=_partnership_fields,
        examples=16,
    ),
    FormCase(
        "partnership_status",
        "partnerships:partnership_status",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        base=lambda f: {"status": f.partnership.allowed_statuses[0].value, "reason": "Agreed at the board."},
        fields=lambda f: {"status": choice(*PartnershipStatus.values), "reason": TEXT},
    ),
    FormCase(
        "engagement_create",
        "partnerships:engagement_create",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        base=_engagement_data,
        fields=_engagement_fields,
    ),
    FormCase(
        "engagement_edit",
        "partnerships:engagement_edit",
        "police_liaison",
        kwargs=lambda f: {"pk": f.engagement.pk},
        base=_engagement_data,
        fields=_engagement_fields,
    ),
    FormCase(
        "action_create",
        "partnerships:action_create",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        base=_action_data,
        fields=_action_fields,
        query_fields=lambda f: {"engagement": param(f.engagement.pk)},
    ),
    FormCase(
        "action_edit",
        "partnerships:action_edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.action.pk},
        base=lambda f: _action_data(f, editing=True),
        fields=lambda f: _action_fields(f, editing=True),
    ),
    FormCase(
        "action_status",
        "partnerships:action_status",
        "police_liaison",
        kwargs=lambda f: {"pk": f.action.pk},
        base=lambda f: {"status": ActionStatus.DONE, "next": "mine"},
        fields=lambda f: {"status": choice(*ActionStatus.values), "next": param("mine", "")},
        ok=frozenset({302}),
        form_context=None,
    ),
    FormCase(
        "share_create",
        "partnerships:share_create",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        base=lambda f: {
            "category": ShareCategory.VEHICLE,
            "summary": "A car waits outside the halls late at night.",
            "lawful_basis": LawfulBasis.OTHER,
            "lawful_basis_detail": "Consent of the student.",
            "shared_on": _today(-1),
        },
        fields=lambda f: {
            "category": choice(*ShareCategory.values),
            "summary": TEXT,
            "lawful_basis": choice(*LawfulBasis.values),
            "lawful_basis_detail": TEXT,
            "shared_on": DATE,
        },
    ),
    FormCase(
        "share_feedback",
        "partnerships:share_feedback",
        "police_liaison",
        kwargs=lambda f: {"pk": f.share.pk},
        base=lambda f: {"outcome": Outcome.DISRUPTION, "outcome_on": _today(), "note": "Patrols were increased."},
        fields=lambda f: {"outcome": choice(*Outcome.values), "outcome_on": DATE, "note": TEXT},
    ),
    # Organisations, units and contacts
    FormCase(
        "organisation_create",
        "partnerships:organisation_create",
        "administrator",
        base=lambda f: {
            "name": "Eastshire Community Trust",
            "kind": OrganisationKind.OTHER,
            "region": Region.NORTH_WEST,
            "address": "1 High Street\nEastshire",
            "website": "https://trust.example.org",
            "active": "on",
        },
        fields=_organisation_fields,
    ),
    FormCase(
        "organisation_edit",
        "partnerships:organisation_edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.university.pk},
        base=lambda f: {
            "name": "University of Northbridge",
            "kind": OrganisationKind.UNIVERSITY,
            "region": Region.NORTH_WEST,
            "address": "University Road",
            "website": "www.northbridge.example.ac.uk",
            "active": "on",
        },
        fields=_organisation_fields,
    ),
    FormCase(
        "unit_create",
        "partnerships:unit_create",
        "university_liaison",
        kwargs=lambda f: {"pk": f.university.pk},
        base=lambda f: {"name": "Student Services", "description": "Wellbeing and support."},
        fields=lambda f: {"name": TEXT, "description": TEXT},
    ),
    FormCase(
        "unit_edit",
        "partnerships:unit_edit",
        "police_liaison",
        kwargs=lambda f: {"pk": f.unit.pk},
        base=lambda f: {"name": "Public Protection Unit", "description": "Safeguarding."},
        fields=lambda f: {"name": TEXT, "description": TEXT},
    ),
    FormCase(
        "contact_create",
        "partnerships:contact_create",
        "university_liaison",
        kwargs=lambda f: {"pk": f.university.pk},
        base=lambda f: {
            "name": "Hannah Jones",
            "job_title": "Head of Security",
            "unit": f.university_unit.pk,
            "email": "hannah@example.ac.uk",
            "phone": "+44 161 000 0000",
            "user": f.staff_member.pk,
        },
        fields=lambda f: {
            "name": TEXT,
            "job_title": TEXT,
            "unit": fk(f.university_unit.pk, ""),
            "email": EMAIL,
            "phone": TEXT,
            "user": fk(f.staff_member.pk, ""),
        },
        needs=("partnership",),
    ),
    FormCase(
        "contact_edit",
        "partnerships:contact_edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.institution_contact_id},
        base=lambda f: {
            "name": "Priya Shah",
            "job_title": "Liaison officer",
            "unit": "",
            "email": "priya@example.ac.uk",
            "phone": "0161 000 0001",
            "user": f.university_liaison.pk,
        },
        fields=lambda f: {
            "name": TEXT,
            "job_title": TEXT,
            "unit": fk(f.university_unit.pk, ""),
            "email": EMAIL,
            "phone": TEXT,
            "user": fk(f.university_liaison.pk, f.staff_member.pk, ""),
        },
    ),
    # Agreements
    FormCase(
        "agreement_create",
        "agreements:create",
        "university_liaison",
        kwargs=lambda f: {"partnership_pk": f.partnership.pk},
        base=lambda f: _agreement_data(f, create=True),
        fields=lambda f: _agreement_fields(f, create=True),
        examples=16,
    ),
    FormCase(
        "agreement_edit",
        "agreements:edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.draft.pk},
        base=_agreement_data,
        fields=_agreement_fields,
        examples=16,
    ),
    FormCase(
        "clause_edit",
        "agreements:clause_edit",
        "university_liaison",
        kwargs=lambda f: {"pk": f.draft.pk, "key": "county_lines"},
        base=lambda f: {"body": "The parties work together against {area_covered}.", "included": "on"},
        fields=lambda f: {"body": TEXT, "included": BOOL},
    ),
    FormCase(
        "optional_clauses",
        "agreements:optional_clauses",
        "university_liaison",
        kwargs=lambda f: {"pk": f.draft.pk},
        base=lambda f: {"include_county_lines": "on"},
        fields=lambda f: {"include_county_lines": BOOL},
    ),
    FormCase(
        "clause_reset",
        "agreements:clause_reset",
        "university_liaison",
        kwargs=lambda f: {"pk": f.draft.pk, "key": "scope"},
        base=lambda f: {"confirmed": "on"},
        fields=lambda f: {"confirmed": BOOL},
    ),
    FormCase(
        "comment",
        "agreements:comment",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        base=lambda f: {"clause_key": "scope", "body": "Please name the halls.", "visibility": "shared"},
        # The clause's key is a hidden field the view looks up itself before the form sees it.
        fields=lambda f: {
            "clause_key": Kind("choice", ("scope", "parties", "county_lines")),
            "body": TEXT,
            "visibility": choice("shared", "internal"),
        },
        form_context=None,  # the review page shows the failed form in its clause's row
    ),
    FormCase(
        "reply",
        "agreements:reply",
        "university_liaison",
        kwargs=lambda f: {"thread_pk": f.review_thread.pk},
        base=lambda f: {"body": "We will name them."},
        fields=lambda f: {"body": TEXT},
        form_context=None,  # the review page shows the failed reply in its thread
    ),
    FormCase(
        "propose",
        "agreements:propose",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        base=lambda f: {
            "clause_key": "scope",
            "text": "It covers {area_covered} and the city centre.",
            "note": "Wider.",
        },
        fields=lambda f: {
            "clause_key": Kind("choice", ("scope", "parties", "county_lines")),
            "text": TEXT,
            "note": TEXT,
        },
        form_context=None,  # the review page shows the failed form in its clause's row
    ),
    FormCase(
        "decline_proposal",
        "agreements:decline_proposal",
        "university_liaison",
        kwargs=lambda f: {"proposal_pk": f.proposed_wording.pk},
        base=lambda f: {"reason": "Email is not a secure channel."},
        fields=lambda f: {"reason": TEXT},
    ),
    FormCase(
        "request_changes",
        "agreements:request_changes",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        base=lambda f: {"comment": "Name the halls in the scope."},
        fields=lambda f: {"comment": TEXT},
    ),
    FormCase(
        "approve",
        "agreements:approve",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        base=lambda f: {"comment": "Approved by the force's legal team."},
        fields=lambda f: {"comment": TEXT, "acknowledge": BOOL, "seen_threads": TEXT},
        form_context=None,  # an invalid comment is shown on the review page's decision form
    ),
    FormCase(
        "sign",
        "agreements:sign",
        "university_liaison",
        kwargs=lambda f: {"pk": f.approved.pk},
        # No name field: the account signs as itself (tests/agreements/test_signing.py).
        base=lambda f: {"position": "Pro-Vice-Chancellor", "confirmed": "on", "password": PASSWORD},
        fields=lambda f: {"position": TEXT, "confirmed": BOOL, "password": PASSWORD_FIELD},
    ),
    FormCase(
        "decline_signing",
        "agreements:decline_signing",
        "university_liaison",
        kwargs=lambda f: {"pk": f.approved.pk},
        base=lambda f: {"reason": "Clause 4 names the wrong unit."},
        fields=lambda f: {"reason": TEXT},
    ),
    FormCase(
        "withdraw",
        "agreements:withdraw",
        "university_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        base=lambda f: {"reason": "The partnership is being restructured."},
        fields=lambda f: {"reason": TEXT},
    ),
    FormCase(
        "answer_review",
        "agreements:answer_review",
        "police_liaison",
        kwargs=lambda f: {"pk": f.review_open.pk},
        base=lambda f: {"note": "Reviewed at the strategic meeting."},
        fields=lambda f: {"note": TEXT},
    ),
    FormCase(
        "give_notice",
        "agreements:give_notice",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_force.pk},
        base=lambda f: {"reason": "The force is merging its campus teams."},
        fields=lambda f: {"reason": TEXT},
    ),
    FormCase(
        "template_clause_edit",
        "agreements:template_clause_edit",
        "administrator",
        kwargs=lambda f: {"pk": f.template.pk, "key": "scope"},
        base=lambda f: {
            "heading": "Scope",
            "body": "It covers {area_covered}.",
            "guidance": "Be specific.",
            "required": "on",
        },
        fields=lambda f: {"heading": TEXT, "body": TEXT, "guidance": TEXT, "required": BOOL},
    ),
    # Training
    FormCase(
        "course_create",
        "training:course_create",
        "police_liaison",
        base=_course_data,
        fields=_course_fields,
    ),
    FormCase(
        "course_create_by_administrator",
        "training:course_create",
        "administrator",
        base=lambda f: {**_course_data(f), "provider": f.police_force.pk},
        fields=lambda f: _course_fields(f, admin=True),
    ),
    FormCase(
        "course_edit",
        "training:course_edit",
        "police_liaison",
        kwargs=lambda f: {"pk": f.course.pk},
        base=lambda f: _course_data(f, title="Sexual assault awareness"),
        fields=_course_fields,
    ),
    FormCase(
        "session_create",
        "training:session_create",
        "police_liaison",
        base=_session_data,
        fields=_session_fields,
        query_fields=lambda f: {"course": param(f.course.pk)},
        ok=frozenset({200, 302, 400, 404}),  # ?course= naming no course of theirs is a 404
        examples=16,
    ),
    FormCase(
        "session_edit",
        "training:session_edit",
        "police_liaison",
        kwargs=lambda f: {"pk": f.session.pk},
        base=_session_data,
        fields=_session_fields,
        examples=16,
    ),
    FormCase(
        "session_cancel",
        "training:session_cancel",
        "police_liaison",
        kwargs=lambda f: {"pk": f.session.pk},
        base=lambda f: {"reason": "The trainer is unwell."},
        fields=lambda f: {"reason": TEXT},
    ),
    FormCase(
        "book",
        "training:book",
        "university_liaison",
        kwargs=lambda f: {"pk": f.session.pk},
        base=lambda f: {"attendee": f.colleagues[0].pk},
        fields=lambda f: {"attendee": fk(*(person.pk for person in f.colleagues))},
        ok=frozenset({302}),  # refusals are messages on the session's page
        form_context=None,
    ),
    FormCase(
        "booking_cancel",
        "training:booking_cancel",
        "staff_member",
        kwargs=lambda f: {"pk": f.booking.pk},
        base=lambda f: {"next": reverse("training:my_bookings")},
        fields=lambda f: {"next": param(reverse("training:my_bookings"), "")},
        ok=frozenset({302}),
        form_context=None,
        # ``next`` may name any page of the portal: it must not be a 500, whatever it answers.
        follow_ok=frozenset(range(200, 500)),
    ),
    FormCase(
        "attendance",
        "training:attendance",
        "police_liaison",
        kwargs=lambda f: {"pk": f.held_session.pk},
        base=lambda f: {f"booking-{booking.pk}": "attended" for booking in f.held_session.bookings.all()},
        fields=lambda f: {
            f"booking-{booking.pk}": Kind("choice", ("attended", "no_show", ""))
            for booking in f.held_session.bookings.all()
        },
        ok=frozenset({302}),
        form_context=None,
    ),
    FormCase(
        "training_feedback",
        "training:feedback",
        "staff_member",
        kwargs=lambda f: {"pk": f.attended.pk},
        base=lambda f: {"rating": "4", "confidence": "5", "comments": "Clear and practical."},
        fields=lambda f: {"rating": choice(1, 2, 3, 4, 5), "confidence": choice(1, 2, 3, 4, 5), "comments": TEXT},
    ),
    FormCase(
        "training_needs",
        "training:needs",
        "university_liaison",
        base=lambda f: {"role": "staff", "course": f.course.pk, "every_months": "12"},
        fields=lambda f: {
            "role": choice("all", "staff", "university_liaison"),
            "course": fk(f.course.pk),
            "every_months": INT,
        },
        query_fields=lambda f: {"institution": param(f.university.pk)},
        ok=frozenset({200, 302, 400, 404}),  # ?institution= naming another institution is a 404
        needs=("partnership",),
    ),
    FormCase(
        "feed_settings",
        "training:feed_settings",
        "staff_member",
        base=lambda f: {"action": "create"},
        fields=lambda f: {"action": param("create", "revoke")},
        ok=frozenset({302}),
        form_context=None,
    ),
    # Notifications and accounts
    FormCase(
        "notification_settings",
        "notifications:settings",
        "staff_member",
        base=lambda f: dict.fromkeys(GROUPS, "on"),
        fields=lambda f: dict.fromkeys(GROUPS, BOOL),
    ),
    FormCase(
        "login",
        "login",
        None,
        base=lambda f: {"username": f.university_liaison.username, "password": PASSWORD},
        fields=lambda f: {"username": TEXT, "password": PASSWORD_FIELD},
        needs=("university_liaison",),
    ),
    FormCase(
        "password_change",
        "password_change",
        "staff_member",
        base=lambda f: {
            "old_password": PASSWORD,
            "new_password1": "a new and long passphrase",
            "new_password2": "a new and long passphrase",
        },
        fields=lambda f: {
            "old_password": PASSWORD_FIELD,
            "new_password1": PASSWORD_FIELD,
            "new_password2": PASSWORD_FIELD,
        },
    ),
    FormCase(
        "two_factor_setup",
        "two_factor_setup",
        "staff_member",
        base=lambda f: {"code": _setup_code(f), "next": "/partnerships/"},
        fields=lambda f: {"code": TEXT, "next": param("/partnerships/", "")},
        success=200,  # the new recovery codes, shown once
    ),
    FormCase(
        "two_factor_verify",
        "two_factor_verify",
        "staff_member",
        base=lambda f: {"code": _recovery_code(f), "next": "/partnerships/"},
        fields=lambda f: {"code": TEXT, "next": param("/partnerships/", "")},
        start=_second_step,
        follow_ok=frozenset(range(200, 500)),  # ``next`` may name any page of the portal
    ),
    FormCase(
        "reauthenticate",
        "reauthenticate",
        "staff_member",
        base=lambda f: {"password": PASSWORD, "next": "/accounts/two-factor/"},
        fields=lambda f: {"password": PASSWORD_FIELD, "next": param("/accounts/two-factor/", "")},
    ),
    FormCase(
        "partnership_answer",
        "partnerships:partnership_answer",
        "police_liaison",
        kwargs=lambda f: {"pk": f.proposal.pk},
        base=lambda f: {"decision": "decline", "reason": "We work with this college through the council."},
        fields=lambda f: {"decision": choice("accept", "decline"), "reason": TEXT},
    ),
    FormCase(
        "invitation_answer",
        "partnerships:invitation_detail",
        "agency_liaison",
        kwargs=lambda f: {"pk": f.invitation.pk},
        base=lambda f: {"decision": "decline", "reason": "Not in our area."},
        fields=lambda f: {"decision": choice("accept", "decline"), "reason": TEXT},
    ),
    FormCase(
        "password_reset",
        "password_reset",
        None,
        base=lambda f: {"email": f.staff_member.email},
        fields=lambda f: {"email": EMAIL},
    ),
    # People
    FormCase(
        "people_invite",
        "people:invite",
        "university_liaison",
        kwargs=lambda f: {"pk": f.university.pk},
        base=lambda f: {"first_name": "Ada", "last_name": "Byron", "email": "ada@example.org", "role": "staff"},
        fields=lambda f: {"first_name": TEXT, "last_name": TEXT, "email": EMAIL, "role": choice(*Role.values)},
    ),
    FormCase(
        "people_change_role",
        "people:change_role",
        "university_liaison",
        kwargs=lambda f: {"pk": f.staff_member.pk},
        base=lambda f: {"role": "university_liaison"},
        fields=lambda f: {"role": choice(*Role.values)},
    ),
    FormCase(
        "people_accept",
        "people:accept",
        None,
        kwargs=lambda f: {"token": f.invitation_token},
        base=lambda f: {"password": "a new and long passphrase", "password_again": "a new and long passphrase"},
        fields=lambda f: {"password": PASSWORD_FIELD, "password_again": PASSWORD_FIELD},
    ),
    FormCase(
        "password_reset_confirm",
        "password_reset_confirm",
        None,
        kwargs=_reset_url,
        base=lambda f: {"new_password1": "a new and long passphrase", "new_password2": "a new and long passphrase"},
        fields=lambda f: {"new_password1": PASSWORD_FIELD, "new_password2": PASSWORD_FIELD},
        start=_reset_start,
    ),
]

# Search boxes and filters (GET forms): whatever is asked, the page answers, never a 500.
SEARCHES = [
    FormCase(
        "partnership_list",
        "partnerships:partnership_list",
        "university_liaison",
        fields=lambda f: {
            "q": TEXT,
            "status": param(*PartnershipStatus.values),
            "focus": param(*FocusArea.values),
            "region": param(*Region.values),
            "health": param("green", "amber", "red", "none"),
            "sort": param(*SORTS),
            "page": param(1, 2),
        },
        needs=("action",),
    ),
    FormCase(
        "organisation_people",
        "people:organisation_people",
        "university_liaison",
        kwargs=lambda f: {"pk": f.university.pk},
        fields=lambda f: {
            "q": TEXT,
            "role": param(*Role.values),
            "status": param("active", "deactivated"),
            "page": param(1, 2),
        },
    ),
    FormCase(
        "partnership_export",
        "partnerships:partnership_export",
        "university_liaison",
        fields=lambda f: {"q": TEXT, "status": param(*PartnershipStatus.values), "sort": param(*SORTS)},
        needs=("action",),
    ),
    FormCase(
        "organisation_list",
        "partnerships:organisation_list",
        "university_liaison",
        fields=lambda f: {
            "q": TEXT,
            "kind": param(*OrganisationKind.values),
            "region": param(*Region.values),
            "page": param(1),
        },
        ok=frozenset({200, 404}),  # a ListView: a page that is not a number is a 404
        needs=("partnership",),
    ),
    FormCase(
        "my_actions",
        "partnerships:my_actions",
        "university_liaison",
        fields=lambda f: {"q": TEXT, "owner": param("me"), "page": param(1)},
        needs=("action",),
    ),
    FormCase(
        "shares_awaiting_feedback",
        "partnerships:shares_awaiting_feedback",
        "police_liaison",
        fields=lambda f: {"side": param("us", "them"), "page": param(1)},
        needs=("share",),
    ),
    FormCase(
        "agreement_list",
        "agreements:list",
        "university_liaison",
        fields=lambda f: {"q": TEXT, "status": param(*AgreementStatus.values), "page": param(1)},
        needs=("in_review",),
    ),
    FormCase(
        "template_list",
        "agreements:template_list",
        "administrator",
        fields=lambda f: {"q": TEXT, "page": param(1)},
        needs=("template",),
    ),
    FormCase(
        "review_version",
        "agreements:review",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        fields=lambda f: {"version": param(1), "show": param("all", "attention")},
    ),
    FormCase(
        "compare_versions",
        "agreements:compare",
        "police_liaison",
        kwargs=lambda f: {"pk": f.in_review.pk},
        fields=lambda f: {"a": choice(1), "b": choice(1)},
    ),
    FormCase(
        "session_list",
        "training:session_list",
        "staff_member",
        fields=lambda f: {
            "q": TEXT,
            "course": fk(f.course.pk),
            "provider": fk(f.police_force.pk),
            "date_from": DATE,
            "date_to": DATE,
            "availability": choice(Availability.PLACES, Availability.WAITLIST),
            "past": BOOL,
            "page": param(1),
        },
        needs=("session",),
    ),
    FormCase(
        "session_detail",
        "training:session_detail",
        "university_liaison",
        kwargs=lambda f: {"pk": f.session.pk},
        fields=lambda f: {"colleague": TEXT},
        needs=("session",),
    ),
    FormCase(
        "colleague_search",
        "training:colleague_search",
        "university_liaison",
        kwargs=lambda f: {"pk": f.session.pk},
        fields=lambda f: {"q": TEXT},
        needs=("session",),
    ),
    FormCase(
        "course_list",
        "training:course_list",
        "staff_member",
        fields=lambda f: {"q": TEXT, "provider": param(f.police_force.pk), "page": param(1)},
        needs=("session",),
    ),
    FormCase(
        "my_bookings",
        "training:my_bookings",
        "university_liaison",
        fields=lambda f: {
            "tab": param("organisation", "mine"),
            "status": param(*BookingStatus.values),
            "q": TEXT,
            "page": param(1),
        },
        needs=("booking",),
    ),
    FormCase(
        "compliance",
        "training:compliance",
        "university_liaison",
        fields=lambda f: {
            "q": TEXT,
            "status": param(*dict(STATUS_FILTERS)),
            "institution": param(f.university.pk),
            "page": param(1),
        },
        ok=frozenset({200, 404}),  # naming another institution is a 404
        needs=("session",),
    ),
    FormCase(
        "compliance_csv",
        "training:compliance_csv",
        "university_liaison",
        fields=lambda f: {"q": TEXT, "status": param(*dict(STATUS_FILTERS)), "institution": param(f.university.pk)},
        ok=frozenset({200, 404}),
        needs=("session",),
    ),
    FormCase(
        "notification_list",
        "notifications:list",
        "staff_member",
        fields=lambda f: {"show": param("unread", "all"), "page": param(1)},
    ),
    FormCase(
        "partnership_detail",
        "partnerships:partnership_detail",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        fields=lambda f: {"events": param(20, 40)},
        needs=("action",),
    ),
    FormCase(
        "partnership_history",
        "partnerships:partnership_history",
        "university_liaison",
        kwargs=lambda f: {"pk": f.partnership.pk},
        fields=lambda f: {"limit": param(50, 100)},
    ),
]
SEARCHES = [
    replace(
        case,
        method="get",
        ok=case.ok if case.ok != POST_OK else frozenset({200}),
        success=200,
        form_context="form" if case.name in ("session_list", "compare_versions") else None,
        examples=8,
    )
    for case in SEARCHES
]
CASES = FORMS + SEARCHES

# Every other URL of the portal, and why it takes no form input.
NOT_FORMS = {
    "portal:dashboard": "a page: reads nothing from the request",
    "logout": "a button: posts no fields",
    "password_change_done": "a page",
    "password_reset_done": "a page",
    "password_reset_complete": "a page",
    "partnerships:organisation_detail": "a page",
    "partnerships:engagement_detail": "a page",
    "partnerships:action_detail": "a page",
    "partnerships:share_detail": "a page",
    "partnerships:unit_delete": "a confirmation: posts no fields",
    "partnerships:contact_delete": "a confirmation: posts no fields",
    "partnerships:engagement_delete": "a confirmation: posts no fields",
    "agreements:detail": "a page",
    "agreements:clauses": "a page",
    "agreements:preview": "a page",
    "agreements:submit": "a button: posts no fields",
    "agreements:revise": "a button: posts no fields",
    "agreements:template_detail": "a page",
    "agreements:template_new_version": "a confirmation: posts no fields",
    "agreements:resolve_thread": "a button: posts no fields",
    "agreements:accept_proposal": "a button: posts only where to go back to, compared with one fixed value",
    "agreements:draft_pdf": "a download",
    "agreements:signed_pdf": "a download",
    "agreements:draft_docx": "a download",
    "agreements:verify": "a public page: the address is the only input",
    "training:calendar_month": "a page: the month is in the address",
    "training:session_ics": "a download",
    "training:feed": "a download: the token is in the address",
    "training:need_delete": "a confirmation: posts no fields",
    "training:certificate": "a download",
    "training:course_feedback": "a page",
    "notifications:open": "a redirect to the notification's own address",
    "notifications:mark_all_read": "a button: posts no fields",
    "security_txt": "a static page",
    "two_factor_manage": "a page",
    "two_factor_recovery_codes": "a button: posts no fields",
    "two_factor_off": "a button: posts no fields",
    "people:invitation_resend": "a confirmation: posts no fields",
    "people:invitation_withdraw": "a confirmation: posts no fields",
    "agreements:start_variation": "a confirmation: posts no fields",
    "people:deactivate": "a confirmation: posts no fields",
    "people:reactivate": "a confirmation: posts no fields",
}


# --- Fixtures the table needs beyond the shared ones ------------------------------------------


@pytest.fixture
def other_force(db):
    """A force the university has no partnership with yet, to propose one to."""
    return factories.PoliceForceFactory(name="Southshire Police")


@pytest.fixture
def agency(db):
    return factories.OrganisationFactory(name="Northbridge Students' Union", kind=OrganisationKind.OTHER)


@pytest.fixture
def proposal(police_force, police_liaison):
    """A partnership a college proposed to the force, waiting for the force's answer."""
    college = factories.OrganisationFactory(name="Northbridge Sixth Form College", kind=OrganisationKind.COLLEGE)
    return factories.PartnershipFactory(
        institution=college, police_force=police_force, status="proposed", police_accepted_at=None
    )


@pytest.fixture
def review_open(in_force):
    """The memorandum in force with its scheduled review due in ten days: open to answers."""
    Commitment.objects.filter(partnership=in_force.partnership, kind=CommitmentKind.REVIEW, active=True).update(
        due_on=timezone.localdate() + timedelta(days=10)
    )
    return in_force


@pytest.fixture
def agency_liaison(db):
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind=OrganisationKind.LOCAL_AUTHORITY)
    return factories.UniversityLiaisonFactory(username="council.liaison", organisation=council)


@pytest.fixture
def invitation(partnership, agency_liaison, university_liaison):
    return AgencyInvitation.objects.create(
        partnership=partnership, organisation=agency_liaison.organisation, invited_by=university_liaison
    )


@pytest.fixture
def invitation_token(university, administrator, settings):
    """The token of an invitation to the university, for the public page that accepts it (its
    rate limit raised: the examples all come from one address)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitation": (10_000, 60)}
    invitation = people_services.invite(administrator, university, "invited@example.org", "Ines", "Vited", "staff")
    token = "hostile-input-invitation-token"
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_token(token))
    return token


@pytest.fixture
def university_unit(university):
    return factories.UnitFactory(organisation=university, name="Campus Security")


@pytest.fixture
def booking(session, staff_member):
    return training_services.book(session, staff_member, by=staff_member)


def _hold_in_the_past(held):
    start = timezone.now().replace(microsecond=0) - timedelta(days=3)
    Session.objects.filter(pk=held.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    held.refresh_from_db()


@pytest.fixture
def held_session(session, staff_member, colleagues):
    """The session, held three days ago, with places booked for the staff member and two colleagues."""
    for person in [staff_member, *colleagues[:2]]:
        training_services.book(session, person, by=person)
    _hold_in_the_past(session)
    return session


@pytest.fixture
def attended(session, staff_member, police_liaison):
    booking = training_services.book(session, staff_member, by=staff_member)
    _hold_in_the_past(session)
    return training_services.mark_attendance(booking, attended=True, by=police_liaison)


class Fixtures:
    """Fixtures by attribute, built on first use: ``f.partnership`` asks pytest for ``partnership``."""

    def __init__(self, request):
        self._request = request

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._request.getfixturevalue(name)
        setattr(self, name, value)
        return value


@dataclass
class Prepared:
    case: FormCase
    url: str
    user: Any
    base: dict
    fields: dict
    query: dict
    query_fields: dict
    max_lengths: dict  # text field -> the longest value its form accepts

    def client(self) -> Client:
        cache.clear()  # rate-limit counters live in the cache, which the rollback does not undo
        client = Client()
        if self.user is not None:
            client.force_login(self.user)
        return client

    def post_url(self, client) -> str:
        return self.case.start(client, self.url) if self.case.start else self.url


def prepare(case: FormCase, request) -> Prepared:
    """Build everything the case needs before the first request (and outside the rolled-back examples)."""
    f = Fixtures(request)
    for name in case.needs:
        getattr(f, name)
    call = lambda build: build(f) if build else {}  # noqa: E731
    prepared = Prepared(
        case=case,
        url=reverse(case.url_name, kwargs=call(case.kwargs) or None),
        user=getattr(f, case.persona) if case.persona else None,
        base=call(case.base),
        fields=call(case.fields),
        query=call(case.query),
        query_fields=call(case.query_fields),
        max_lengths={},
    )
    if case.form_context and case.method == "post":
        with rolled_back():
            client = prepared.client()
            form = client.get(prepared.post_url(client)).context[case.form_context]
        prepared.max_lengths = {
            name: form.fields[name].max_length
            for name, kind in prepared.fields.items()
            if kind.name in NUL_KINDS and kind.in_form and getattr(form.fields[name], "max_length", None)
        }
    return prepared


def explicit_examples(prepared: Prepared) -> list[Submission]:
    """Sharp inputs every run tries first, whatever the random examples turn out to be."""
    base, query, fields, query_fields = prepared.base, prepared.query, prepared.fields, prepared.query_fields

    def everywhere(value):
        return Submission(
            {**base, **dict.fromkeys(fields, value)}, {**query, **dict.fromkeys(query_fields, value)}, "urlencoded"
        )

    examples = [
        everywhere("²"),  # str.isdigit() says yes, int() says no
        everywhere(NUL),  # PostgreSQL refuses NUL in text
    ]
    texts = [name for name, kind in fields.items() if kind.name in NUL_KINDS]
    if prepared.case.method == "get" and texts:
        # NUL in the search box alone, so that no other parameter stops the page first.
        examples.append(Submission({**base, **dict.fromkeys(texts, NUL)}, query, "urlencoded"))
    dates = [name for name, kind in fields.items() if kind.name == "date"]
    datetimes = [name for name, kind in fields.items() if kind.name == "datetime"]
    if dates or datetimes:
        # The last representable day, with the first time given and the others left for the view to work out.
        latest = {**base, **dict.fromkeys(dates, "9999-12-31"), **dict.fromkeys(datetimes, "")}
        if datetimes:
            latest[datetimes[0]] = "9999-12-31T23:59"
        earliest = {**base, **dict.fromkeys(dates, "0001-01-01"), **dict.fromkeys(datetimes, "0001-01-01T00:00")}
        examples += [Submission(latest, query, "multipart"), Submission(earliest, query, "multipart")]
    if prepared.max_lengths:
        # The longest text the form accepts must fit where it is stored.
        longest = {name: "y" * length for name, length in prepared.max_lengths.items()}
        examples.append(Submission({**base, **longest}, query, "multipart"))
    avoid = prepared.case.avoid
    return [submission for submission in examples if not (avoid and avoid(submission))]


# --- Sending and checking ----------------------------------------------------------------------


class _Rollback(Exception):
    pass


@contextlib.contextmanager
def rolled_back():
    """Run the block in a savepoint and undo it, whether it succeeded or not."""
    with contextlib.suppress(_Rollback), transaction.atomic():
        yield
        raise _Rollback


def send(client, method, url, submission: Submission):
    if method == "get":
        return client.get(url, {**submission.query, **submission.data})
    if submission.query:
        url = f"{url}?{urlencode(submission.query, doseq=True)}"
    if submission.encoding == "urlencoded":
        body = urlencode(submission.data, doseq=True)
        return client.post(url, body, content_type="application/x-www-form-urlencoded")
    return client.post(url, submission.data)


def body_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", errors="replace")
    return response.content.decode("utf-8", errors="replace")


def assert_escaped(response, what: str) -> str:
    """Read the whole response (a streamed CSV fails only while it is read) and check its HTML."""
    body = body_of(response)
    if "html" in response.get("Content-Type", ""):
        for marker in MARKERS:
            assert marker not in body, f"{what}: the page shows posted markup unescaped ({marker!r})"
    return body


def _nul_in_query(case, submission) -> bool:
    """Whether the address (the query string, or a GET form's data) holds a NUL character."""
    values = list(submission.query.values()) + (list(submission.data.values()) if case.method == "get" else [])
    flat = [v for value in values for v in (value if isinstance(value, list) else [value])]
    return any("\x00" in str(v) for v in flat)


def check(prepared: Prepared, client, response, submission) -> None:
    case = prepared.case
    status = response.status_code
    if status == 400 and _nul_in_query(case, submission):
        return  # core.middleware.RejectNulMiddleware: a NUL in the address is a bad request
    assert status in case.ok, f"{case.name}: answered {status}, expected one of {sorted(case.ok)}"
    assert_escaped(response, case.name)
    if status == 200 and case.method == "post" and case.form_context:
        form = response.context.get(case.form_context)
        if form is None:
            assert case.success == 200, f"{case.name}: a 200 to a POST must show the form again"
        elif form.is_bound:
            assert form.errors, f"{case.name}: a 200 to a POST must show the form's errors"
        else:
            # ``request.POST or None`` treats a POST with no fields at all as a GET: the blank
            # form again, with no errors. Only an empty body may get that answer.
            assert not urlencode(submission.data, doseq=True), f"{case.name}: the posted form was not shown"
    if status == 302:
        location = response["Location"]
        if case.persona and case.follow_ok == frozenset({200}):
            assert not location.startswith(reverse("login")), f"{case.name}: the session was lost"
        page = client.get(location)
        assert page.status_code in case.follow_ok, f"{case.name}: {location} answered {page.status_code} afterwards"
        assert_escaped(page, f"{case.name} then {location}")


def ids(cases):
    return [case.name for case in cases]


# --- The tests ---------------------------------------------------------------------------------


def walk(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_a_form_in_the_table_or_named_as_taking_no_form_input():
    names = {name for name in walk(get_resolver().url_patterns) if not name.startswith("admin:")}
    covered = {case.url_name for case in CASES}
    unplaced = sorted(names - covered - set(NOT_FORMS))
    assert not unplaced, f"add these URLs to FORMS, SEARCHES or NOT_FORMS: {unplaced}"
    assert not covered & set(NOT_FORMS), "a URL is both fuzzed and named as taking no input"
    stale = sorted((covered | set(NOT_FORMS)) - names)
    assert not stale, f"no longer in the URL conf: {stale}"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_table_matches_the_form_and_its_base_data_succeeds(case, request):
    prepared = prepare(case, request)
    in_form = {name for name, kind in prepared.fields.items() if kind.in_form}
    with rolled_back():
        client = prepared.client()
        if case.form_context:
            url = prepared.post_url(client)
            page = client.get(url)
            assert page.status_code == 200, f"GET {url} answered {page.status_code}"
            form = page.context[case.form_context]
            assert set(form.fields) == in_form, f"{case.name}: the table lists {sorted(in_form)}"
    with rolled_back():
        client = prepared.client()
        response = send(
            client, case.method, prepared.post_url(client), Submission(prepared.base, prepared.query, "multipart")
        )
        form = response.context.get(case.form_context) if case.form_context and response.context else None
        errors = form.errors.as_data() if form is not None else ""
        assert response.status_code == case.success, (
            f"{case.name}: the base data answered {response.status_code} {errors}"
        )
        check(prepared, client, response, None)


# Forms without a text field: choices, ids, ticks and parameters only.
WITHOUT_TEXT = {
    "action_status",
    "book",
    "booking_cancel",
    "attendance",
    "training_needs",
    "feed_settings",
    "people_change_role",
    "notification_settings",
    "optional_clauses",
    "clause_reset",
}
WITH_TEXT = [case for case in FORMS if case.name not in WITHOUT_TEXT]


@pytest.mark.parametrize("case", WITH_TEXT, ids=ids(WITH_TEXT))
def test_null_characters_are_a_form_error_on_every_database(case, request):
    """PostgreSQL refuses NUL in text: the form must refuse it first, next to each field."""
    prepared = prepare(case, request)
    texts = [name for name, kind in prepared.fields.items() if kind.name in NUL_KINDS and kind.in_form]
    assert texts, f"{case.name} has no text field: add it to WITHOUT_TEXT"
    with rolled_back():
        client = prepared.client()
        data = {**prepared.base, **dict.fromkeys(texts, NUL)}
        response = send(client, case.method, prepared.post_url(client), Submission(data, prepared.query, "multipart"))
        assert response.status_code in (200, 302), f"{case.name}: answered {response.status_code}"
        page = response if response.status_code == 200 else client.get(response["Location"])
        assert "Null characters are not allowed" in body_of(page), f"{case.name}: NUL accepted in {texts}"
        if response.status_code == 200 and case.form_context:
            errors = response.context[case.form_context].errors
            assert set(texts) <= set(errors), f"{case.name}: no error on {sorted(set(texts) - set(errors))}"


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_hostile_input_is_a_form_error_or_a_success_never_a_500(case, request):
    prepared = prepare(case, request)
    strategy = submissions(prepared.base, prepared.fields, prepared.query, prepared.query_fields)
    if case.avoid:
        strategy = strategy.filter(lambda submission: not case.avoid(submission))

    @settings(
        max_examples=case.examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(submission=strategy)
    def attack(submission):
        with rolled_back():
            client = prepared.client()
            response = send(client, case.method, prepared.post_url(client), submission)
            check(prepared, client, response, submission)

    for submission in explicit_examples(prepared):
        attack = example(submission=submission)(attack)
    attack()


# Free text shown on a page: posted as markup, it must come back as text.
ESCAPED = [
    ("partnership_create", "title", None),
    ("partnership_edit", "aims", None),
    ("engagement_create", "notes", None),
    ("action_edit", "title", None),
    ("share_create", "summary", None),
    ("share_feedback", "note", None),
    ("unit_create", "name", None),
    ("contact_create", "name", None),
    ("course_create", "title", None),
    ("clause_edit", "body", None),
    ("clause_edit", "body", lambda f: reverse("agreements:preview", args=[f.draft.pk])),
    ("comment", "body", None),
    ("reply", "body", None),
    ("propose", "note", None),
    ("decline_proposal", "reason", lambda f: reverse("agreements:review", args=[f.in_review.pk])),
    ("request_changes", "comment", lambda f: reverse("agreements:review", args=[f.in_review.pk])),
    ("sign", "position", None),
    ("decline_signing", "reason", None),
    ("withdraw", "reason", None),
    ("answer_review", "note", None),
    ("give_notice", "reason", None),
    ("training_feedback", "comments", None),
    ("people_invite", "first_name", None),
    ("people_invite", "last_name", None),
]
BY_NAME = {case.name: case for case in CASES}


@pytest.mark.parametrize(
    ("name", "field_name", "page"),
    ESCAPED,
    ids=[f"{name}-{field_name}{'-elsewhere' if page else ''}" for name, field_name, page in ESCAPED],
)
def test_stored_text_comes_back_escaped(name, field_name, page, request):
    case = BY_NAME[name]
    prepared = prepare(case, request)
    with rolled_back():
        client = prepared.client()
        data = {**prepared.base, field_name: PAYLOAD}
        response = send(client, case.method, prepared.post_url(client), Submission(data, prepared.query, "multipart"))
        assert response.status_code == 302, f"{name}: posting {PAYLOAD!r} as {field_name} was refused"
        url = page(Fixtures(request)) if page else response["Location"]
        shown = client.get(url)
        assert shown.status_code == 200
        html = body_of(shown)
        assert "<script>alert(" not in html, f"{url} shows the {field_name} unescaped"
        assert re.search(r"&lt;script&gt;alert\((&quot;|&#x27;|&#34;|\")x", html), (
            f"{url} does not show the {field_name}"
        )


# --- Free text that leaves the portal as a file -------------------------------------------------

# Text a spreadsheet would run as a formula: at the start of a cell, or after anything a
# spreadsheet may split a cell at (a comma, a semicolon, a tab, a line break).
FORMULAS = [
    "=cmd|' /C calc'!A0",
    "Eastmoor;=cmd|' /C calc'!A0",
    "Eastmoor,=cmd|' /C calc'!A0",
    "Eastmoor\t=cmd|' /C calc'!A0",
    "Eastmoor\n=cmd|' /C calc'!A0",
    "Eastmoor\r\n@SUM(1+1)*cmd|' /C calc'!A0",
    "Eastmoor; -2+3+cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
]


def formula_cells(body: str) -> list[str]:
    """The pieces of a CSV a spreadsheet would run, splitting wherever it might, quotes or not."""
    return [piece for piece in re.split(r"[,;\t\r\n]", body) if re.match(r'[\s"]*[=+\-@]', piece)]


def post_valid(prepared: Prepared, **fields) -> Client:
    """Post the case's base data with ``fields`` changed; it must succeed. Returns the poster's client."""
    client = prepared.client()
    data = {**prepared.base, **fields}
    response = send(client, "post", prepared.post_url(client), Submission(data, prepared.query, "multipart"))
    assert response.status_code == 302, f"{prepared.case.name}: {fields} was refused"
    return client


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("value", FORMULAS)
def test_downloaded_csv_runs_no_formula(value, request):
    partnership_create = prepare(BY_NAME["partnership_create"], request)
    course_create = prepare(BY_NAME["course_create"], request)
    university, liaison = request.getfixturevalue("university"), request.getfixturevalue("university_liaison")
    with rolled_back():
        client = post_valid(partnership_create, title=value)
        body = body_of(client.get(reverse("partnerships:partnership_export")))
        assert "calc" in body and body.startswith('"Title","Institution",')
        assert not formula_cells(body), "the partnership list CSV holds a formula"
    with rolled_back():
        post_valid(course_create, title=value)
        TrainingNeed.objects.create(institution=university, course=Course.objects.latest("pk"), role="all")
        body = body_of(client_of(liaison).get(reverse("training:compliance_csv")))
        assert "calc" in body and body.startswith('"Name","Username",')
        assert not formula_cells(body), "the compliance CSV holds a formula"


# Line breaks (every kind Python's str.splitlines knows) and other control characters: a
# calendar file must stay one property per line, whatever the course, venue or trainers say.
CALENDAR_TEXT = [
    "line one\rline two",
    "line one\nline two",
    "Stalking\r\nBEGIN:VEVENT\r\nSUMMARY:forged\r\nEND:VEVENT",
    "a\x85b\u2028c\u2029d",
    "a\x0bb\x0cc\x1cd\x1de\x1ef",
    "\x1b[31mred\x1b[0m\x7f",
]


def assert_one_property_per_line(ics: bytes) -> Calendar:
    for line in ics.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line, f"a bare line break in {line!r}"
    calendar = Calendar.from_ical(ics)
    for event in calendar.walk("VEVENT"):
        for name in ("SUMMARY", "LOCATION"):
            assert len(str(event[name]).splitlines()) == 1, f"{name} spans lines: {str(event[name])!r}"
    return calendar


@pytest.mark.parametrize("value", CALENDAR_TEXT)
def test_calendar_files_stay_valid_whatever_the_text(value, request):
    course_edit = prepare(BY_NAME["course_edit"], request)
    session_edit = prepare(BY_NAME["session_edit"], request)
    held, staff = request.getfixturevalue("session"), request.getfixturevalue("staff_member")
    with rolled_back():
        post_valid(course_edit, title=f"Stalking awareness {value}")
        post_valid(session_edit, venue=value, trainers=value)
        training_services.book(held, staff, by=staff)
        feed = CalendarFeed.objects.create(user=staff)
        client = client_of(staff)
        for url in (reverse("training:session_ics", args=[held.pk]), reverse("training:feed", args=[feed.token])):
            response = client.get(url)
            assert response.status_code == 200, f"{url} answered {response.status_code}"
            (event,) = assert_one_property_per_line(response.content).walk("VEVENT")
            assert str(event["SUMMARY"]).startswith("Stalking awareness")
