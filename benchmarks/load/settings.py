"""The portal's settings for benchmarks/load and benchmarks/faults.

Exactly ``portal.settings`` (DEBUG, HTTPS, hosts, database, broker and VAR_DIR all come from
the environment the scripts set), except that ``collectstatic`` writes to a scratch folder
(``BENCH_STATIC_ROOT``, default portal_bench_static in the temporary folder) instead of the repository's
``staticfiles/``, so a benchmark never touches files another process may be serving.
WhiteNoise serves them with the compressed manifest storage, as in production.
"""

import os
import tempfile
from pathlib import Path

from portal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ.get("BENCH_STATIC_ROOT") or Path(tempfile.gettempdir()) / "portal_bench_static")
