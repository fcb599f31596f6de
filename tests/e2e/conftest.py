"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright never downloads a browser here: it launches /usr/bin/chromium, which ``make test``
installs. Every browser context a test creates is watched, and the test fails if it opened a
page of the portal without checking that page's accessibility afterwards (see browser.py).
"""

import os
from pathlib import Path

import pytest

from tests.e2e.browser import set_base_url, unchecked_pages_in, watch_context

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

_CALL_FAILED = pytest.StashKey[bool]()


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items, not only those under tests/e2e.
    for item in items:
        if Path(item.path).resolve().is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(pytestconfig):
    """Launch Debian's Chromium, headless, without any of its calls home."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Debian's Chromium at {CHROMIUM}, which is missing. "
            "Run `make test`: it installs the chromium package (Playwright never downloads browsers here).",
            pytrace=False,
        )
    return {
        "executable_path": str(CHROMIUM),
        "headless": not pytestconfig.getoption("--headed"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def new_context(new_context, request):
    """pytest-playwright's ``new_context``, with every page of every context watched.

    ``context`` and ``page`` are made through this fixture, so no page a test opens escapes
    the check. At teardown the test fails if a page was opened and never checked.
    """
    contexts = []

    def create(**kwargs):
        context = new_context(**kwargs)
        watch_context(context)
        contexts.append(context)
        return context

    yield create

    if request.node.stash.get(_CALL_FAILED, False):
        return  # the test has failed already; its own failure is the one worth reading
    unchecked = [where for context in contexts for where in unchecked_pages_in(context)]
    if unchecked:
        pytest.fail(
            "These pages were opened but never checked for accessibility: "
            + ", ".join(unchecked)
            + ". Open pages with visit() or login(), or call check_accessibility(page) once the page is shown.",
            pytrace=False,
        )


@pytest.fixture
def portal_page(page, live_server, transactional_db):
    """A Chromium page for the live server; use it with ``visit`` and ``login`` from browser.py.

    The live server runs in another thread (on PostgreSQL, with its own connection), so the
    tests use a transactional database: what persona fixtures create is committed and visible
    to it, and the tables are emptied after each test.
    """
    set_base_url(page.context, live_server.url)
    return page
