import logging

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
