"""The portal's settings for benchmarks/bench.py: ``scale_settings`` with the benchmark's URLs.

``benchmarks/bench_urls.py`` serves the portal's own URLs, unchanged, plus the floor page the
benchmark compares every page with, and sets Django admin's change lists to the portal's page
size. Nothing else differs: DEBUG, the database and the rest come from the environment
bench.py sets, as for scale.py.
"""

from benchmarks.scale_settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.bench_urls"
