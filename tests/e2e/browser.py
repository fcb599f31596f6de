"""Helpers for the browser tests: open portal pages, log in, and check every page with axe-core.

Every page a browser test opens must pass an accessibility check. The ``portal_page``
fixture (tests/e2e/conftest.py) watches each page of its browser context; ``visit`` and
``login`` check the pages they open, and a test that gets to a page some other way (a click,
a form submission) calls ``check_accessibility`` itself. When the test ends, the fixture fails
it if any page was opened and not checked afterwards.

The check runs axe-core (bundled with axe-playwright-python) with the WCAG 2.0, 2.1 and 2.2
level A and AA rules only, so best-practice advice never fails a test.
"""

from __future__ import annotations

import itertools
import weakref
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import BrowserContext, Frame, Locator, Page

from tests.factories import PASSWORD

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": list(WCAG_TAGS)}, "resultTypes": ["violations"]}

_axe = Axe()
# One counter for navigations and checks, so "checked after it was opened" is well defined.
_sequence = itertools.count()


class AccessibilityViolations(AssertionError):
    """axe-core found WCAG 2.x level A or AA violations on a page."""


def address(url: str) -> str:
    """The path and query of ``url``: what tells two pages of the portal apart."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(eq=False)
class PageLog:
    """The documents one page has shown (main frame only) and the accessibility checks run on it."""

    navigations: list[tuple[int, str]] = field(default_factory=list)
    last_check: dict[str, int] = field(default_factory=dict)
    last_url: str = ""

    def on_frame_navigated(self, frame: Frame) -> None:
        if frame is not frame.page.main_frame:
            return
        url = frame.url
        previous, self.last_url = self.last_url, url
        if urlsplit(url).scheme not in ("http", "https"):
            return  # about:blank and content a test writes itself are not pages of the portal
        if previous and url != previous and url.split("#", 1)[0] == previous.split("#", 1)[0]:
            return  # only the fragment changed (a skip link, say): still the same document
        # The same address again is a new document (a form shown again with its errors, a
        # reload), so it needs a check of its own.
        self.navigations.append((next(_sequence), address(url)))

    def record_check(self, url: str) -> None:
        self.last_check[address(url)] = next(_sequence)

    def unchecked(self) -> list[str]:
        """Addresses opened with no accessibility check of the same address after them."""
        return [where for when, where in self.navigations if self.last_check.get(where, -1) < when]


_logs: weakref.WeakKeyDictionary[Page, PageLog] = weakref.WeakKeyDictionary()
_context_logs: weakref.WeakKeyDictionary[BrowserContext, list[PageLog]] = weakref.WeakKeyDictionary()
_base_urls: weakref.WeakKeyDictionary[BrowserContext, str] = weakref.WeakKeyDictionary()


def watch_page(page: Page) -> PageLog:
    """Start recording the pages ``page`` opens (once per page)."""
    log = _logs.get(page)
    if log is None:
        log = _logs[page] = PageLog()
        page.on("framenavigated", log.on_frame_navigated)
        # A pop-up can have its first page already when Playwright reports it.
        log.on_frame_navigated(page.main_frame)
    return log


# Console reports of what the Content-Security-Policy blocked, per page: the policy forbids
# inline script and style, so a template that adds either fails the test that shows it.
_csp_violations: dict = {}


def watch_context(context: BrowserContext) -> None:
    """Record the navigations of every page opened in ``context``, pop-ups included."""
    logs = _context_logs.setdefault(context, [])

    def watch(page: Page) -> None:
        violations = _csp_violations.setdefault(page, [])
        page.on(
            "console",
            lambda message: (
                violations.append(f"{page.url}: {message.text}") if "Content Security Policy" in message.text else None
            ),
        )
        log = watch_page(page)
        if log not in logs:
            logs.append(log)

    for page in context.pages:
        watch(page)
    context.on("page", watch)


def unchecked_pages(page: Page) -> list[str]:
    """The addresses ``page`` opened that no accessibility check covered (path and query)."""
    log = _logs.get(page)
    if log is None:
        raise RuntimeError("This page is not watched: use the portal_page fixture.")
    return log.unchecked()


def unchecked_pages_in(context: BrowserContext) -> list[str]:
    """The unchecked addresses of every page ``context`` opened, closed ones included."""
    return [where for log in _context_logs.get(context, []) for where in log.unchecked()]


def set_base_url(context: BrowserContext, url: str) -> None:
    _base_urls[context] = url.rstrip("/")


def check_accessibility(page: Page) -> None:
    """Run axe-core's WCAG 2.x A/AA rules on the page as it is now; fail listing any violations."""
    blocked = _csp_violations.get(page, [])
    if blocked:
        raise AssertionError("The Content-Security-Policy blocked something: " + "; ".join(blocked))
    url = page.url
    log = _logs.get(page)
    if log is not None:
        log.record_check(url)
    results = _axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    if violations:
        raise AccessibilityViolations(format_violations(address(url) or url, violations))
    check_error_summary(page)
    check_phone_width(page)


# --- Errors in view, and a page that fits a phone ---------------------------------------------

_ERROR_SUMMARY_PROBLEMS = """() => {
  const problems = [];
  const summary = document.querySelector("[data-error-summary]");
  const invalid = [...document.querySelectorAll("main .is-invalid[name]")].filter((f) => f.type !== "hidden");
  if (!summary) {
    if (invalid.length) problems.push("fields are marked invalid but there is no error summary");
    return problems;
  }
  if (summary.dataset.focused !== "true") problems.push("the error summary did not take the focus");
  const links = [...summary.querySelectorAll("a[href^='#']")];
  const targets = links.map((a) => document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1))));
  links.forEach((a, i) => { if (!targets[i]) problems.push(`the link "${a.textContent.trim()}" leads nowhere`); });
  const linked = new Set(targets.filter(Boolean).map((t) => t.name));
  for (const field of invalid) {
    if (!linked.has(field.name)) problems.push(`no link to the field in error "${field.name}"`);
  }
  return [...new Set(problems)];
}"""


def check_error_summary(page: Page) -> None:
    """A page with fields in error shows the summary at the top, focused, linking to each."""
    problems = page.evaluate(_ERROR_SUMMARY_PROBLEMS)
    if problems:
        raise AssertionError(f"Error summary at {address(page.url)}: " + "; ".join(problems))


PHONE = {"width": 390, "height": 844}

_WIDER_THAN_THE_PAGE = """() => {
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  if (overflow <= 0) return {overflow: 0, culprits: []};
  const scrolls = (el) => {
    for (let node = el.parentElement; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (["auto", "scroll", "hidden", "clip"].includes(style.overflowX)) return true;
    }
    return false;
  };
  const culprits = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .slice(0, 5)
    .map((el) => el.outerHTML.slice(0, 160));
  return {overflow, culprits};
}"""

_HEADER_LINES = """() => {
  const brand = document.querySelector(".portal-header .navbar-brand");
  const toggler = document.querySelector(".portal-header .navbar-toggler");
  if (!brand || !toggler) return 0;
  return Math.abs(brand.getBoundingClientRect().top + brand.offsetHeight / 2
    - toggler.getBoundingClientRect().top - toggler.offsetHeight / 2);
}"""


def check_phone_width(page: Page) -> None:
    """At 390 px nothing makes the page scroll sideways (a wide table scrolls in its own box)
    and the header's name and menu button sit on one line. The page is shown at phone width
    for the check and then at its own size again."""
    size = page.viewport_size
    if size == PHONE or size is None:
        measure = _measure_phone_width(page)
    else:
        page.set_viewport_size(PHONE)
        try:
            measure = _measure_phone_width(page)
        finally:
            page.set_viewport_size(size)
    if measure:
        raise AssertionError(f"At {PHONE['width']} px, {address(page.url)}: {measure}")


def _measure_phone_width(page: Page) -> str:
    wide = page.evaluate(_WIDER_THAN_THE_PAGE)
    if wide["overflow"] > 0:
        return f"the page scrolls sideways by {wide['overflow']} px; too wide: " + " | ".join(wide["culprits"])
    if page.evaluate(_HEADER_LINES) > 12:
        return "the portal's name and the menu button are not on one line"
    return ""


def format_violations(where: str, violations: list[dict]) -> str:
    nodes = sum(len(v["nodes"]) for v in violations)
    lines = [f"axe-core found {len(violations)} WCAG 2.x A/AA violation(s) on {nodes} element(s) at {where}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact') or 'no impact given'}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"    at {_selector(node['target'])}")
            lines.append(f"       {' '.join(node.get('html', '').split())[:200]}")
            summary = " ".join((node.get("failureSummary") or "").split())
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def _selector(target) -> str:
    # A target is a list of CSS selectors; each may itself be a list when it crosses
    # iframes or shadow roots.
    return " >> ".join(" ".join(part) if isinstance(part, list) else part for part in target)


def visit(page: Page, path: str) -> None:
    """Open ``path`` of the live server and check the page's accessibility."""
    base_url = _base_urls.get(page.context)
    if base_url is None:
        raise RuntimeError("This page has no live server: use the portal_page fixture.")
    response = page.goto(base_url + path)
    assert response is not None and response.ok, f"GET {path} answered {response and response.status}"
    check_accessibility(page)


def submit_login_form(page: Page, username: str, password: str) -> None:
    """Log in through the real form, checking the form and the page the portal answers with."""
    visit(page, reverse("login"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in", exact=True).click()
    check_accessibility(page)


def login(page: Page, user, password: str = PASSWORD) -> None:
    """Log ``user`` in through the login form (and the code form, for people who need one);
    fail if the portal does not let them in."""
    from accounts import two_factor
    from tests.helpers import second_factor_device, totp_code

    device = second_factor_device(user) if two_factor.is_required(user) else None
    submit_login_form(page, user.username, password)
    if device is not None and urlsplit(page.url).path == reverse("two_factor_verify"):
        check_accessibility(page)
        page.get_by_label("Code").fill(totp_code(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
        check_accessibility(page)
    if urlsplit(page.url).path == reverse("login"):
        errors = page.locator(".alert, .invalid-feedback").all_inner_texts()
        raise AssertionError(f"{user.username} could not log in: {errors or 'no error shown'}")


# --- Small helpers the journeys share ---------------------------------------------------------
# Each journey used to define its own copy of these; one place keeps what they find, and how a
# click to another page is checked, the same for all of them.


def follow(page: Page, locator: Locator) -> None:
    """Click a link or button that opens another page, then check that page with axe: a page a
    test reaches by a click needs its own check, as ``visit`` only checks what it opens."""
    with page.expect_navigation():
        locator.click()
    check_accessibility(page)


def log_out(page: Page, user, *, check_login_page: bool = True) -> None:
    """Log ``user`` out with the mouse through the user menu in the header and check the page the
    portal answers with; with ``check_login_page``, also that it is the login page (some journeys
    never checked where logging out lands, and pass False)."""
    page.locator("header").get_by_role("button", name=user.get_full_name()).click()
    follow(page, page.locator("header").get_by_role("button", name="Log out", exact=True))
    if check_login_page:
        assert address(page.url) == reverse("login")


def heading(page: Page) -> Locator:
    """The page's title: its one level-1 heading."""
    return page.get_by_role("heading", level=1)


def main_nav_link(page: Page, name: str) -> Locator:
    """A link of the main navigation, where a journey goes from one part of the portal to another."""
    return page.get_by_role("navigation", name="Main").get_by_test_id("main-nav").get_by_role("link", name=name)


def status_message(page: Page) -> Locator:
    """The flash message the portal shows after an action: a status with a button to dismiss it,
    so other parts of a page that have the role status (a PDF's progress, say) do not match."""
    return page.get_by_role("status").filter(has=page.get_by_role("button", name="Dismiss this message"))


def short(day) -> str:
    """A date as lists and the timeline show it: 5 Mar 2025."""
    return f"{day.day} {day:%b %Y}"


def long(day) -> str:
    """A date as the detail pages and the agreement show it: 5 March 2025."""
    return f"{day.day} {day:%B %Y}"
