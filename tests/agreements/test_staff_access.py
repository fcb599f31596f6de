"""Staff members, as README's role table has them: the agreements their organisation has signed
(in force, or since ended or superseded) and their signed PDFs, and nothing of the drafting and
review behind them: drafts, versions, review comments, draft PDFs, comparisons. Anything else is
404, as for anything a user may not see."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts import reauth
from agreements import services
from agreements.models import A, Agreement

pytestmark = pytest.mark.django_db

COMMENT = "Name the halls of residence."
CHANGES = "See the comment on the parties."


def url(name, agreement, *args):
    return reverse(f"agreements:{name}", args=[agreement.pk, *args])


def sign_both(agreement, police_liaison, university_liaison):
    for person, authentication in ((police_liaison, reauth.PASSWORD_AND_APP), (university_liaison, reauth.PASSWORD)):
        services.sign(
            agreement,
            by=person,
            position="Liaison officer",
            authentication=authentication,
            ip_address=None,
            confirmed=True,
        )
    agreement.refresh_from_db()


@pytest.fixture
def reviewed(in_review, police_liaison, university_liaison):
    """Version 1 commented on and sent back, version 2 submitted: a review history to hide."""
    comment = services.comment_on_clause(in_review, clause_key="parties", body=COMMENT, by=police_liaison)
    services.request_changes(in_review, by=police_liaison, comment=CHANGES)
    services.revise(in_review, by=university_liaison)
    services.submit_for_review(in_review, by=university_liaison)
    in_review.refresh_from_db()
    in_review.comment = comment
    return in_review


@pytest.fixture
def in_force(reviewed, police_liaison, university_liaison, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # The force's thread on version 1 is still open: approving acknowledges it.
    services.approve(reviewed, by=police_liaison, acknowledged=True)
    with django_capture_on_commit_callbacks(execute=False):
        sign_both(reviewed, police_liaison, university_liaison)
    content = b"%PDF-1.7 the signed memorandum"
    reviewed.signed_pdf_sha256 = hashlib.sha256(content).hexdigest()
    reviewed.signed_pdf.save("mou-signed.pdf", ContentFile(content), save=False)
    reviewed.save(update_fields=["signed_pdf", "signed_pdf_sha256"])
    return reviewed


def workings(agreement, comment):
    """Every page of an agreement's drafting and review, with the method it is used with."""
    return [
        (url("edit", agreement), "get"),
        (url("clauses", agreement), "get"),
        (url("clause_edit", agreement, "parties"), "get"),
        (url("preview", agreement), "get"),
        (url("submit", agreement), "post"),
        (url("revise", agreement), "post"),
        (url("review", agreement), "get"),
        (url("review", agreement) + "?version=1", "get"),
        (url("comment", agreement), "post"),
        (url("propose", agreement), "post"),
        (reverse("agreements:reply", args=[comment.pk]), "post"),
        (reverse("agreements:resolve_thread", args=[comment.pk]), "post"),
        (url("approve", agreement), "post"),
        (url("request_changes", agreement), "get"),
        (url("sign", agreement), "get"),
        (url("compare", agreement), "get"),
        (url("compare", agreement) + "?a=1&b=2", "get"),
        (url("draft_pdf", agreement), "get"),
    ]


def test_staff_see_nothing_of_an_agreement_in_progress(client, staff_member, reviewed):
    client.force_login(staff_member)
    for page, method in [(url("detail", reviewed), "get"), *workings(reviewed, reviewed.comment)]:
        data = {"clause_key": "parties", "body": "Hijacked", "comment": "Hijacked", "text": "Hijacked"}
        assert getattr(client, method)(page, data).status_code == 404, f"{method.upper()} {page}"
    assert reviewed.title not in client.get(reverse("agreements:list")).content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == A.IN_REVIEW and reviewed.comment.__class__.objects.count() == 1


@pytest.mark.parametrize("state", ["draft", "approved"])
def test_staff_do_not_see_drafts_or_unsigned_agreements(client, request, staff_member, state):
    agreement = request.getfixturevalue(state)
    client.force_login(staff_member)
    assert client.get(url("detail", agreement)).status_code == 404
    assert agreement.title not in client.get(reverse("agreements:list")).content.decode()


def test_staff_see_an_agreement_in_force_and_its_signed_pdf(client, staff_member, in_force):
    client.force_login(staff_member)
    detail = client.get(url("detail", in_force))
    assert detail.status_code == 200
    pdf = client.get(url("signed_pdf", in_force))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert in_force.title in client.get(reverse("agreements:list")).content.decode()

    page = detail.content.decode()
    assert url("signed_pdf", in_force) in page and in_force.get_verification_url() in page
    for name in ("review", "compare", "clauses", "preview", "draft_pdf"):
        assert url(name, in_force) not in page, name
    assert 'data-testid="versions"' not in page
    assert CHANGES not in page and "Version 2 submitted for review" not in page
    signatures = detail.context["signatures"]  # who signed, and as what, is shown
    assert [s.full_name for s in signatures] == [s.signer.get_full_name() for s in in_force.signatures.all()]
    assert "(position as typed by the signer)" in page


def test_staff_see_nothing_of_the_review_behind_an_agreement_in_force(client, staff_member, in_force):
    client.force_login(staff_member)
    for page, method in workings(in_force, in_force.comment):
        assert getattr(client, method)(page).status_code == 404, f"{method.upper()} {page}"


@pytest.mark.parametrize("end", ["ended", "superseded"])
def test_staff_still_see_a_signed_agreement_that_ended_or_was_superseded(client, staff_member, in_force, end):
    Agreement.objects.filter(pk=in_force.pk).update(status=end)
    client.force_login(staff_member)
    assert client.get(url("detail", in_force)).status_code == 200
    assert client.get(url("signed_pdf", in_force)).status_code == 200
    assert client.get(url("review", in_force)).status_code == 404


def test_the_partnership_timeline_shows_staff_the_agreement_in_force_not_its_review(
    client, staff_member, university_liaison, in_force, partnership
):
    client.force_login(staff_member)
    titles = [event.title for event in client.get(partnership.get_absolute_url()).context["events"]]
    assert f"Agreement in force: {in_force.title}" in titles
    assert not any("review" in title or "Changes requested" in title for title in titles), titles

    client.force_login(university_liaison)
    titles = [event.title for event in client.get(partnership.get_absolute_url()).context["events"]]
    assert f"Agreement sent for review: {in_force.title}" in titles


@pytest.mark.parametrize("role", ["university_liaison", "police_liaison", "administrator"])
def test_liaison_officers_and_administrators_still_see_the_workings(client, personas, in_force, role):
    client.force_login(personas[role])
    for name in ("review", "compare", "clauses", "preview"):
        assert client.get(url(name, in_force)).status_code == 200, f"{role} {name}"
