"""The draft PDF waiting page: accessible while it waits, and it fetches the PDF once rendered."""

from django.urls import reverse
from playwright.sync_api import expect

from agreements import tasks
from tests.e2e.browser import check_accessibility, login, visit


def test_draft_pdf_page_waits_for_the_worker_then_offers_the_download(
    portal_page,
    in_review,
    police_liaison,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    page = portal_page
    login(page, police_liaison)
    visit(page, reverse("agreements:draft_pdf", args=[in_review.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft PDF of version 1")
    expect(page.get_by_text("Preparing the draft PDF…")).to_be_visible()

    tasks.render_draft_pdf(in_review.pk)  # what the Celery worker does; none runs beside the live server
    expect(page.get_by_text("The draft PDF is ready.")).to_be_visible(timeout=10_000)  # htmx checked back
    check_accessibility(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download draft PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
