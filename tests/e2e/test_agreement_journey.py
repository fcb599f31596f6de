"""A memorandum of understanding from the first draft to a verified signed PDF, through the real UI.

The university's liaison officer drafts the MOU from the partnership page, edits a clause with
its guidance beside it, includes an optional clause and submits it, after the portal has
refused a months value of 0 and a submission with a placeholder still empty. The force's
liaison officer comments on a clause and asks for changes; the university revises that clause
and submits version 2, and the comparison marks what changed. The force approves and signs,
the university signs, the signed PDF is downloaded and read, and an anonymous visitor checks it
on the public verification page. Only the partnership, its contacts and sponsors are made with
factories, and the default template is the one the data migration loads; every page shown is
checked with axe.
"""

import hashlib
import importlib
import io
import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from agreements import services, tasks
from agreements.forms import MONTHS_MESSAGE
from agreements.models import Agreement
from tests import factories
from tests.e2e.browser import (
    address,
    check_accessibility,
    follow,
    heading,
    log_out,
    login,
    long,
    main_nav_link,
    status_message,
    visit,
)
from tests.factories import PASSWORD
from tests.fixtures.agreements import default_template
from tests.helpers import second_factor_device, totp_code

TITLE = "Safer Northbridge campus"  # the partnership's, from the shared fixture
MOU = f"Memorandum of understanding: {TITLE}"
AREA = "the Northbridge campus, its halls of residence and the streets around them"
MEETINGS_ADDED = "The students' union will be invited to one meeting each term."
STATISTICS_OLD = "Small numbers will be withheld or grouped where they could allow a person to be identified."
STATISTICS_NEW = "Counts below five will be withheld or grouped so that nobody can be identified."
COMMENT = "Please say exactly which small counts are withheld: our data protection officer asks for a number."
CHANGES = "Set a clear threshold for small numbers in clause 4.3, then send it back."
CLAUSES = importlib.import_module("agreements.migrations.0002_default_template").TEMPLATE["clauses"]
GUIDANCE = {clause["key"]: clause["guidance"] for clause in CLAUSES}
REQUIRED = sum(clause["required"] for clause in CLAUSES)


def error_message(page: Page) -> Locator:
    return page.get_by_role("alert")


def months(page: Page, label: str) -> Locator:
    return page.get_by_role("spinbutton", name=label, exact=True)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_an_mou_from_draft_to_a_verified_signed_pdf(
    portal_page,
    partnership,
    university,
    police_force,
    university_liaison,
    police_liaison,
    settings,
    tmp_path,
):
    page = portal_page
    settings.MEDIA_ROOT = tmp_path  # the signed PDF is stored here, not in var/media
    template = default_template()
    partnership.institution_sponsor = factories.ContactFactory(
        organisation=university, name="Professor Alan Reid", job_title="Pro Vice-Chancellor"
    )
    partnership.police_sponsor = factories.ContactFactory(
        organisation=police_force, name="Ch Supt Sarah Lee", job_title="Local policing lead"
    )
    partnership.save()
    effective = timezone.localdate() + timedelta(days=30)

    # 1. The university's liaison officer drafts the MOU from the partnership page.
    login(page, university_liaison)
    follow(page, main_nav_link(page, "Partnerships"))
    follow(page, page.get_by_role("link", name=TITLE))
    follow(page, page.get_by_role("region", name="Agreement", exact=True).get_by_role("link", name="Draft an MOU"))
    expect(heading(page)).to_have_text("Draft a memorandum of understanding")
    expect(page.get_by_label("Template").locator("option:checked")).to_have_text(str(template))
    expect(page.get_by_label("Title")).to_have_value(MOU)
    # The sponsors have no portal account, so cannot sign: the drafter chooses the liaison officers.
    signs_for_university = page.get_by_label("Signs for University of Northbridge")
    expect(signs_for_university.locator("option", has_text="Professor Alan Reid")).to_have_count(0)
    signs_for_university.select_option(label="Priya Shah, Liaison officer")
    page.get_by_label("Signs for Northbridge Police").select_option(label="PS Daniel Okafor, Liaison officer")
    page.get_by_label("Area covered").fill(AREA)
    months(page, "Meet every (months)").fill("0")  # refused: at least 1
    months(page, "Share statistics every (months)").fill("6")
    months(page, "Joint training every (months)").fill("12")
    page.get_by_label("Effective date").fill(effective.isoformat())
    months(page, "Term (months)").fill("36")
    months(page, "Review every (months)").fill("12")
    # The notice period stays empty for now: a draft may be incomplete.
    follow(page, page.get_by_role("button", name="Start the draft"))

    expect(heading(page)).to_have_text("Draft a memorandum of understanding")
    expect(months(page, "Meet every (months)")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text(MONTHS_MESSAGE)
    expect(page.get_by_label("Area covered")).to_have_value(AREA)
    months(page, "Meet every (months)").fill("3")
    follow(page, page.get_by_role("button", name="Start the draft"))

    expect(heading(page)).to_have_text(MOU)
    expect(status_message(page)).to_contain_text(f"Draft “{MOU}” started.")
    agreement = Agreement.objects.get(partnership=partnership)
    agreement_url = address(page.url)
    assert agreement_url == agreement.get_absolute_url()
    details = page.get_by_role("region", name="Details", exact=True)
    expect(details).to_contain_text(AREA)
    expect(details).to_contain_text(long(effective))
    expect(page.get_by_test_id("missing-placeholders")).to_contain_text("Notice period (months)")

    # A clause edited with its guidance in view.
    follow(page, page.get_by_role("link", name="Edit clauses"))
    expect(heading(page)).to_have_text("Clauses")
    follow(page, page.get_by_role("link", name="Edit Regular liaison"))
    expect(heading(page)).to_have_text("Edit clause: Regular liaison")
    guidance = page.get_by_role("region", name="Guidance", exact=True)
    expect(guidance).to_be_visible()
    expect(guidance).to_contain_text(GUIDANCE["liaison_meetings"])
    text = page.get_by_label("Text")
    form_box, guidance_box = text.bounding_box(), guidance.bounding_box()
    assert guidance_box["x"] >= form_box["x"] + form_box["width"], "the guidance is not beside the form"
    assert guidance_box["y"] < form_box["y"] + form_box["height"], "the guidance is not beside the form"
    text.fill(f"{text.input_value()}\n\n{MEETINGS_ADDED}")
    follow(page, page.get_by_role("button", name="Save clause"))
    expect(status_message(page)).to_contain_text("Clause “Regular liaison” saved.")
    liaison = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name="Regular liaison"))
    expect(liaison).to_contain_text(MEETINGS_ADDED)
    expect(liaison).to_contain_text("will meet every 3 months")

    # An optional clause included.
    patrols = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Joint patrols in the night-time economy")
    )
    expect(patrols).to_contain_text("Optional: left out")
    follow(page, page.get_by_role("link", name="Edit Joint patrols in the night-time economy"))
    expect(page.get_by_role("main")).to_contain_text("This clause is optional.")
    include = page.get_by_label("Include this clause in the agreement")
    expect(include).not_to_be_checked()
    include.check()
    follow(page, page.get_by_role("button", name="Save clause"))
    expect(status_message(page)).to_contain_text("Clause “Joint patrols in the night-time economy” saved.")
    expect(patrols).to_contain_text("Optional: included")

    # The preview reads as the agreement will, the missing notice period highlighted.
    follow(page, page.get_by_role("link", name="Preview the agreement"))
    expect(heading(page)).to_have_text("Preview")
    document = page.get_by_role("article", name=MOU)
    expect(document).to_contain_text("Between University of Northbridge and Northbridge Police")
    expect(document).to_contain_text(MEETINGS_ADDED)
    expect(document.get_by_role("heading", name="13. Optional provisions")).to_be_visible()
    expect(document.get_by_role("heading", name="13.1 Joint patrols in the night-time economy")).to_be_visible()
    expect(document).to_contain_text(f"This memorandum lasts for 36 months from {long(effective)}")
    expect(document.locator("mark")).to_have_text(["Not filled in: {notice_period}"])
    expect(page.get_by_test_id("missing-placeholders")).to_contain_text("Notice period (months)")

    # Submitting with the notice period empty is refused, naming the placeholder.
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=MOU))
    follow(page, page.get_by_role("button", name="Submit for review"))
    assert address(page.url) == agreement_url
    expect(error_message(page)).to_contain_text(
        "Fill in every placeholder before submitting. Still empty: Notice period (months)."
    )
    follow(page, page.get_by_test_id("missing-placeholders").get_by_role("link", name="fill in Notice period (months)"))
    expect(heading(page)).to_have_text("Edit the agreement's details")
    expect(months(page, "Meet every (months)")).to_have_value("3")
    months(page, "Notice period (months)").fill("3")
    follow(page, page.get_by_role("button", name="Save details"))
    expect(status_message(page)).to_contain_text("Details saved.")
    expect(page.get_by_test_id("missing-placeholders")).to_have_count(0)
    follow(page, page.get_by_role("button", name="Submit for review"))
    expect(status_message(page)).to_contain_text("Version 1 sent to Northbridge Police for review.")
    expect(page.get_by_test_id("next-step")).to_contain_text("Northbridge Police's liaison officers review the text")
    log_out(page, university_liaison)

    # 2. The force's liaison officer comments on a clause and asks for changes.
    login(page, police_liaison)
    awaiting = page.get_by_role("region", name="MOUs awaiting your review")
    expect(awaiting).to_contain_text("waiting for you")
    follow(page, awaiting.get_by_role("link", name=MOU))
    expect(heading(page)).to_have_text(MOU)
    follow(page, page.get_by_role("link", name="Review this version"))
    statistics = page.get_by_role("region", name="4.3 Statistics and trends")
    expect(statistics).to_contain_text(STATISTICS_OLD)
    follow(page, statistics.get_by_role("link", name="Comment on clause 4.3"))  # opens the clause's form
    statistics.get_by_role("textbox", name="Comment on clause 4.3").fill(COMMENT)
    follow(page, statistics.get_by_role("button", name="Add comment on clause 4.3"))
    expect(status_message(page)).to_contain_text("Your comment on clause 4.3 was added, shared with the other side.")
    comment = statistics.get_by_test_id("comment")
    expect(comment).to_contain_text(COMMENT)
    expect(comment).to_contain_text("Northbridge Police")
    expect(page.get_by_test_id("open-total")).to_have_text("1")

    decision = page.get_by_role("region", name="Your decision on version 1")
    follow(page, decision.get_by_role("link", name="Request changes"))
    expect(heading(page)).to_have_text("Request changes to version 1")
    expect(page.get_by_role("main")).to_contain_text("There is 1 open thread on the clauses")
    page.get_by_label("What needs to change").fill(CHANGES)
    follow(page, page.get_by_role("button", name="Request changes"))
    assert address(page.url) == agreement_url
    expect(status_message(page)).to_contain_text(
        "You requested changes to version 1. University of Northbridge can now revise the draft."
    )
    log_out(page, police_liaison)

    # 3. The university revises the commented clause and submits version 2.
    login(page, university_liaison)
    follow(page, main_nav_link(page, "Agreements"))
    expect(heading(page)).to_have_text("Agreements")
    follow(page, page.get_by_role("link", name=MOU))
    expect(page.get_by_test_id("next-step")).to_contain_text("Northbridge Police asked for changes")
    follow(page, page.get_by_role("button", name="Revise the draft"))
    expect(status_message(page)).to_contain_text("Back to draft. Make the changes, then submit version 2.")
    follow(page, page.get_by_role("link", name="Version 1 and its comments"))
    expect(page.get_by_role("region", name="Changes requested")).to_contain_text(CHANGES)
    expect(page.get_by_role("region", name="4.3 Statistics and trends").get_by_test_id("comment")).to_contain_text(
        COMMENT
    )
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=MOU))
    follow(page, page.get_by_role("link", name="Edit clauses"))
    follow(page, page.get_by_role("link", name="Edit Statistics and trends"))
    expect(page.get_by_role("region", name="Guidance", exact=True)).to_contain_text(GUIDANCE["anonymised_statistics"])
    text = page.get_by_label("Text")
    body = text.input_value()
    assert STATISTICS_OLD in body
    text.fill(body.replace(STATISTICS_OLD, STATISTICS_NEW))
    follow(page, page.get_by_role("button", name="Save clause"))
    expect(status_message(page)).to_contain_text("Clause “Statistics and trends” saved.")
    follow(page, page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=MOU))
    follow(page, page.get_by_role("button", name="Submit for review"))
    expect(status_message(page)).to_contain_text("Version 2 sent to Northbridge Police for review.")
    expect(page.get_by_test_id("versions").get_by_role("row")).to_have_count(3)  # a header and two versions

    # Version 1 against version 2: only the commented clause changed, word by word.
    follow(page, page.get_by_role("link", name="Compare versions"))
    expect(heading(page)).to_have_text("Compare versions")
    expect(page.get_by_label("From version").locator("option:checked")).to_have_text("Version 1")
    expect(page.get_by_label("To version").locator("option:checked")).to_have_text("Version 2")
    expect(page.get_by_test_id("diff-summary")).to_contain_text(
        f"1 clause changed, 0 added, 0 removed, {REQUIRED} unchanged."  # the required ones and the patrols, less 4.3
    )
    changed = page.get_by_role("region", name=re.compile(r"^4\.3 Statistics and trends"))
    expect(changed).to_contain_text("Changed")
    deleted = changed.get_by_role("deletion")
    inserted = changed.get_by_role("insertion")
    expect(deleted.first).to_be_visible()
    expect(inserted.first).to_be_visible()
    removed_words = " ".join(deleted.all_inner_texts())
    added_words = " ".join(inserted.all_inner_texts())
    assert "Small numbers" in removed_words and "could allow a person" in removed_words, removed_words
    assert "Counts below five" in added_words and "nobody can" in added_words, added_words
    assert "withheld or grouped" not in removed_words + added_words, "unchanged words were marked"
    log_out(page, university_liaison)

    # 4. The force approves version 2 and signs it; then the university signs.
    login(page, police_liaison)
    follow(page, page.get_by_role("region", name="MOUs awaiting your review").get_by_role("link", name=MOU))
    # The comment on 4.3 is still open: approving takes the review page's acknowledgement.
    follow(page, page.get_by_role("link", name="Approve version 2"))
    decision = page.get_by_role("region", name="Your decision on version 2")
    decision.get_by_label("I have read the 1 open shared thread and approve with it still open").check()
    follow(page, decision.get_by_role("button", name="Approve version 2"))
    expect(status_message(page)).to_contain_text("Both sides have approved version 2. It is ready to sign.")
    follow(page, page.get_by_role("link", name="Sign version 2"))
    expect(heading(page)).to_have_text(f"Sign {MOU}")
    version = agreement.versions.get(number=2)
    expect(page.get_by_test_id("version-sha256")).to_have_text(version.sha256)
    expect(page.get_by_label("Position")).to_have_value("Liaison officer")  # from their contact record
    # No name to type: the account signs as itself, after giving its password and a code again.
    expect(page.get_by_label("Your full name")).to_have_count(0)
    expect(page.get_by_test_id("signing-account")).to_contain_text(f"You sign as {police_liaison.get_full_name()}")
    page.get_by_label("Position").fill("Police Sergeant, campus liaison")
    confirmation = page.get_by_label(
        "I confirm I have authority to sign this memorandum for Northbridge Police, and that I have read version 2."
    )
    confirmation.check()
    page.get_by_label("Your password").fill("not the password")
    page.get_by_label("Code from your authenticator app").fill(totp_code(second_factor_device(police_liaison)))
    follow(page, page.get_by_role("button", name="Sign version 2"))
    expect(page.get_by_label("Your password")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("main")).to_contain_text("That password or code is not right.")
    assert not agreement.signatures.exists()
    expect(confirmation).to_be_checked()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(totp_code(second_factor_device(police_liaison)))
    follow(page, page.get_by_role("button", name="Sign version 2"))
    expect(status_message(page)).to_contain_text(
        "You signed version 2 for Northbridge Police. It comes into force when University of Northbridge signs too."
    )
    log_out(page, police_liaison)

    login(page, university_liaison)
    panel = page.get_by_role("region", name="Memoranda of understanding")
    follow(page, panel.get_by_role("link", name=MOU))
    follow(page, page.get_by_role("link", name="Sign version 2"))
    expect(page.get_by_role("region", name="Signatures", exact=True)).to_contain_text(
        f"{police_liaison.get_full_name()}, Police Sergeant, campus liaison, for Northbridge Police"
    )
    expect(page.get_by_label("Code from your authenticator app")).to_have_count(0)  # she has no second factor
    page.get_by_label("Position").fill("Head of Student Safety")
    page.get_by_label(
        "I confirm I have authority to sign this memorandum for University of Northbridge, "
        "and that I have read version 2."
    ).check()
    page.get_by_label("Your password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Sign version 2"))
    expect(status_message(page)).to_contain_text(
        f"Both sides have now signed. It comes into force on {long(effective)}."
    )
    expect(page.get_by_test_id("review-actions")).to_contain_text("The signed PDF is being prepared.")
    expect(page.get_by_text(f"Signed, in force from {long(effective)}", exact=True)).to_be_visible()

    # 5. In force on its effective date, with its signed PDF. The last signature queues
    # render_signed_pdf on commit, and beat runs the coming into force daily, but no Celery
    # worker runs beside the live server: run the work here, in this process.
    assert tasks.render_signed_pdf(agreement.pk) != "skipped"
    assert services.bring_into_force(today=effective) == 1
    page.reload()
    check_accessibility(page)
    expect(page.get_by_text("In force", exact=True)).to_be_visible()
    expect(page.get_by_test_id("next-step")).to_contain_text("The agreement is in force.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download signed PDF").click()
    download = download_info.value
    assert download.failure() is None, download.failure()
    content = download.path().read_bytes()
    assert content.startswith(b"%PDF")
    pdf_sha256 = hashlib.sha256(content).hexdigest()
    agreement.refresh_from_db()
    assert pdf_sha256 == agreement.signed_pdf_sha256
    text = pdf_text(content)
    flat = " ".join(text.split())
    signers = (police_liaison.get_full_name(), university_liaison.get_full_name())
    for expected in ("University of Northbridge", "Northbridge Police", *signers, "authenticator app code"):
        assert expected in flat, f"{expected!r} is not in the signed PDF"
    assert version.sha256 in "".join(text.split()), "the signed text's SHA-256 is not in the signed PDF"
    assert STATISTICS_NEW in flat and STATISTICS_OLD not in flat  # version 2's text, not version 1's
    assert "DRAFT" not in text

    verification_url = page.get_by_role("link", name="Public verification page").get_attribute("href")
    log_out(page, university_liaison)

    # Anyone holding the PDF can check it, without seeing the text.
    visit(page, verification_url)
    expect(heading(page)).to_have_text(MOU)
    expect(page.get_by_test_id("parties")).to_have_text("University of Northbridge and Northbridge Police")
    expect(page.get_by_test_id("pdf-sha256")).to_have_text(pdf_sha256)
    expect(page.get_by_test_id("text-sha256")).to_have_text(version.sha256)
    signatures = page.get_by_test_id("signature")
    expect(signatures).to_have_count(2)
    police_signature = signatures.filter(has_text=police_liaison.get_full_name())
    expect(police_signature).to_contain_text("Northbridge Police")
    expect(police_signature).to_contain_text("Password and authenticator app code")
    university_signature = signatures.filter(has_text=university_liaison.get_full_name())
    expect(university_signature).to_contain_text("Head of Student Safety")
    expect(university_signature).to_contain_text("Password")
    main = page.get_by_role("main")
    for clause_text in (STATISTICS_NEW, MEETINGS_ADDED, "The single points of contact will meet", AREA):
        expect(main).not_to_contain_text(clause_text)
    expect(page.get_by_role("link", name="Open this memorandum in the portal")).to_have_count(0)
