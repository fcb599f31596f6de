from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
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


class PortalPasswordChangeForm(PasswordChangeForm):
    """Django's password change, which asks for the old password, and for a current code too
    when the person has a second factor (see accounts/reauth.py)."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        from . import reauth, two_factor

        if two_factor.has_device(user):
            self.fields["code"] = forms.CharField(
                label=reauth.ReauthenticationForm.base_fields["code"].label,
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            )
            self.order_fields(["old_password", "code", "new_password1", "new_password2"])

    def clean(self):
        from . import reauth

        cleaned = super().clean()
        # The code is checked (and so used up) only when the rest of the form is right.
        if "code" in self.fields and not self.errors and reauth.check_code(self.user, cleaned["code"]) is None:
            self.add_error("code", reauth.WRONG_CODE)
        return cleaned


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
