"""Every URL in the URL conf, walked: users of an unrelated organisation get 404, visitors the login page.

The URL conf is walked with ``get_resolver()`` (recursing through every ``URLResolver``), so a
new URL is found the day it is added. Each named URL must be either

* in ``SCOPED``: how to build its arguments from objects owned by one university and its police
  force. Users of every role from unrelated organisations then GET and POST it and must get 404
  (405 for a method the view does not take), and an anonymous visitor the login page; or
* in ``UNSCOPED``, with the reason it takes no object of an organisation.

A URL in neither fails ``test_every_url_has_a_scoping_test`` with "new URL without a scoping test".
The admin site is one group, checked by ``test_admin_site_is_closed_to_unrelated_users``.

Before the unrelated users try a URL, a user of the owning side opens it and must not get 404:
otherwise the table would name an object nobody can see, and the 404s would prove nothing.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone

from accounts import reauth
from agreements import services as agreement_services
from agreements.models import Agreement
from notifications.models import Notification
from partnerships.models import AgencyInvitation
from people import services as people_services
from tests import factories
from tests.fixtures.agreements import FIELDS, SUBMITTED_ON
from training import services as training_services
from training.models import Session, TrainingNeed

# --- Walking the URL conf -----------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # with its namespaces, such as "partnerships:share_detail"
    namespace: str  # such as "partnerships:" ("" for none)
    route: str
    kwargs: frozenset[str]  # the converters' names along the whole route


def _kwarg_names(pattern) -> tuple[str, ...]:
    if isinstance(pattern, RoutePattern):  # path("shares/<int:pk>/")
        return tuple(pattern.converters)
    regex = getattr(pattern, "regex", None)  # re_path(r"^(?P<object_id>.+)/$"); the locale prefix has none
    return tuple(regex.groupindex) if regex is not None else ()


def walk(patterns, prefix="", namespace="", kwargs=()):
    for pattern in patterns:
        names = kwargs + _kwarg_names(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner, names)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(name, namespace, prefix + str(pattern.pattern), frozenset(names))


ROUTES = list(walk(get_resolver().url_patterns))


def is_admin(route: Route) -> bool:
    return route.namespace.startswith("admin:")


def accepted_methods(view) -> set[str]:
    """The HTTP methods ``view`` takes (of GET and POST): what reaches it past its method decorator.

    A class-based view takes the methods it defines. A function view takes those listed by
    ``require_http_methods`` (``require_GET``, ``require_POST`` and ``require_safe`` use it),
    found in the closure of one of the wrappers that ``functools.wraps`` chains through
    ``__wrapped__``; with no such decorator it takes every method.
    """
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {method for method in ("GET", "POST") if hasattr(view_class, method.lower())}
    function = view
    while function is not None:
        code = getattr(function, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = function.__closure__[code.co_freevars.index("request_method_list")]
            return {method for method in ("GET", "POST") if method in cell.cell_contents}
        function = getattr(function, "__wrapped__", None)
    return {"GET", "POST"}


# --- What each URL takes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scoped:
    """How to build a URL's arguments from the owners' objects (one dict per URL to try)."""

    build: Callable[[SimpleNamespace], list[dict]]
    # Who of the owning side opens it first (GET, or an empty POST for a POST-only view) and
    # must not get 404. For POST-only views, someone who sees the object but is refused (403),
    # so the check changes nothing: a staff member, or for agreements (which staff members see
    # only once signed, and never their review) the force's liaison officer or an administrator.
    insider: str = "university_liaison"
    # What a signed-in user of an unrelated organisation must get for a method the view takes.
    unrelated: int = 404


def pk(*attributes: str, kwarg: str = "pk"):
    """One URL per named object of ``owned``, its primary key as ``kwarg``."""
    return lambda owned: [{kwarg: getattr(owned, attribute).pk} for attribute in attributes]


# Agreement templates belong to no organisation (every signed-in user may read them, see
# TemplateQuerySet) and their pages are for administrators: every other user gets 403.
TEMPLATE_PAGE = {"insider": "administrator", "unrelated": 403}

SCOPED: dict[str, Scoped] = {
    # Organisations, units and contacts: both parties' own.
    "partnerships:organisation_detail": Scoped(pk("university", "police_force")),
    "partnerships:organisation_edit": Scoped(pk("university", "police_force")),
    "partnerships:unit_create": Scoped(pk("university", "police_force")),
    "partnerships:contact_create": Scoped(pk("university", "police_force")),
    "partnerships:unit_edit": Scoped(pk("university_unit", "police_unit")),
    "partnerships:unit_delete": Scoped(pk("university_unit", "police_unit")),
    "partnerships:contact_edit": Scoped(pk("university_contact", "police_contact")),
    "partnerships:contact_delete": Scoped(pk("university_contact", "police_contact")),
    # The partnership, its engagements, actions and information shares.
    "partnerships:partnership_detail": Scoped(pk("partnership")),
    "partnerships:partnership_edit": Scoped(pk("partnership")),
    "partnerships:partnership_status": Scoped(pk("partnership")),
    "partnerships:partnership_history": Scoped(pk("partnership")),
    "partnerships:partnership_answer": Scoped(pk("partnership")),
    "partnerships:invitation_detail": Scoped(pk("invitation")),
    "partnerships:engagement_create": Scoped(pk("partnership")),
    "partnerships:engagement_detail": Scoped(pk("engagement")),
    "partnerships:engagement_edit": Scoped(pk("engagement")),
    "partnerships:engagement_delete": Scoped(pk("engagement")),
    "partnerships:action_create": Scoped(pk("partnership")),
    "partnerships:action_detail": Scoped(pk("action")),
    "partnerships:action_edit": Scoped(pk("action")),
    "partnerships:action_status": Scoped(pk("action"), insider="staff"),
    "partnerships:share_create": Scoped(pk("partnership")),
    "partnerships:share_detail": Scoped(pk("share")),
    "partnerships:share_feedback": Scoped(pk("share"), insider="police_liaison"),
    # Agreements: one in force with its signed PDF, and a draft revised after review (version 1, a comment).
    "agreements:create": Scoped(pk("partnership", kwarg="partnership_pk")),
    "agreements:detail": Scoped(pk("reworked_agreement", "signed_agreement")),
    "agreements:edit": Scoped(pk("reworked_agreement")),
    "agreements:clauses": Scoped(pk("reworked_agreement", "signed_agreement")),
    "agreements:clause_edit": Scoped(lambda owned: [{"pk": owned.reworked_agreement.pk, "key": "parties"}]),
    "agreements:preview": Scoped(pk("reworked_agreement")),
    "agreements:optional_clauses": Scoped(pk("reworked_agreement")),
    "agreements:clause_reset": Scoped(lambda owned: [{"pk": owned.reworked_agreement.pk, "key": "parties"}]),
    "agreements:submit": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:revise": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:review": Scoped(pk("reworked_agreement", "signed_agreement")),
    "agreements:comment": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:propose": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:reply": Scoped(pk("comment", kwarg="thread_pk"), insider="administrator"),
    "agreements:resolve_thread": Scoped(pk("comment", kwarg="thread_pk"), insider="administrator"),
    "agreements:accept_proposal": Scoped(pk("proposal", kwarg="proposal_pk"), insider="police_liaison"),
    "agreements:decline_proposal": Scoped(pk("proposal", kwarg="proposal_pk")),
    "agreements:approve": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:request_changes": Scoped(pk("reworked_agreement")),
    "agreements:sign": Scoped(pk("signed_agreement")),
    "agreements:decline_signing": Scoped(pk("reworked_agreement"), insider="police_liaison"),
    "agreements:withdraw": Scoped(pk("reworked_agreement")),
    "agreements:answer_review": Scoped(pk("signed_agreement")),
    "agreements:give_notice": Scoped(pk("signed_agreement")),
    "agreements:start_variation": Scoped(pk("signed_agreement")),
    "agreements:compare": Scoped(pk("reworked_agreement", "signed_agreement")),
    "agreements:draft_pdf": Scoped(pk("reworked_agreement", "signed_agreement")),
    "agreements:signed_pdf": Scoped(pk("signed_agreement")),
    "agreements:draft_docx": Scoped(pk("reworked_agreement")),
    "agreements:template_detail": Scoped(pk("template"), **TEMPLATE_PAGE),
    "agreements:template_new_version": Scoped(pk("template"), **TEMPLATE_PAGE),
    "agreements:template_clause_edit": Scoped(
        lambda owned: [{"pk": owned.template.pk, "key": "parties"}], **TEMPLATE_PAGE
    ),
    # Training: the force's course, a session offered to the partnership, bookings, a need.
    "training:course_edit": Scoped(pk("course")),
    "training:course_feedback": Scoped(pk("course")),
    "training:session_detail": Scoped(pk("session", "past_session")),
    "training:session_edit": Scoped(pk("session")),
    "training:session_cancel": Scoped(pk("session")),
    "training:book": Scoped(pk("session")),
    "training:colleague_search": Scoped(pk("session")),
    "training:attendance": Scoped(pk("session", "past_session")),
    "training:session_ics": Scoped(pk("session")),
    "training:booking_cancel": Scoped(pk("booking", "attended_booking")),
    "training:certificate": Scoped(pk("attended_booking")),
    "training:feedback": Scoped(pk("attended_booking")),
    "training:need_delete": Scoped(pk("need")),
    # Notifications: the university liaison officer's own.
    "notifications:open": Scoped(pk("notification")),
    # People: the organisation's own liaison officers (or an administrator) and nobody else; the
    # university's people page, a staff member of it, an invitation to it.
    "people:organisation_people": Scoped(pk("university", "police_force"), insider="administrator"),
    "people:invite": Scoped(pk("university", "police_force"), insider="administrator"),
    "people:invitation_resend": Scoped(pk("person_invitation")),
    "people:invitation_withdraw": Scoped(pk("person_invitation")),
    "people:change_role": Scoped(pk("colleague")),
    "people:deactivate": Scoped(pk("colleague")),
    "people:reactivate": Scoped(pk("former_colleague")),
}

# Sent on every response, whatever the page (tests/portal/test_security_headers.py checks values).
SECURITY_HEADERS = [
    "Content-Security-Policy",
    "X-Frame-Options",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "Permissions-Policy",
    "Cross-Origin-Opener-Policy",
]

UNSCOPED: dict[str, str] = {
    # Accounts
    "login": "the login page (two routes share the name): for everybody",
    "logout": "ends the user's own session",
    "password_change": "the user's own password; takes no object",
    "two_factor_manage": "the user's own second factor; takes no object",
    "two_factor_setup": "sets up the user's own authenticator; takes no object",
    "two_factor_verify": "checks the user's own code; takes no object",
    "two_factor_recovery_codes": "replaces the user's own recovery codes; takes no object",
    "two_factor_off": "turns off the user's own second factor; takes no object",
    "reauthenticate": "confirms the user's own password and code; takes no object",
    "security_txt": "public (RFC 9116): how to report a vulnerability",
    "password_change_done": "a confirmation page; takes no object",
    "password_reset": "public: asks for an email address",
    "password_reset_done": "public: a confirmation page",
    "password_reset_confirm": "public: the signed uidb64/token in the address is the credential",
    "password_reset_complete": "public: a confirmation page",
    # Pages whose content is filtered with visible_to, taking no object in the address
    "portal:dashboard": "the home page, filtered to the user's own scope",
    "partnerships:organisation_list": "a list filtered with visible_to",
    "partnerships:organisation_create": "a new object; no existing object in the address",
    "partnerships:partnership_list": "a list filtered with visible_to",
    "partnerships:partnership_export": "a CSV of the list, filtered with visible_to",
    "partnerships:partnership_create": "a new object; no existing object in the address",
    "partnerships:my_actions": "a list filtered with visible_to",
    "partnerships:shares_awaiting_feedback": "a list filtered with visible_to",
    "agreements:list": "a list filtered with visible_to",
    "agreements:template_list": "the administrators' list of templates, which belong to no organisation",
    "agreements:verify": "public by design: the unguessable public_id printed on a signed PDF, no clause text",
    "training:session_list": "a list filtered with visible_to",
    "training:calendar_month": "a month of visible sessions; year and month are dates, not objects",
    "training:course_list": "a list filtered with visible_to",
    "training:course_create": "a new object; no existing object in the address",
    "training:session_create": "a new object; a ?course= in the query is fetched with visible_to",
    "training:my_bookings": "a list filtered with visible_to",
    "training:feed_settings": "the user's own calendar feed address",
    "training:feed": "public by design: calendar apps cannot log in, the secret token is the credential",
    "training:needs": "the user's own institution's needs; ?institution= for another is a 404",
    "training:compliance": "the user's own institution's matrix; ?institution= for another is a 404",
    "training:compliance_csv": "the same matrix as CSV",
    "notifications:list": "the user's own notifications",
    "notifications:mark_all_read": "marks the user's own notifications read",
    "notifications:settings": "the user's own settings",
    "people:accept": "public by design: the single-use token in the emailed invitation is the credential",
}


# --- The owners' objects and the unrelated users ----------------------------------------------


@pytest.fixture
def owned(
    university,
    police_force,
    university_liaison,
    staff_member,
    police_liaison,
    administrator,
    partnership,
    engagement,
    action,
    share,
    template,
    approved,
    unit,
    course,
    session,
):
    """One university, its police force and their partnership, with one of everything a URL names."""
    # The approved agreement, signed by both sides (in force), with its signed PDF stored.
    for signer in (police_liaison, university_liaison):
        agreement_services.sign(
            approved,
            by=signer,
            position="Liaison officer",
            authentication=reauth.PASSWORD,
            ip_address="192.0.2.1",
            confirmed=True,
        )
    stored = default_storage.save("agreements/signed/url-access.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    Agreement.objects.filter(pk=approved.pk).update(signed_pdf=stored)
    # A second agreement, back to draft after review: version 1 with a comment, changes requested.
    # (Only one agreement per partnership is in progress at a time.)
    reworked = agreement_services.start_draft(
        partnership, template, by=university_liaison, title="Second memorandum", **FIELDS
    )
    agreement_services.submit_for_review(reworked, by=university_liaison, today=SUBMITTED_ON)
    comment = agreement_services.comment_on_clause(
        reworked, clause_key="parties", body="Name the halls.", by=police_liaison
    )
    proposal = agreement_services.propose_wording(
        reworked, clause_key="scope", text="It covers {area_covered} and the city centre.", by=police_liaison
    )
    agreement_services.request_changes(reworked, by=police_liaison, comment="See the comment on clause 1.")
    agreement_services.revise(reworked, by=university_liaison)
    reworked.refresh_from_db()

    # A booking on the upcoming session, and an attended one on a session now past.
    booking = training_services.book(session, staff_member, by=staff_member)
    past_session = Session.objects.create(
        course=course,
        starts_at=session.starts_at + timedelta(days=7),
        ends_at=session.ends_at + timedelta(days=7),
        capacity=5,
        offered_to=partnership,
    )
    attended = training_services.book(past_session, staff_member, by=staff_member)
    held = timezone.now() - timedelta(days=30)
    Session.objects.filter(pk=past_session.pk).update(starts_at=held, ends_at=held + timedelta(hours=3))
    past_session.refresh_from_db()
    attended.session = past_session
    attended = training_services.mark_attendance(attended, attended=True, by=police_liaison)
    need = TrainingNeed.objects.create(
        institution=university, role="staff", course=course, created_by=university_liaison
    )

    # Another agency invited to the partnership, not yet answering.
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")
    invitation = AgencyInvitation.objects.create(
        partnership=partnership, organisation=council, invited_by=university_liaison
    )

    notification = Notification.objects.create(
        kind="booking_confirmed",
        object_id=booking.pk,
        recipient=university_liaison,
        occasion=timezone.localdate(),
        title="Your place on Sexual assault awareness",
        url=session.get_absolute_url(),
    )
    # A colleague the university's liaison officer may change, one deactivated, and an invitation.
    colleague = factories.UserFactory(organisation=university, username="colleague")
    former_colleague = factories.UserFactory(organisation=university, username="former", is_active=False)
    person_invitation = people_services.invite(
        university_liaison, university, "invited@example.org", "Ines", "Invited", "staff"
    )
    return SimpleNamespace(
        colleague=colleague,
        former_colleague=former_colleague,
        person_invitation=person_invitation,
        people={
            "university_liaison": university_liaison,
            "staff": staff_member,
            "police_liaison": police_liaison,
            "administrator": administrator,
        },
        university=university,
        police_force=police_force,
        university_unit=factories.UnitFactory(organisation=university, name="Student Services"),
        police_unit=unit,
        university_contact=partnership.institution_contact,
        police_contact=partnership.police_contact,
        partnership=partnership,
        invitation=invitation,
        engagement=engagement,
        action=action,
        share=share,
        template=template,
        signed_agreement=approved,
        reworked_agreement=reworked,
        comment=comment,
        proposal=proposal,
        course=course,
        session=session,
        past_session=past_session,
        booking=booking,
        attended_booking=attended,
        need=need,
        notification=notification,
    )


# Text of the owners' objects that no page answered to an unrelated user may contain.
OWNERS_TEXT = ["Northbridge", "Autumn strategic meeting", "Map late-night taxi ranks", "Sexual assault awareness"]


def _agency_officer(partnership, council_name: str, username: str):
    """An agency liaison officer of a council that takes part in ``partnership``."""
    council = factories.OrganisationFactory(name=council_name, kind="local_authority")
    partnership.other_agencies.add(council)
    return factories.UserFactory(username=username, organisation=council, role="agency_liaison")


@pytest.fixture
def unrelated(outsider):
    """A user of each role from organisations unrelated to the owners (None: an anonymous visitor).

    The unrelated university and force are in a partnership of their own, so their users have a
    scope to see, just not the owners' objects.
    """
    other_university = outsider.organisation
    other_force = factories.PoliceForceFactory(name="Unrelated Police")
    other_partnership = factories.PartnershipFactory(
        institution=other_university, police_force=other_force, title="Unrelated partnership"
    )
    return {
        "outsider (university liaison of an unrelated university)": outsider,
        "staff member of the unrelated university": factories.UserFactory(
            username="outsider.staff", organisation=other_university
        ),
        "police liaison of an unrelated force": factories.PoliceLiaisonFactory(
            username="outsider.police", organisation=other_force
        ),
        "senior sponsor of the unrelated force": factories.UserFactory(
            username="outsider.sponsor", organisation=other_force, role="senior_sponsor"
        ),
        "agency liaison officer of a council taking part in the unrelated partnership": _agency_officer(
            other_partnership, "Unrelated Council", "outsider.council"
        ),
        "anonymous visitor": None,
    }


# --- Requests and what they answered ----------------------------------------------------------


def send(client, method: str, url: str):
    response = client.get(url) if method == "GET" else client.post(url, {})
    # Reading a streamed body to its end closes the response (the test client wraps it).
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body.decode("utf-8", "replace")


def act_as(client, user) -> None:
    """Sign ``user`` in on ``client``, or sign out for the anonymous visitor (None)."""
    if user is None:
        client.logout()
    else:
        client.force_login(user)


def shown(response, body: str) -> str:
    """What a response gave away, for the failure message: where it redirects, or its title."""
    if response.has_header("Location"):
        return f" -> {response['Location']}"
    title = re.search(r"<title>(.*?)</title>", body, re.S)
    if title:
        return f" (page: {' '.join(title.group(1).split())!r})"
    return f" ({response.get('Content-Type', '')}, {len(body)} characters)"


def check(persona: str, user, response, body: str, *, accepted: bool, expected: int) -> str | None:
    """Why ``response`` is wrong for ``persona``, or None."""
    status = response.status_code
    if user is None:
        login = resolve_url(settings.LOGIN_URL) + "?next="
        if status == 302 and response["Location"].startswith(login):
            return None
        if status == 405 and not accepted:
            return None  # refused before the view ran: the same for any object
        return f"expected a redirect to {login}..."
    want = expected if accepted else 405
    if status != want:
        return f"expected {want}" + ("" if accepted else " (the view does not take this method)")
    leaked = [text for text in OWNERS_TEXT if text in body]
    if leaked:
        return f"the {status} page shows the owners' {leaked}"
    return None


# --- The tests ----------------------------------------------------------------------------------


def test_every_url_has_a_scoping_test():
    names = {route.name for route in ROUTES if not is_admin(route)}
    problems = [
        f"new URL without a scoping test: {route.name or '(unnamed)'} ({route.route}); add it to SCOPED, "
        "or to UNSCOPED with the reason it takes no organisation's object"
        for route in ROUTES
        if not is_admin(route) and (route.name is None or (route.name not in SCOPED and route.name not in UNSCOPED))
    ]
    problems += [f"{name} is both in SCOPED and in UNSCOPED" for name in sorted(SCOPED.keys() & UNSCOPED.keys())]
    problems += [f"{name} is no longer in the URL conf" for name in sorted((SCOPED.keys() | UNSCOPED.keys()) - names)]
    assert not problems, "\n".join(problems)


def test_url_walk_finds_nested_namespaces_and_converters():
    by_name = {route.name: route for route in ROUTES}
    assert by_name["partnerships:share_detail"].kwargs == {"pk"}
    assert by_name["agreements:clause_edit"].kwargs == {"pk", "key"}
    assert by_name["agreements:resolve_thread"].kwargs == {"thread_pk"}
    assert any(is_admin(route) and route.kwargs == {"object_id"} for route in ROUTES)


@pytest.mark.django_db
def test_unrelated_users_get_404_on_every_object_url(client, owned, unrelated):
    routes_by_name = defaultdict(list)
    for route in ROUTES:
        routes_by_name[route.name].append(route)
    failures = []

    # Every URL the table builds, with the methods its view takes.
    cases = []
    for name, entry in SCOPED.items():
        takes = {route.kwargs for route in routes_by_name[name]}
        for kwargs in entry.build(owned):
            if frozenset(kwargs) not in takes:
                failures.append(f"{name}: SCOPED builds {sorted(kwargs)}; its routes take {sorted(map(sorted, takes))}")
                continue
            url = reverse(name, kwargs=kwargs)
            cases.append((name, url, accepted_methods(resolve(url).func), entry))

    # The owning side can reach each object, so the 404s below are scoping, not a missing object.
    for name, url, methods, entry in cases:
        client.force_login(owned.people[entry.insider])
        method = "GET" if "GET" in methods else "POST"
        response, _ = send(client, method, url)
        if response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL)):
            failures.append(f"{name} {method} {url} as {entry.insider} of the owners: sent to log in")
        elif response.status_code == 404:
            failures.append(
                f"{name} {method} {url} as {entry.insider} of the owners: 404. The table names an object its "
                "owners cannot open, so an unrelated user's 404 would prove nothing."
            )
        missing = [header for header in SECURITY_HEADERS if header not in response.headers]
        if missing:
            failures.append(f"{name} {method} {url}: no {', '.join(missing)} header")
    client.logout()

    requests = 0
    for persona, user in unrelated.items():
        act_as(client, user)
        for name, url, methods, entry in cases:
            for method in ("GET", "POST"):
                requests += 1
                try:
                    response, body = send(client, method, url)
                except Exception as error:  # a crash is one more failure to list, not the end of the walk
                    failures.append(f"{name} {method} {url} as {persona}: raised {error!r}")
                    continue
                why = check(persona, user, response, body, accepted=method in methods, expected=entry.unrelated)
                if why:
                    failures.append(
                        f"{name} {method} {url} as {persona}: {response.status_code}{shown(response, body)}; {why}"
                    )

    assert len(cases) >= len(SCOPED)
    assert requests == len(cases) * 2 * len(unrelated)
    assert not failures, f"{len(failures)} of {requests} requests answered wrongly:\n" + "\n".join(failures)


# What a staff member of the owning institution may open of its agreements (README, Roles): the
# agreement in force and its signed PDF. Every other agreement URL of the table is a 404 for them.
STAFF_MAY_OPEN = {("agreements:detail", "signed_agreement"), ("agreements:signed_pdf", "signed_agreement")}


@pytest.mark.django_db
def test_staff_of_the_owners_open_only_the_agreement_in_force_and_its_signed_pdf(client, owned):
    """Not drafts, versions, review comments, draft PDFs or comparisons, not even of the agreement
    in force: every agreement URL in SCOPED, with every method its view takes."""
    objects = {owned.signed_agreement.pk: "signed_agreement", owned.reworked_agreement.pk: "reworked_agreement"}
    client.force_login(owned.people["staff"])
    failures, opened = [], set()
    for name, entry in SCOPED.items():
        if not name.startswith("agreements:") or name == "agreements:create" or name.startswith("agreements:template"):
            continue  # a partnership (drafting is refused with 403), or templates (administrators')
        for kwargs in entry.build(owned):
            url = reverse(name, kwargs=kwargs)
            which = objects.get(kwargs.get("pk"), "thread or proposal")
            for method in sorted(accepted_methods(resolve(url).func)):
                response, body = send(client, method, url)
                want = 200 if (name, which) in STAFF_MAY_OPEN else 404
                if response.status_code != want:
                    failures.append(f"{name} {method} {url} ({which}): {response.status_code}{shown(response, body)}")
                elif want == 200:
                    opened.add((name, which))
    assert opened == STAFF_MAY_OPEN
    assert not failures, "a staff member of the owning institution got:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_admin_site_is_closed_to_unrelated_users(client, owned, unrelated):
    """The admin site (every admin: URL) is for administrators: never a 200 for anyone else."""
    urls = [
        reverse("admin:index"),
        reverse("admin:partnerships_partnership_change", args=[owned.partnership.pk]),
        reverse("admin:agreements_agreement_change", args=[owned.signed_agreement.pk]),
        reverse("admin:partnerships_informationshare_change", args=[owned.share.pk]),
        reverse("admin:training_session_changelist"),
        reverse("admin:training_session_change", args=[owned.session.pk]),
        reverse("admin:training_booking_change", args=[owned.booking.pk]),
    ]
    failures = []
    for persona, user in unrelated.items():
        act_as(client, user)
        for url in urls:
            response, body = send(client, "GET", url)
            if response.status_code == 200 or (user is None and response.status_code != 302):
                failures.append(f"admin {url} as {persona}: {response.status_code}{shown(response, body)}")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_public_urls_open_only_what_their_secret_names(client, owned, unrelated):
    """The public URLs (UNSCOPED) answer 404 for anything but a signed agreement or a live token."""
    unsigned = reverse("agreements:verify", args=[owned.reworked_agreement.public_id])
    unknown_token = reverse("training:feed", args=["not-a-token"])
    unknown_invitation = reverse("people:accept", args=["not-a-token"])
    failures = []
    for persona, user in unrelated.items():
        act_as(client, user)
        for url in (unsigned, unknown_token, unknown_invitation):
            response, body = send(client, "GET", url)
            if response.status_code != 404:
                failures.append(f"{url} as {persona}: {response.status_code}{shown(response, body)}; expected 404")
    assert not failures, "\n".join(failures)


# --- The roles inside the owners' partnership -----------------------------------------------------


def _partnership_and_agreement_cases(owned):
    """(name, url, methods) of every partnership and agreement URL of the table."""
    for name, entry in SCOPED.items():
        if not name.startswith(("partnerships:", "agreements:")) or name.startswith("agreements:template"):
            continue
        for kwargs in entry.build(owned):
            url = reverse(name, kwargs=kwargs)
            yield name, url, accepted_methods(resolve(url).func)


# What an agency liaison officer of the partnership opens (README, Roles): the partnership and
# its parties, its engagements and actions, and the forms to record and change them (an action's
# status form answers with a redirect to the action). Shares and agreements are 404; recording a
# share on the partnership they see is 403.
AGENCY_OPENS = {
    "partnerships:organisation_detail",
    "partnerships:partnership_detail",
    "partnerships:engagement_delete",
    "partnerships:action_status",
    "partnerships:partnership_history",
    "partnerships:engagement_detail",
    "partnerships:engagement_create",
    "partnerships:engagement_edit",
    "partnerships:action_create",
    "partnerships:action_detail",
    "partnerships:action_edit",
}


# Drafting an agreement or recording a share on a partnership they see: 403, not 404.
REFUSED_ON_A_VISIBLE_PARTNERSHIP = ("agreements:create", "partnerships:share_create")
# Pages that read and take any method (a POST shows the same page): no write to refuse.
READING_PAGES = {
    "partnerships:organisation_detail",
    "partnerships:partnership_detail",
    "partnerships:partnership_history",
    "partnerships:engagement_detail",
    "partnerships:action_detail",
    "agreements:detail",
    "agreements:clauses",
    "agreements:preview",
}


@pytest.mark.django_db
def test_an_agency_officer_of_the_partnership_sees_its_activity_and_never_its_shares_or_agreements(client, owned):
    officer = _agency_officer(owned.partnership, "Canal and River Trust North", "agency.officer")
    client.force_login(officer)
    failures, opened = [], set()
    for name, url, methods in _partnership_and_agreement_cases(owned):
        response, body = send(client, "GET" if "GET" in methods else "POST", url)
        if name in AGENCY_OPENS:
            if response.status_code in (200, 302):
                opened.add(name)
            else:
                failures.append(f"{name} {url}: {response.status_code}{shown(response, body)}; expected 200")
        elif name.startswith(("partnerships:share", "agreements:")) and name not in REFUSED_ON_A_VISIBLE_PARTNERSHIP:
            if response.status_code != 404:
                failures.append(f"{name} {url}: {response.status_code}{shown(response, body)}; expected 404")
        elif response.status_code not in (403, 404, 405):
            failures.append(f"{name} {url}: {response.status_code}{shown(response, body)}; expected a refusal")
    assert opened == AGENCY_OPENS
    assert not failures, "an agency liaison officer of the partnership got:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_a_senior_sponsor_reads_the_partnership_and_its_agreements_and_changes_nothing(client, owned):
    sponsor = factories.UserFactory(organisation=owned.university, username="uni.sponsor", role="senior_sponsor")
    client.force_login(sponsor)
    failures = []
    for path in (
        owned.partnership.get_absolute_url(),
        owned.engagement.get_absolute_url(),
        owned.action.get_absolute_url(),
        reverse("agreements:detail", args=[owned.reworked_agreement.pk]),
        reverse("agreements:review", args=[owned.reworked_agreement.pk]),
        reverse("agreements:detail", args=[owned.signed_agreement.pk]),
    ):
        response, body = send(client, "GET", path)
        if response.status_code != 200:
            failures.append(f"GET {path}: {response.status_code}{shown(response, body)}; expected 200")
    for name, url, methods in _partnership_and_agreement_cases(owned):
        if "POST" not in methods or name in READING_PAGES:
            continue
        response, body = send(client, "POST", url)
        shares = name.startswith("partnerships:share") and name not in REFUSED_ON_A_VISIBLE_PARTNERSHIP
        want = (404,) if shares else (403, 404)
        if response.status_code not in want:
            failures.append(f"POST {name} {url}: {response.status_code}{shown(response, body)}; expected {want}")
    assert not failures, "a senior sponsor of the institution got:\n" + "\n".join(failures)
