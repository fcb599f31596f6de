"""Emails look like the portal: two real notifications, sent and shown in Chromium.

Each is recorded with ``notify`` and delivered as the worker does, so the HTML is what a
person's mail program receives: the portal's layout with its CSS inlined (core/mail.py).
"""

from django.core import mail

from notifications.models import Notification
from notifications.services import deliver, notify

PHONE_WIDTH = 390


def delivered_html(kind, obj, recipient, *, title, url) -> str:
    mail.outbox.clear()
    notify(kind, obj, [recipient], title=title, url=url)
    deliver(Notification.objects.filter(recipient=recipient).latest("pk").pk)
    (message,) = mail.outbox
    (html, _) = message.alternatives[0]
    return html


def test_emails_in_a_browser_have_the_header_and_a_clear_button(
    portal_page, partnership, action, police_liaison, university_liaison, tmp_path
):
    page = portal_page
    emails = {
        "partnership_proposed": delivered_html(
            "partnership_proposed", partnership, police_liaison, title="Proposed", url=partnership.get_absolute_url()
        ),
        "action_overdue": delivered_html(
            "action_overdue", action, university_liaison, title="Overdue", url=action.get_absolute_url()
        ),
    }
    for name, html in emails.items():
        for width in (1280, PHONE_WIDTH):
            page.set_viewport_size({"width": width, "height": 900})
            page.set_content(html)
            header = page.locator(".header")
            assert header.inner_text() and header.evaluate("e => getComputedStyle(e).backgroundColor") == (
                "rgb(27, 42, 74)"
            )
            button = page.locator("a.button")
            assert button.count() == 1, f"{name}: one thing to do"
            assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(31, 75, 153)"
            assert button.evaluate("e => getComputedStyle(e).color") == "rgb(255, 255, 255)"
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=tmp_path / f"{name}-{width}.png", full_page=True)
            assert (tmp_path / f"{name}-{width}.png").stat().st_size > 5_000
