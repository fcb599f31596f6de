"""Personas and settings shared by every test.

The personas follow the portal's roles: a university liaison officer and a staff member of
one university, a police liaison officer of its force, an administrator, and an outsider
from an unrelated university who must get 404 everywhere.
"""

import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from tests import factories

# Fixtures shared across the suite, registered once: a partnership with its activity, agreements
# at each stage, training. Test modules use them by name and import no conftest module.
pytest_plugins = [
    "tests.fixtures.partnerships",
    "tests.fixtures.agreements",
    "tests.fixtures.training",
    "tests.fixtures.reminders",
]


def pytest_configure(config):
    # Tests do not run collectstatic, so serve static files without the manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="portal-static-")
    # Stored files (signed PDFs) go to a folder of the tests' own, not var/media.
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-media-")
    # SQLite: a test database in a file, not in memory, so a Celery worker thread can write to
    # it while the test reads (shared-cache memory databases lock whole tables).
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(Path(tempfile.mkdtemp(prefix="portal-db-")) / "test.sqlite3")
    # A filesystem broker of the tests' own, so a worker of `make run` never takes their tasks.
    if settings.CELERY_BROKER_URL == "filesystem://":
        broker = Path(tempfile.mkdtemp(prefix="portal-broker-"))
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
            "data_folder_in": str(broker),
            "data_folder_out": str(broker),
            "processed_folder": str(broker),
            "control_folder": str(broker / "control"),
            "store_processed": False,
        }
    # Redis: each pytest-xdist worker its own database of the broker, so that a Celery worker
    # started by one worker's test never takes the tasks another worker's tests queued.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    broker = urlsplit(settings.CELERY_BROKER_URL)
    if worker.startswith("gw") and broker.scheme in ("redis", "rediss"):
        number = broker.path.strip("/")
        database = (int(number) if number.isdecimal() else 0) + 1 + int(worker[2:])
        settings.CELERY_BROKER_URL = broker._replace(path=f"/{database}").geturl()
        # Celery reads its broker from this variable before the settings (celery.app.utils).
        os.environ["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    # Faker's names and the factories' choices are the same on every run, so a failure that
    # depends on a name (one with an apostrophe, say) happens every time, not now and then.
    import factory.random

    factory.random.reseed_random("partnership-portal-tests")
    # Fast hashing: the tests log in many times; production keeps Django's default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _force_login_passes_the_second_factor(monkeypatch):
    """``client.force_login`` stands for a whole log-in: for people who must (or chose to) use
    two-factor authentication, that includes the code. Tests of the code step log in with the
    real forms instead."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts import two_factor
    from core.middleware import SessionIdleExpiryMiddleware
    from tests.helpers import second_factor_device

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        # Just refreshed, as a log-in's own save leaves it: the next requests' query counts do
        # not depend on whether the idle timeout's refresh falls among them.
        session[SessionIdleExpiryMiddleware.KEY] = int(time.time())
        if two_factor.is_required(user) or two_factor.has_device(user):
            session[DEVICE_ID_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _email_to_outbox(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def university(db):
    return factories.OrganisationFactory(name="University of Northbridge")


@pytest.fixture
def police_force(db):
    return factories.PoliceForceFactory(name="Northbridge Police")


@pytest.fixture
def university_liaison(university):
    return factories.UniversityLiaisonFactory(username="uni.liaison", organisation=university, first_name="Priya")


@pytest.fixture
def staff_member(university):
    return factories.UserFactory(username="staff.member", organisation=university, first_name="Hannah")


@pytest.fixture
def police_liaison(police_force):
    return factories.PoliceLiaisonFactory(username="police.liaison", organisation=police_force, first_name="Daniel")


@pytest.fixture
def administrator(db):
    return factories.AdministratorFactory(username="admin", first_name="Morgan")


@pytest.fixture
def outsider(db):
    """A university liaison officer of an unrelated university."""
    other = factories.OrganisationFactory(name="Unrelated University")
    return factories.UniversityLiaisonFactory(username="outsider", organisation=other)


@pytest.fixture
def personas(university_liaison, staff_member, police_liaison, administrator):
    return {
        "university_liaison": university_liaison,
        "staff": staff_member,
        "police_liaison": police_liaison,
        "administrator": administrator,
    }


def pytest_report_header(config):
    database = settings.DATABASES["default"]
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or database['NAME']}"
