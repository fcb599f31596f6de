"""Logging in, resetting and changing the password.

These are class-based: they subclass Django's own ``LoginView``, ``PasswordResetView`` and
``PasswordChangeView`` (and their templates under ``templates/registration/``), adding the
portal's form, rate limits and notice of a changed password.
"""

from django.contrib.auth.views import LoginView, PasswordChangeView, PasswordResetView
from django.utils.decorators import method_decorator

from core.ratelimit import rate_limited

from .. import reauth, two_factor
from ..forms import LoginForm, PortalPasswordChangeForm


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(rate_limited("password_reset"), name="dispatch")
class PortalPasswordResetView(PasswordResetView):
    """Django's password reset, limited per address so it cannot be used to flood inboxes."""


@method_decorator(rate_limited("two_factor"), name="dispatch")
class PortalPasswordChangeView(PasswordChangeView):
    """Django's password change; with a second factor it asks for a current code too."""

    form_class = PortalPasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        two_factor.tell_user(form.user, "your password was changed")
        return response

    def form_invalid(self, form):
        # A wrong old password or code counts toward the same limit as the confirmation page.
        if ("old_password" in form.errors or "code" in form.errors) and reauth.count_failure(self.request.user):
            return reauth.end_session(self.request)
        return super().form_invalid(form)
