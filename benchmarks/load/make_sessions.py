"""Create logged-in sessions for the load test's "session" series, without the login form.

    .venv/bin/python benchmarks/load/make_sessions.py 100 uni.liaison,staff.member > sessions.txt

Writes one ``username session_key`` line per session, alternating between the usernames. A
session holds what ``django.contrib.auth.login`` would put in it (the user's id, the backend
and the session hash of the password), like the test client's ``force_login``: the pages
served are the same, but the run does not spend its first minute computing password hashes
(PBKDF2, 1,000,000 iterations, about 0.2 s of CPU per login on this machine).

Only for users without a second factor. Uses the database and settings of the environment
(run.sh sets them).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.load.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402

from accounts.models import User  # noqa: E402


def main():
    count = int(sys.argv[1])
    usernames = sys.argv[2].split(",") if len(sys.argv) > 2 else ["uni.liaison", "staff.member"]
    users = [User.objects.get(username=name) for name in usernames]
    for n in range(count):
        user = users[n % len(users)]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        print(user.username, session.session_key)


if __name__ == "__main__":
    main()
