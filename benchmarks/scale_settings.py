"""The portal's settings for benchmarks/scale.py and the Celery worker it starts.

The same as ``portal.settings`` (so DEBUG=false runs as in production) except that static
files are served without the manifest, as in the tests (tests/conftest.py): the benchmark does
not run collectstatic, and with DEBUG off ``{% static %}`` would otherwise fail on every page
and in the signed PDF's template. The rest comes from the environment the script sets: a
scratch database, Redis database 14 as the broker, and VAR_DIR pointing at a temporary folder
(so emails and PDFs are written there, not to var/).
"""

from portal.settings import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
