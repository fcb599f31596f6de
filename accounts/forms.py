from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """Django's login form, with autocomplete hints so password managers fill it in."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autocapitalize": "none"})
        # AuthenticationForm sets max_length without a validator; a longer name must not reach
        # authenticate() (axes stores it in a 255-character column).
        self.fields["username"].validators.append(MaxLengthValidator(150))
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
