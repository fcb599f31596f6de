"""Review and signing pages: comments, changes requested, approval, signatures, comparison,
the PDFs and the public verification page."""

import hashlib
import uuid

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.html import escape

from accounts import reauth, two_factor
from agreements import services, tasks
from agreements import text as agreement_text
from agreements.models import A, Agreement, AgreementVersion, ReviewComment, ReviewThread, Signature
from tests.factories import PASSWORD
from tests.helpers import assert_fixed_queries, assert_outsider_gets_404, second_factor_device, totp_code

pytestmark = pytest.mark.django_db

SIGNATURE = {"position": "Inspector", "confirmed": "on", "password": PASSWORD}
FAKE_PDF = b"%PDF-1.7 stored once, never rendered again"


def url(name, agreement, **query):
    address = reverse(f"agreements:{name}", args=[agreement.pk])
    return f"{address}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else address


def sign_as(agreement, user, **fields):
    return services.sign(
        agreement,
        by=user,
        position=fields.get("position", "Liaison officer"),
        authentication=fields.get("authentication", reauth.PASSWORD),
        ip_address="192.0.2.1",
        confirmed=True,
    )


def signature_data(user) -> dict:
    """The sign form filled in: the position, the confirmation, the password and, for someone
    with an authenticator (every police liaison officer), its current code."""
    if two_factor.has_device(user):
        return {**SIGNATURE, "code": totp_code(second_factor_device(user))}
    return SIGNATURE


def store_signed_pdf(agreement, content=FAKE_PDF):
    """What the render task leaves behind, without rendering."""
    agreement.signed_pdf_sha256 = hashlib.sha256(content).hexdigest()
    agreement.signed_pdf.save("mou-signed.pdf", ContentFile(content), save=False)
    agreement.save(update_fields=["signed_pdf", "signed_pdf_sha256"])


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def in_force(approved, police_liaison, university_liaison, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        sign_as(approved, police_liaison)
        sign_as(approved, university_liaison)
    approved.refresh_from_db()
    return approved


@pytest.fixture
def review_comment(in_review, police_liaison):
    return services.comment_on_clause(in_review, clause_key="scope", body="Include the city centre.", by=police_liaison)


# --- The whole path ----------------------------------------------------------------------------


def test_review_to_signatures_and_public_verification(
    client, in_review, police_liaison, university_liaison, monkeypatch, django_capture_on_commit_callbacks
):
    # The force reads version 1, comments on a clause and asks for changes.
    client.force_login(police_liaison)
    page = client.get(url("review", in_review)).content.decode()
    assert "It covers the Northbridge campus" in page and in_review.versions.get().sha256 in page
    response = client.post(url("comment", in_review), {"clause_key": "scope", "body": "Include the city centre."})
    thread = ReviewThread.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#thread-{thread.pk}")
    page = client.get(url("review", in_review)).content.decode()
    assert "Include the city centre." in page and "1 open" in page
    response = client.post(url("request_changes", in_review), {"comment": "See the comment on scope."})
    assert response.status_code == 302 and response["Location"] == in_review.get_absolute_url()
    in_review.refresh_from_db()
    assert in_review.status == A.CHANGES_REQUESTED

    # The university revises, resolves the comment and submits version 2.
    services.revise(in_review, by=university_liaison)
    services.update_clause(
        in_review.clauses.get(key="scope"),
        body="It covers {area_covered} and the city centre.",
        included=True,
        by=university_liaison,
    )
    client.force_login(university_liaison)
    page = client.get(url("review", in_review)).content.decode()
    assert "See the comment on scope." in page and "Include the city centre." in page
    services.submit_for_review(in_review, by=university_liaison)
    # The thread followed the clause into version 2; the force, who raised it, resolves it.
    client.force_login(police_liaison)
    page = client.get(url("review", in_review)).content.decode()
    assert "Include the city centre." in page and "Raised on version 1, carried into this version" in page
    response = client.post(reverse("agreements:resolve_thread", args=[thread.pk]))
    assert response["Location"] == url("review", in_review) + f"#thread-{thread.pk}"
    thread.refresh_from_db()
    assert thread.resolved_by == police_liaison

    # The force compares the versions and approves version 2.
    page = client.get(url("compare", in_review)).content.decode()
    assert "<ins>and the city centre</ins>" in page
    response = client.post(url("approve", in_review), {"comment": "Thank you."})
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == A.APPROVED

    # Both sign; the last signature enqueues the signed PDF, which is rendered once and stored.
    assert client.post(url("sign", in_review), signature_data(police_liaison)).status_code == 302
    client.force_login(university_liaison)
    monkeypatch.setattr(tasks.render_signed_pdf, "apply_async", lambda args, **_: tasks.render_signed_pdf.apply(args))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url("sign", in_review), signature_data(university_liaison), follow=True)
    assert len(callbacks) == 2  # the signed PDF and the notification emails, after commit
    assert "the memorandum is in force" in response.content.decode()
    agreement = Agreement.objects.get(pk=in_review.pk)
    assert agreement.status == A.IN_FORCE and agreement.signed_pdf and len(agreement.signed_pdf_sha256) == 64
    assert set(Signature.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
    download = client.get(url("signed_pdf", agreement))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == agreement.signed_pdf_sha256

    # Anyone holding the PDF can check it, without seeing the text.
    client.logout()
    response = client.get(agreement.get_verification_url())
    page = response.content.decode()
    assert response.status_code == 200 and response["X-Robots-Tag"] == "noindex"
    version = agreement.versions.get(number=2)
    assert version.sha256 in page and agreement.signed_pdf_sha256 in page
    assert escape(police_liaison.get_full_name()) in page and escape(university_liaison.get_full_name()) in page
    assert "Northbridge Police" in page and "Password and authenticator app code" in page
    assert "city centre" not in page and "It covers" not in page
    assert "127.0.0.1" not in page and "Include the" not in page


# --- Scoping and permissions -------------------------------------------------------------------

# (URL name, agreement fixture, method): every object URL of these pages, as it is used.
OBJECT_URLS = [
    ("review", "in_review", "get"),
    ("comment", "in_review", "post"),
    ("propose", "in_review", "post"),
    ("approve", "in_review", "post"),
    ("request_changes", "in_review", "get"),
    ("request_changes", "in_review", "post"),
    ("sign", "approved", "get"),
    ("sign", "approved", "post"),
    ("compare", "in_review", "get"),
    ("draft_pdf", "in_review", "get"),
    ("signed_pdf", "in_force", "get"),
]


@pytest.mark.parametrize(("name", "state", "method"), OBJECT_URLS, ids=[f"{m}-{n}" for n, _, m in OBJECT_URLS])
def test_outsider_gets_404(client, request, outsider, name, state, method):
    agreement = request.getfixturevalue(state)
    if name == "signed_pdf":
        store_signed_pdf(agreement)
    signatures = Signature.objects.count()
    data = {"clause_key": "scope", "body": "Hijacked", "comment": "Hijacked", "text": "Hijacked", **SIGNATURE}
    assert_outsider_gets_404(client, url(name, agreement), outsider, method, data)
    agreement.refresh_from_db()
    assert agreement.status == getattr(A, state.upper())
    assert not ReviewComment.objects.exists() and Signature.objects.count() == signatures


@pytest.mark.parametrize("name", ["reply", "resolve_thread"])
def test_outsider_gets_404_on_a_thread(client, outsider, review_comment, name):
    data = {"body": "Hijacked"}
    assert_outsider_gets_404(client, reverse(f"agreements:{name}", args=[review_comment.pk]), outsider, "post", data)
    review_comment.refresh_from_db()
    assert review_comment.is_open and review_comment.comments.count() == 1


@pytest.mark.parametrize(
    ("role", "name", "method", "status"),
    [
        # Staff members do not see an agreement in review at all (README, Roles).
        ("staff", "approve", "post", 404),
        ("staff", "request_changes", "get", 404),
        ("staff", "request_changes", "post", 404),
        ("staff", "comment", "post", 404),
        ("staff", "draft_pdf", "get", 404),
        ("university_liaison", "approve", "post", 403),  # approved on submission; the force decides
        ("university_liaison", "request_changes", "get", 403),
        ("university_liaison", "request_changes", "post", 403),
        ("administrator", "approve", "post", 403),
    ],
)
def test_review_decisions_are_refused_to_others(client, in_review, personas, role, name, method, status):
    client.force_login(personas[role])
    data = {"comment": "No", "clause_key": "scope", "body": "No"}
    assert getattr(client, method)(url(name, in_review), data).status_code == status
    in_review.refresh_from_db()
    assert in_review.status == A.IN_REVIEW and not ReviewComment.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("role", "status"), [("staff", 404), ("administrator", 403)])
def test_staff_and_administrators_cannot_sign(client, approved, personas, role, status, method):
    client.force_login(personas[role])  # staff members do not even see an agreement before it is signed
    assert getattr(client, method)(url("sign", approved), SIGNATURE).status_code == status
    assert not Signature.objects.exists()


def test_a_side_that_has_signed_cannot_sign_again(client, approved, police_liaison):
    sign_as(approved, police_liaison)
    client.force_login(police_liaison)
    assert client.get(url("sign", approved)).status_code == 403
    assert client.post(url("sign", approved), SIGNATURE).status_code == 403
    assert Signature.objects.count() == 1


def test_nobody_signs_before_approval(client, in_review, police_liaison):
    client.force_login(police_liaison)
    assert client.get(url("sign", in_review)).status_code == 403


def test_staff_member_cannot_resolve_threads(client, staff_member, review_comment):
    client.force_login(staff_member)
    assert client.post(reverse("agreements:resolve_thread", args=[review_comment.pk])).status_code == 404
    review_comment.refresh_from_db()
    assert review_comment.is_open


def test_staff_member_does_not_see_the_review(client, staff_member, review_comment):
    """Review comments are the liaison officers' (README, Roles); tests/agreements/test_staff_access.py
    has the rest of what staff members see of agreements."""
    client.force_login(staff_member)
    response = client.get(url("review", review_comment.agreement))
    assert response.status_code == 404 and "Include the city centre." not in response.content.decode()


# --- Review page -------------------------------------------------------------------------------


def test_review_page_shows_the_summary_with_open_comments_per_clause(client, police_liaison, review_comment):
    agreement = review_comment.agreement
    client.force_login(police_liaison)
    response = client.get(url("review", agreement))
    page = response.content.decode()
    assert 'href="#clause-scope"' in page and 'id="clause-scope"' in page
    assert "1 open" in page and review_comment.raised_on.sha256 in page
    assert f'href="{url("review", agreement)}?comment=scope#comment-form"' in page
    assert "Approve version 1" in page and "Request changes" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_comment_text_is_escaped(client, police_liaison, in_review):
    services.comment_on_clause(in_review, clause_key="scope", body="<script>alert(1)</script>", by=police_liaison)
    client.force_login(police_liaison)
    page = client.get(url("review", in_review)).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_an_empty_comment_is_shown_again_with_its_error(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.post(url("comment", in_review), {"clause_key": "scope", "body": "  "})
    assert response.status_code == 200
    assert "Write your comment." in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_a_comment_on_an_unknown_clause_is_refused(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.post(url("comment", in_review), {"clause_key": "county_lines", "body": "Hm"}, follow=True)
    assert "Choose a clause of this version" in response.content.decode()
    assert not ReviewComment.objects.exists()


def test_comments_close_once_changes_are_requested(client, police_liaison, in_review):
    services.request_changes(in_review, by=police_liaison, comment="Rework the scope.")
    client.force_login(police_liaison)
    page = client.get(url("review", in_review)).content.decode()
    assert "Rework the scope." in page and 'name="body"' not in page
    assert client.post(url("comment", in_review), {"clause_key": "scope", "body": "Late"}).status_code == 403


def test_request_changes_needs_a_comment(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.post(url("request_changes", in_review), {"comment": ""})
    assert response.status_code == 200
    assert "Say what needs to change" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == A.IN_REVIEW


def test_approval_by_the_force_makes_it_ready_to_sign(client, police_liaison, in_review):
    client.force_login(police_liaison)
    response = client.post(url("approve", in_review), follow=True)
    assert "It is ready to sign" in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.status == A.APPROVED


def test_an_earlier_version_shows_its_threads_without_new_comments(
    client, police_liaison, university_liaison, review_comment
):
    """Version 1 keeps its threads in reach; an open one also follows its clause into version 2."""
    agreement = review_comment.agreement
    services.request_changes(agreement, by=police_liaison, comment="Rework the scope.")
    services.revise(agreement, by=university_liaison)
    services.submit_for_review(agreement, by=university_liaison)
    client.force_login(police_liaison)
    latest = client.get(url("review", agreement)).content.decode()
    assert "Version 2 (latest)" in latest and "Include the city centre." in latest and "?comment=scope" in latest
    assert f"?reply={review_comment.pk}#reply-form" in latest
    response = client.get(url("review", agreement, version=1))
    page = response.content.decode()
    assert response.context["version"].number == 1 and 'data-testid="earlier-version"' in page
    assert "Include the city centre." in page and "Mark as resolved" in page
    assert "Comment on clause" not in page and "Approve version" not in page and "?reply=" not in page
    form = client.get(url("review", agreement, version=1, comment="scope", reply=review_comment.pk)).content.decode()
    assert 'name="body"' not in form and "Send reply" not in form


def test_review_page_without_a_submitted_version_says_so(client, university_liaison, draft):
    client.force_login(university_liaison)
    response = client.get(url("review", draft))
    assert response.status_code == 200 and 'data-testid="no-version"' in response.content.decode()


# --- Signing -----------------------------------------------------------------------------------


def test_sign_page_shows_the_version_and_prefills_the_position(client, police_liaison, approved):
    client.force_login(police_liaison)
    page = client.get(url("sign", approved)).content.decode()
    version = approved.versions.get()
    assert version.sha256 in page and "It covers the Northbridge campus" in page
    assert "for Northbridge Police, and that I have read version 1" in page
    assert 'value="Liaison officer"' in page  # the contact's job title


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"confirmed": ""}, "confirmed", "Confirm that you have authority to sign for your organisation."),
        ({"position": ""}, "position", "Give your position."),
        ({"password": ""}, "password", "Type your password to sign."),
        # With a second factor the form does not say whether the password or the code was wrong.
        ({"password": "DO"}, "password", reauth.WRONG),
        ({"code": ""}, "code", "Type the current code from your authenticator app."),
    ],
)
def test_sign_form_errors_are_shown_next_to_the_field(client, police_liaison, approved, change, field, message):
    client.force_login(police_liaison)
    data = {key: value for key, value in {**signature_data(police_liaison), **change}.items() if value}
    response = client.post(url("sign", approved), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not Signature.objects.exists()


def test_the_first_signature_waits_for_the_other_side(client, police_liaison, approved):
    client.force_login(police_liaison)
    response = client.post(url("sign", approved), signature_data(police_liaison), follow=True)
    assert "when University of Northbridge signs too" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == A.PARTLY_SIGNED


# --- Comparing versions ------------------------------------------------------------------------


def add_version(agreement, number, **changes):
    text = agreement.versions.get(number=1).text
    clauses = [{**c, "text": changes.get(c["key"], c["text"])} for c in text["clauses"]]
    text = {**text, "clauses": clauses}
    return AgreementVersion.objects.create(
        agreement=agreement, number=number, text=text, sha256=agreement_text.text_hash(text)
    )


def test_compare_defaults_to_the_previous_and_latest_versions(client, police_liaison, in_review):
    add_version(in_review, 2, scope="It covers <the> campus only.")
    add_version(in_review, 3, scope="It covers the whole city.")
    client.force_login(police_liaison)
    response = client.get(url("compare", in_review))
    assert (response.context["old"].number, response.context["new"].number) == (2, 3)
    page = response.content.decode()
    assert "<del>&lt;</del>the<del>&gt; campus only</del>" in page and "<the>" not in page
    assert "<ins>whole city</ins>" in page
    response = client.get(url("compare", in_review, a=1, b=3))
    assert response.context["counts"] == {"added": 0, "removed": 0, "changed": 1, "unchanged": 6}


def test_compare_with_an_unknown_version_shows_an_error_and_the_defaults(client, police_liaison, in_review):
    add_version(in_review, 2, scope="Changed.")
    client.force_login(police_liaison)
    response = client.get(url("compare", in_review, a=9, b=2))
    assert response.status_code == 200 and response.context["form"].errors["a"]
    assert (response.context["old"].number, response.context["new"].number) == (1, 2)


# --- PDFs --------------------------------------------------------------------------------------


def test_draft_pdf_is_rendered_in_celery_then_served_from_storage(
    client, administrator, in_review, django_capture_on_commit_callbacks, monkeypatch
):

    queued = []
    monkeypatch.setattr(tasks.render_draft_pdf, "apply_async", lambda args, **_: queued.extend(args))
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(url("draft_pdf", in_review))
    assert waiting.status_code == 202 and "Preparing the draft PDF" in waiting.content.decode()
    assert queued == [in_review.pk]
    check = client.get(url("draft_pdf", in_review), headers={"HX-Request": "true"})
    assert check.status_code == 202 and 'hx-trigger="every 2s"' in check.content.decode()

    assert len(tasks.render_draft_pdf(in_review.pk)) == 64  # the task body, as the worker runs it
    assert tasks.render_draft_pdf(in_review.pk) == "skipped"  # the same text is rendered once
    check = client.get(url("draft_pdf", in_review), headers={"HX-Request": "true"})
    assert check.status_code == 200 and "The draft PDF is ready" in check.content.decode()
    response = client.get(url("draft_pdf", in_review))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Cache-Control"] == "no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_changed_draft_gets_a_new_pdf(client, university_liaison, draft):

    tasks.render_draft_pdf(draft.pk)
    clause = draft.clauses.get(key="scope")
    services.update_clause(
        clause, body="It covers {area_covered} and the city centre.", included=True, by=university_liaison
    )
    client.force_login(university_liaison)
    assert client.get(url("draft_pdf", draft)).status_code == 202
    tasks.render_draft_pdf(draft.pk)
    assert draft.draft_pdfs.count() == 2


def test_signed_pdf_is_served_from_storage(client, staff_member, in_force, monkeypatch):
    store_signed_pdf(in_force)
    monkeypatch.setattr("agreements.documents.signed_document", None)  # rendering again would fail
    client.force_login(staff_member)
    response = client.get(url("signed_pdf", in_force))
    assert response.status_code == 200 and b"".join(response.streaming_content) == FAKE_PDF
    assert "attachment" in response["Content-Disposition"]


def test_signed_pdf_not_rendered_yet_is_a_friendly_404(client, police_liaison, in_force):
    client.force_login(police_liaison)
    response = client.get(url("signed_pdf", in_force))
    assert response.status_code == 404
    assert "The signed PDF is being prepared; try again in a minute." in response.content.decode()


# --- Verification ------------------------------------------------------------------------------


def test_verification_page_shows_the_pdf_is_being_prepared(client, in_force):
    response = client.get(in_force.get_verification_url())
    page = response.content.decode()
    assert response.status_code == 200 and "The signed PDF is being prepared." in page
    assert in_force.versions.get().sha256 in page


def test_verification_page_links_parties_to_the_agreement(client, university_liaison, in_force):
    client.force_login(university_liaison)
    assert in_force.get_absolute_url() in client.get(in_force.get_verification_url()).content.decode()


def test_verification_page_does_not_link_others_to_the_agreement(client, outsider, in_force):
    client.force_login(outsider)
    response = client.get(in_force.get_verification_url())
    assert response.status_code == 200 and in_force.get_absolute_url() not in response.content.decode()


@pytest.mark.parametrize("state", ["draft", "in_review", "approved"])
def test_verification_page_is_404_until_signed(client, request, state):
    agreement = request.getfixturevalue(state)
    assert client.get(agreement.get_verification_url()).status_code == 404


def test_verification_page_is_404_for_an_unknown_id(client, in_force):
    assert client.get(reverse("agreements:verify", args=[uuid.uuid4()])).status_code == 404


# --- The actions on the agreement page ---------------------------------------------------------


def actions_on_detail_page(client, user, agreement):
    client.force_login(user)
    return client.get(agreement.get_absolute_url()).content.decode()


def test_actions_for_the_force_in_review(client, police_liaison, in_review):
    page = actions_on_detail_page(client, police_liaison, in_review)
    for name in ("review", "approve", "request_changes", "draft_pdf"):
        assert url(name, in_review) in page, name
    assert url("sign", in_review) not in page and url("compare", in_review) not in page


def test_actions_for_a_staff_member_once_in_force(client, staff_member, in_force):
    store_signed_pdf(in_force)
    page = actions_on_detail_page(client, staff_member, in_force)
    assert url("signed_pdf", in_force) in page and in_force.get_verification_url() in page
    for name in ("review", "compare", "approve", "request_changes", "draft_pdf", "sign", "clauses", "preview"):
        assert url(name, in_force) not in page, name


def test_actions_once_in_force(client, university_liaison, in_force):
    store_signed_pdf(in_force)
    page = actions_on_detail_page(client, university_liaison, in_force)
    assert url("signed_pdf", in_force) in page and in_force.get_verification_url() in page
    assert url("draft_pdf", in_force) not in page and url("sign", in_force) not in page


def test_sign_action_for_a_side_yet_to_sign(client, university_liaison, approved):
    assert url("sign", approved) in actions_on_detail_page(client, university_liaison, approved)


# --- Query budgets -----------------------------------------------------------------------------


def test_review_page_queries_do_not_grow_with_threads(client, police_liaison, university_liaison, review_comment):
    agreement = review_comment.agreement
    client.force_login(police_liaison)

    def add_threads():
        for i in range(30):
            author = police_liaison if i % 2 else university_liaison
            key = ("parties", "scope", "meetings", "term")[i % 4]
            made = services.comment_on_clause(
                agreement, clause_key=key, body=f"Comment {i}", by=author, internal=i % 5 == 0
            )
            services.reply(made, body=f"Reply {i}", by=author)
            if i % 3 == 0:
                services.resolve_thread(made, by=author)
        services.propose_wording(agreement, clause_key="term", text="It lasts {term}.", by=police_liaison)

    assert_fixed_queries(client, url("review", agreement), add_threads, budget=17)


def test_compare_page_queries_do_not_grow_with_versions(client, police_liaison, in_review):
    add_version(in_review, 2, scope="Changed once.")
    client.force_login(police_liaison)

    def add_versions():
        for number in range(3, 13):
            add_version(in_review, number, scope=f"Changed {number} times.", parties=f"Parties {number}.")

    assert_fixed_queries(client, url("compare", in_review), add_versions, budget=8)
