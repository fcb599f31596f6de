"""Take the README's screenshots from a running portal with the demo data.

    RATE_LIMIT_TWO_FACTOR=1000 make run    # in one terminal (it logs the demo users in many times)
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000

Uses Debian's Chromium through Playwright, like the browser tests, and writes PNG files to
docs/screenshots/.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PASSWORD = "partnership-demo-2026"  # noqa: S105 - the demo password printed by seed_demo
MAIN = "University of Northbridge and Northbridge Police: safer campus partnership"


def log_in(page, base, username):
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/two-factor/verify/" in page.url:
        if username == "police.liaison":
            shot(page, "two-factor-verify", full_page=False)
        # The demo authenticators' codes, from the database the server uses (the same VAR_DIR).
        # A code works once: logging the same person in again within 30 s waits for the next.
        manage = Path(__file__).resolve().parent.parent / "manage.py"
        for _ in range(2):
            command = [sys.executable, str(manage), "demo_code", username]
            code = subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
            page.get_by_label("Code").fill(code)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
            if "/two-factor/verify/" not in page.url:
                break
            time.sleep(31 - time.time() % 30)


def shot(page, name, full_page=True):
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page)
    print(f"docs/screenshots/{name}.png  {page.url}")


def main(base):
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--lang=en-GB"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page.goto(f"{base}/accounts/login/")
        shot(page, "login", full_page=False)
        for username in ("uni.liaison", "police.liaison", "staff.member", "admin", "police.sponsor", "council.liaison"):
            log_in(page, base, username)
            shot(page, f"dashboard-{username}")

        log_in(page, base, "admin")
        page.goto(f"{base}/organisations/")
        shot(page, "organisation-list")
        page.get_by_role("link", name="Northbridge Police", exact=True).click()
        shot(page, "organisation-detail")

        log_in(page, base, "uni.liaison")
        page.goto(f"{base}/partnerships/")
        shot(page, "partnership-list")
        page.get_by_role("link", name=MAIN).click()
        shot(page, "partnership-detail")
        page.get_by_role("link", name="Share information").click()
        shot(page, "share-form")
        page.goto(f"{base}/actions/")
        shot(page, "my-actions")

        log_in(page, base, "police.liaison")
        page.goto(f"{base}/shares/awaiting-feedback/")
        shot(page, "shares-awaiting-feedback")
        page.get_by_role("link", name=re.compile("Record outcome")).first.click()
        shot(page, "share-feedback")
        page.get_by_role("link", name="Back to the share").click()
        shot(page, "share-detail")
        # Partnerships by consent: the proposer waits; the force answers from its dashboard.
        log_in(page, base, "eastmoor.liaison")
        page.goto(f"{base}/partnerships/?status=proposed")
        page.get_by_role("link", name=re.compile("students on placement")).click()
        shot(page, "partnership-proposed")
        log_in(page, base, "police.liaison")
        page.get_by_role("region", name=re.compile("Waiting for your organisation")).get_by_role(
            "link", name=re.compile("^Answer")
        ).first.click()
        shot(page, "partnership-answer")
        page.goto(f"{base}/accounts/two-factor/")
        page.get_by_role("button", name="Make new recovery codes").click()
        page.wait_for_load_state()
        shot(page, "reauthenticate", full_page=False)
        log_in(page, base, "eastmoor.police")
        page.goto(f"{base}/partnerships/?health=red")
        page.get_by_role("link", name=re.compile("Eastmoor")).first.click()
        shot(page, "partnership-detail-at-risk")
        log_in(page, base, "uni.liaison")
        page.goto(f"{base}/agreements/")
        shot(page, "agreement-list")
        page.get_by_role("link", name=re.compile("Safer campus memorandum")).first.click()
        shot(page, "agreement-detail")
        log_in(page, base, "eastmoor.police")
        page.goto(f"{base}/agreements/")
        page.get_by_role("link", name=re.compile("Tackling county lines")).first.click()
        page.get_by_role("link", name=re.compile("Review")).first.click()
        shot(page, "agreement-review", full_page=False)
        page.goto(f"{base}/agreements/")
        page.get_by_role("link", name=re.compile("Tackling county lines")).first.click()
        page.get_by_role("link", name="Clauses").first.click() if page.get_by_role(
            "link", name="Clauses"
        ).count() else None
        shot(page, "agreement-clauses", full_page=False)
        log_in(page, base, "staff.member")
        page.goto(f"{base}/accounts/two-factor/setup/")
        page.get_by_text("Cannot scan it?").click()
        shot(page, "two-factor-setup")
        page.goto(f"{base}/training/")
        shot(page, "training-list")
        page.get_by_role("row").filter(has_text="Sexual assault awareness").get_by_role("link").first.click()
        shot(page, "training-session-staff")
        log_in(page, base, "police.liaison")
        page.goto(f"{base}/training/")
        page.get_by_role("row").filter(has_text="Sexual assault awareness").get_by_role("link").first.click()
        shot(page, "training-session-provider")
        page.goto(f"{base}/training/calendar/")
        shot(page, "training-calendar")
        log_in(page, base, "uni.liaison")
        page.goto(f"{base}/training/compliance/")
        shot(page, "training-compliance")
        page.goto(f"{base}/notifications/")
        shot(page, "notifications", full_page=False)
        page.goto(f"{base}/notifications/settings/")
        shot(page, "notification-settings")
        # People: the organisation's people and invitations, and the invitation form.
        page.goto(f"{base}/")
        page.get_by_role("button", name=re.compile("Priya|uni.liaison")).click()
        page.get_by_role("link", name="People").click()
        shot(page, "people")
        page.get_by_role("link", name="Invite someone").click()
        page.get_by_role("button", name=re.compile("Send")).click()
        page.wait_for_load_state()
        shot(page, "error-summary", full_page=False)
        # On a phone: the partnership page (health first) and a list.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"{base}/partnerships/")
        shot(page, "phone-partnership-list", full_page=False)
        page.get_by_role("link", name=MAIN).click()
        shot(page, "phone-partnership-detail", full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
