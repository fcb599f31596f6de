from django.contrib.auth.views import LoginView, PasswordResetView
from django.utils.decorators import method_decorator

from portal.ratelimit import rate_limited

from .forms import LoginForm


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@method_decorator(rate_limited("password_reset"), name="dispatch")
class PortalPasswordResetView(PasswordResetView):
    """Django's password reset, limited per address so it cannot be used to flood inboxes."""
