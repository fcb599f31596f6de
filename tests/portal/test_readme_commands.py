"""Commands the README prints work as printed, in the environment of a fresh clone.

``make run`` sets DEBUG for the processes it starts, but a command typed afterwards in another
terminal has none of it: no DEBUG, no SECRET_KEY, no ALLOWED_HOSTS.
"""

import os
import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from demo import two_factor as demo_two_factor

ROOT = Path(__file__).resolve().parents[2]


def printed_command(pattern: str) -> str:
    """The one command the README shows (in backticks) that matches ``pattern``."""
    readme = (ROOT / "README.md").read_text()
    (command,) = set(re.findall(rf"`([^`\n]*{pattern}[^`\n]*)`", readme))
    return command


def url_of_the_test_database() -> str:
    """The test database, as DATABASE_URL, so the command reads what the test wrote."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)  # committed, so the command's own connection sees it
def test_the_printed_demo_code_command_prints_the_current_code(police_liaison, tmp_path):
    demo_two_factor.seed_devices([police_liaison])  # what seed_demo does for this user
    command = printed_command(r"manage\.py demo_code ")
    fresh_clone = {"PATH": os.environ["PATH"], "DATABASE_URL": url_of_the_test_database(), "VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603 - the README's own command, in our own checkout
        ["bash", "-c", command],  # noqa: S607
        cwd=ROOT,
        env=fresh_clone,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"`{command}` failed as printed:\n{result.stderr[-2000:]}"
    code = result.stdout.strip()
    assert re.fullmatch(r"\d{6}", code), result.stdout
    assert TOTPDevice.objects.get(user=police_liaison, name="Demo authenticator").verify_token(code)


def test_the_printed_demo_code_command_works_before_make_run(tmp_path):
    """Run before `make run` (no database yet), the command sets up the demo data and prints a code."""
    command = printed_command(r"manage\.py demo_code ")
    fresh_clone = {"PATH": os.environ["PATH"], "VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603 - the README's own command, in our own checkout
        ["bash", "-c", command],  # noqa: S607
        cwd=ROOT,
        env=fresh_clone,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"`{command}` failed as printed:\n{result.stderr[-2000:]}"
    assert re.fullmatch(r"\d{6}", result.stdout.strip()), result.stdout
    assert "setting up the database and the demo data" in result.stderr
    assert "Traceback" not in result.stderr
