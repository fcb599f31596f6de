import logging
import time

from django.core.exceptions import BadRequest

logger = logging.getLogger("portal.security")


class AuthorisationFailureLogMiddleware:
    """Log every refused action (403) with who, where and when, for the security review."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            logger.warning(
                "authorisation refused user=%s path=%s method=%s",
                user.pk if user is not None and user.is_authenticated else "anonymous",
                request.path,
                request.method,
            )
        return response


class PermissionsPolicyMiddleware:
    """Send the Permissions-Policy header (Django has no setting for it) on every response."""

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class RejectNulMiddleware:
    """Answer 400 to a query string holding a NUL character.

    Forms refuse NUL in what is posted, but search boxes read the query string straight into
    lookups, and PostgreSQL cannot compare text with NUL in it (it raises, which was a 500).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for values in request.GET.lists() for value in values[1]):
            raise BadRequest("The address holds a character that is not allowed.")
        return self.get_response(request)


class SessionIdleExpiryMiddleware:
    """Keep a signed-in session alive while it is used, writing it at most once a minute.

    The idle timeout (``SESSION_COOKIE_AGE``) ends a session that has not been used for that
    long: the session's expiry has to move forward while someone works. Django's
    ``SESSION_SAVE_EVERY_REQUEST`` does that by writing the session row on every request, an
    UPDATE and a commit of about 2 ms on every page. Here the expiry moves when the session
    was last refreshed more than ``REFRESH_AFTER`` seconds ago (a tenth of a timeout shorter
    than ten minutes), so a session ends between ``SESSION_COOKIE_AGE - REFRESH_AFTER`` and
    ``SESSION_COOKIE_AGE`` seconds after its last request. Anyone not signed in gets no session
    from it.

    It must come after the session and authentication middleware: its response is handled
    before ``SessionMiddleware`` saves a modified session.
    """

    REFRESH_AFTER = 60
    KEY = "_refreshed_at"

    def __init__(self, get_response):
        from django.conf import settings

        self.get_response = get_response
        self.refresh_after = min(self.REFRESH_AFTER, settings.SESSION_COOKIE_AGE // 10)

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            # A session written anyway (a log-in, a message) is marked refreshed for nothing.
            if session.modified or now - session.get(self.KEY, 0) >= self.refresh_after:
                session[self.KEY] = now  # modified: SessionMiddleware saves it with a new expiry
        return response
