"""Load test: logged-in people browsing the portal's main pages (locust, see run.sh).

Each simulated user logs in once when it starts (GET the login page for the CSRF token, POST
the credentials, as a browser does) and then, with a short wait (0.5-2 s) between pages,
opens: the dashboard, the partnerships list and a partnership's page, the agreements list and
an agreement's page, the training list and a session's page, and the notifications list.
Every page also loads the notification bell's count as part of its template, so nothing
extra is requested for it.

Two kinds of users, both without a second factor: ``uni.liaison`` (a university liaison
officer: the heaviest pages, with every booking and share of the institution) and
``staff.member`` (a staff member), in a 1:1 ratio. Override with LOAD_USERS, e.g.
``LOAD_USERS=uni.liaison,staff.member,college.staff``; the password is the demo one unless
LOAD_PASSWORD is set.

With LOAD_SESSIONS_FILE set (lines ``username session_key``, from make_sessions.py), each
simulated user takes the next session instead of logging in: the "session" series of
run.sh, which measures the pages alone.

The ids of the pages opened are found once per user from the list pages (the first links
there), so the file works on any seeded database.

With LOAD_RAW_CSV set, every request is also written there (start time, name, milliseconds,
ok) when the run ends, for ``summarize.py``: the CSV summaries of locust mix the logins
(a deliberately slow password hash) with the pages, and cannot be split after the fact.

A request counts as failed when its status is not 200, or when it ended on the login page
(the session was lost), or when the login did not take the user to the dashboard.
"""

import csv
import os
import random
import re
import time
from http.cookiejar import Cookie

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PASSWORD = os.environ.get("LOAD_PASSWORD", "partnership-demo-2026")
USERNAMES = [name.strip() for name in os.environ.get("LOAD_USERS", "uni.liaison,staff.member").split(",") if name]
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOGIN_PATH = "/accounts/login/"

_next_user = 0
_samples = []
_sessions = []
if os.environ.get("LOAD_SESSIONS_FILE"):
    with open(os.environ["LOAD_SESSIONS_FILE"]) as _file:
        _sessions = [line.split() for line in _file if line.strip()]


@events.request.add_listener
def _record(request_type, name, response_time, exception, **_kwargs):
    # Called when the request finishes; response_time is in milliseconds.
    _samples.append((time.time() - response_time / 1000, name, round(response_time, 1), exception is None))


@events.quitting.add_listener
def _write_samples(environment, **_kwargs):
    path = os.environ.get("LOAD_RAW_CSV")
    if not path:
        return
    with open(path, "w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["start", "name", "ms", "ok"])
        writer.writerows(sorted(_samples))


def _ids(html: str, pattern: str) -> list[str]:
    seen = []
    for match in re.findall(pattern, html):
        if match not in seen:
            seen.append(match)
    return seen


class PortalUser(FastHttpUser):
    wait_time = between(0.5, 2)
    # One connection per simulated user, as one browser tab would have.
    concurrency = 1

    def on_start(self):
        global _next_user
        self.partnerships, self.agreements, self.sessions = [], [], []
        if _sessions:
            self.username, key = _sessions[_next_user % len(_sessions)]
            _next_user += 1
            self.use_session(key)
            self.logged_in = True
        else:
            self.username = USERNAMES[_next_user % len(USERNAMES)]
            _next_user += 1
            self.logged_in = self.log_in()
        if self.logged_in:
            self.discover()

    # -- helpers -------------------------------------------------------------------------------

    def page(self, path: str, name: str | None = None):
        """GET ``path``; a failure unless it answers 200 without landing on the login page."""
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif LOGIN_PATH in (response.url or ""):
                response.failure("landed on the login page (session lost)")
            else:
                response.success()
            return response

    def use_session(self, key: str):
        host = self.host.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        cookie = Cookie(
            version=0,
            name="sessionid",
            value=key,
            port=None,
            port_specified=False,
            domain=host,
            domain_specified=False,
            domain_initial_dot=False,
            path="/",
            path_specified=True,
            secure=False,
            expires=None,
            discard=True,
            comment=None,
            comment_url=None,
            rest={"HttpOnly": None},
        )
        self.client.cookiejar.set_cookie(cookie)

    def log_in(self) -> bool:
        form = self.client.get(LOGIN_PATH, name="login (GET form)")
        token = CSRF_INPUT.search(form.text or "")
        if form.status_code != 200 or not token:
            return False
        with self.client.post(
            LOGIN_PATH,
            data={"csrfmiddlewaretoken": token.group(1), "username": self.username, "password": PASSWORD, "next": ""},
            name="login (POST credentials)",
            catch_response=True,
        ) as response:
            # Django redirects to the dashboard, which the client follows.
            if response.status_code != 200 or LOGIN_PATH in (response.url or ""):
                response.failure(f"login as {self.username} failed: HTTP {response.status_code} at {response.url}")
                return False
            response.success()
        return True

    def discover(self):
        listed = self.page("/partnerships/", name="partnerships list").text or ""
        self.partnerships = _ids(listed, r'href="/partnerships/(\d+)/"')
        self.agreements = _ids(
            self.page("/agreements/", name="agreements list").text or "", r'href="/agreements/(\d+)/"'
        )
        self.sessions = _ids(
            self.page("/training/", name="training list").text or "", r'href="/training/sessions/(\d+)/"'
        )

    # -- what people do ------------------------------------------------------------------------

    @task(3)
    def dashboard(self):
        self.page("/", name="dashboard")

    @task(2)
    def partnership_list(self):
        self.page("/partnerships/", name="partnerships list")

    @task(3)
    def partnership_detail(self):
        if self.partnerships:
            self.page(f"/partnerships/{random.choice(self.partnerships)}/", name="partnership page")

    @task(1)
    def agreement_list(self):
        self.page("/agreements/", name="agreements list")

    @task(2)
    def agreement_detail(self):
        if self.agreements:
            self.page(f"/agreements/{random.choice(self.agreements)}/", name="agreement page")

    @task(2)
    def training_list(self):
        self.page("/training/", name="training list")

    @task(2)
    def session_detail(self):
        if self.sessions:
            self.page(f"/training/sessions/{random.choice(self.sessions)}/", name="training session page")

    @task(1)
    def notifications(self):
        self.page("/notifications/", name="notifications")
