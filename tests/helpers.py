"""Assertions and helpers shared by the test suite."""

import os
from contextlib import contextmanager


def assert_outsider_gets_404(client, url, outsider, method="get", data=None):
    """Assert that a user of an unrelated organisation cannot tell ``url`` exists.

    Scoping must answer 404, never 403 or the page itself. Fails with the status seen.
    """
    client.force_login(outsider)
    response = getattr(client, method)(url, data or {})
    assert response.status_code == 404, (
        f"{outsider.username} of {outsider.organisation} got {response.status_code} for "
        f"{method.upper()} {url}; a user of another organisation must get 404"
    )
    return response


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return len(captured)


def assert_fixed_queries(client, url, add_rows, budget):
    """Assert ``url`` runs the same number of queries before and after ``add_rows()`` adds data."""
    before = count_queries(client, url)
    add_rows()
    after = count_queries(client, url)
    assert before == after, f"{url}: {before} queries with little data, {after} with more"
    assert after <= budget, f"{url}: {after} queries, budget {budget}"


def sent_mail():
    """Email every notification waiting to be sent, as a worker would, and return the outbox."""
    from django.core import mail

    from notifications import services
    from notifications.models import Delivery, Notification

    for pk in Notification.objects.filter(delivery=Delivery.PENDING).order_by("pk").values_list("pk", flat=True):
        services.deliver(pk)
    return mail.outbox


def wait_for(condition, timeout=30.0) -> bool:
    """Poll ``condition`` (work a Celery worker thread is doing) until it holds or time runs out."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def second_factor_device(user):
    """The user's confirmed authenticator (created if missing), as if they had set it up."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)


def totp_code(device) -> str:
    """The code the user's phone shows now. Clears the record of the last code used, so a test
    may log the same person in twice within one 30-second step."""
    from django_otp.oath import TOTP

    type(device).objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@contextmanager
def broker_at(url):
    """Point the Celery app (and its connection pools) at ``url``, then back."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options, os.environ.get("CELERY_BROKER_URL")

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_url = os.environ["CELERY_BROKER_URL"] = url  # Celery reads the variable first
    app.conf.broker_transport_options = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1}
    try:
        yield
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_transport_options, variable = saved
        if variable is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = variable


# The main menu each role sees, in order (tests/portal/test_dashboard.py, tests/e2e/test_dashboards.py).
NAVIGATION = {
    "university_liaison": [
        "Dashboard",
        "Partnerships",
        "Actions",
        "Agreements",
        "Feedback",
        "Training",
        "My organisation",
    ],
    "staff": ["Dashboard", "Training", "My organisation"],
    "police_liaison": ["Dashboard", "Partnerships", "Actions", "Agreements", "Feedback", "Training", "My organisation"],
    "administrator": [
        "Dashboard",
        "Partnerships",
        "Actions",
        "Agreements",
        "Feedback",
        "Training",
        "Organisations",
    ],
}


def everyone_beside(personas, outsider, university, agency):
    """Everyone a narrow scoped entry point must agree with ``visible_to`` for: the personas, an
    outsider, an inactive and an anonymous user, a senior sponsor of ``university`` and a liaison
    officer of ``agency`` (an other agency taking part)."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import Role
    from tests import factories

    return [
        *personas.values(),
        outsider,
        factories.UserFactory(organisation=university, is_active=False),
        AnonymousUser(),
        factories.UserFactory(organisation=university, role=Role.SENIOR_SPONSOR),
        factories.UserFactory(organisation=agency, role=Role.AGENCY_LIAISON),
    ]
