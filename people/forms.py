from django import forms

from accounts.models import Role


def _role_choices(roles) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in roles]


class InvitationForm(forms.Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(label="Email address", max_length=254)
    role = forms.ChoiceField()

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)
        self.fields["email"].help_text = "The invitation and its link go to this address."


class RoleForm(forms.Form):
    role = forms.ChoiceField(widget=forms.RadioSelect)

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(roles)


class AcceptForm(forms.Form):
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters; not one that is easy to guess, nor like your name or email address.",
    )
    password_again = forms.CharField(
        label="The same password again",
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "The two passwords are not the same. Type the same password twice.")
        return data
