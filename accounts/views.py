from django.contrib.auth.views import LoginView

from .forms import LoginForm


class PortalLoginView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
