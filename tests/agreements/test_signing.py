"""A signature is the signer: the signed-in account signs as itself, after giving its password
(and a current code, where it has a second factor) again, and the record, the signed PDF and the
public verification page name that account, how it proved who it was, and the parties as they
were named when it signed."""

import io
import time

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from accounts import reauth
from accounts import services as account_services
from agreements import documents, services
from agreements.models import A, Signature, SignedWith
from tests.factories import PASSWORD
from tests.helpers import second_factor_device, totp_code

pytestmark = pytest.mark.django_db

TYPED_NAME = "Elaine Marsh, Pro-Vice-Chancellor"


def sign_url(agreement):
    return reverse("agreements:sign", args=[agreement.pk])


def sign_as(agreement, user, *, authentication=reauth.PASSWORD, position="Liaison officer"):
    return services.sign(
        agreement,
        by=user,
        position=position,
        authentication=authentication,
        ip_address="192.0.2.1",
        confirmed=True,
    )


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def signature_form(**changes):
    data = {"position": "Head of Student Safety", "confirmed": "on", "password": PASSWORD, **changes}
    return {key: value for key, value in data.items() if value is not None}


# --- The record --------------------------------------------------------------------------------


def test_the_signature_records_the_account_how_it_authenticated_and_the_parties(
    approved, police_liaison, university, police_force
):
    signature = sign_as(approved, police_liaison, authentication=reauth.PASSWORD_AND_APP, position="Inspector")
    signature.refresh_from_db()
    assert signature.signer == police_liaison
    assert signature.full_name == police_liaison.get_full_name()
    assert signature.organisation_name == "Northbridge Police"
    assert signature.position == "Inspector"
    assert signature.authentication == SignedWith.PASSWORD_AND_APP
    assert signature.get_authentication_display() == "Password and authenticator app code"
    assert (signature.institution_name, signature.police_force_name) == (
        "University of Northbridge",
        "Northbridge Police",
    )
    assert str(signature.ip_address) == "192.0.2.1" and signature.signed_at is not None


def test_an_account_without_a_full_name_signs_as_its_username(approved, police_liaison):
    police_liaison.first_name = police_liaison.last_name = ""
    police_liaison.save()
    assert sign_as(approved, police_liaison).full_name == "police.liaison"


def test_the_service_takes_no_typed_name(approved, police_liaison):
    with pytest.raises(TypeError):
        services.sign(
            approved,
            by=police_liaison,
            full_name=TYPED_NAME,
            position="Inspector",
            authentication=reauth.PASSWORD,
            ip_address=None,
            confirmed=True,
        )
    assert not Signature.objects.exists()


def test_the_service_needs_to_know_how_the_signer_authenticated(approved, police_liaison):
    with pytest.raises(services.WorkflowError):
        sign_as(approved, police_liaison, authentication="")
    assert not Signature.objects.exists()


def test_the_recorded_methods_are_those_reauthentication_reports():
    assert {choice.value: choice.label for choice in SignedWith} == reauth.METHOD_LABELS


# --- The form ----------------------------------------------------------------------------------


def test_a_typed_name_is_ignored_the_account_signs(client, approved, university_liaison, police_liaison):
    """Signed in as Priya, a name typed into the request changes nothing: Priya's account signs."""
    sign_as(approved, police_liaison, authentication=reauth.PASSWORD_AND_APP)
    client.force_login(university_liaison)
    response = client.post(sign_url(approved), signature_form(full_name=TYPED_NAME))
    assert response.status_code == 302
    signature = Signature.objects.get(signer=university_liaison)
    own_name = university_liaison.get_full_name()
    assert signature.full_name == own_name and signature.organisation_name == "University of Northbridge"
    assert signature.authentication == SignedWith.PASSWORD

    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE
    _, _, content = documents.signed_document(approved)
    text = pdf_text(content)
    assert own_name in text and police_liaison.get_full_name() in text
    assert "Elaine Marsh" not in text
    assert "Password and authenticator app code" in text and "as typed by the signer" in text

    client.logout()
    page = client.get(approved.get_verification_url()).content.decode()
    assert escape(own_name) in page and "Elaine Marsh" not in page
    assert "Head of Student Safety" in page and "as typed by the signer" in page
    assert "Password and authenticator app code" in page
    assert university_liaison.username not in page  # the account's name, not its identifier


def test_the_sign_page_names_the_account_and_asks_for_the_password(client, approved, university_liaison):
    client.force_login(university_liaison)
    response = client.get(sign_url(approved))
    page = response.content.decode()
    assert escape(university_liaison.get_full_name()) in page  # as HTML shows it (a name may hold an apostrophe)
    assert 'name="full_name"' not in page
    assert 'name="password"' in page and 'autocomplete="current-password"' in page
    assert 'name="code"' not in page  # no second factor, no code
    assert set(response.context["form"].fields) == {"position", "confirmed", "password"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": None}, "Type your password to sign."),
        ({"password": "not-my-password"}, "That password is not right. Type the password you log in with."),
    ],
)
def test_a_missing_or_wrong_password_signs_nothing(client, approved, university_liaison, change, message):
    client.force_login(university_liaison)
    response = client.post(sign_url(approved), signature_form(**change))
    assert response.status_code == 200
    assert response.context["form"].errors["password"] == [message]
    assert message in response.content.decode()
    assert not Signature.objects.exists()
    approved.refresh_from_db()
    assert approved.status == A.APPROVED


def test_signing_asks_for_the_password_every_time(client, approved, university_liaison):
    """A check remembered in the session (for the two-factor pages) does not stand in for it."""
    client.force_login(university_liaison)
    session = client.session
    session[reauth.SESSION_KEY] = int(time.time())
    session.save()
    response = client.post(sign_url(approved), signature_form(password=None))
    assert response.status_code == 200 and "password" in response.context["form"].errors
    assert not Signature.objects.exists()


def test_with_a_second_factor_signing_needs_a_current_code(client, approved, police_liaison):
    client.force_login(police_liaison)  # a police liaison officer must have an authenticator
    device = second_factor_device(police_liaison)
    page = client.get(sign_url(approved)).content.decode()
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page

    for code, field, error in [
        (None, "code", "Type the current code from your authenticator app."),
        # A wrong code: the form does not say whether the password or the code was wrong.
        ("000000", "password", "That password or code is not right"),
    ]:
        response = client.post(sign_url(approved), signature_form(position="Inspector", code=code))
        assert response.status_code == 200
        assert error in response.context["form"].errors[field][0]
        assert not Signature.objects.exists()

    response = client.post(sign_url(approved), signature_form(position="Inspector", code=totp_code(device)))
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.authentication == SignedWith.PASSWORD_AND_APP
    assert signature.full_name == police_liaison.get_full_name()


def test_a_recovery_code_is_recorded_as_such(client, approved, police_liaison):
    client.force_login(police_liaison)
    recovery = account_services.new_recovery_codes(police_liaison)[0]
    response = client.post(sign_url(approved), signature_form(position="Inspector", code=recovery))
    assert response.status_code == 302
    assert Signature.objects.get().authentication == SignedWith.PASSWORD_AND_RECOVERY_CODE


def test_a_missing_confirmation_does_not_spend_the_code(client, approved, police_liaison):
    """The code is checked only once the rest of the form is in order: it stays usable."""
    client.force_login(police_liaison)
    code = totp_code(second_factor_device(police_liaison))
    response = client.post(sign_url(approved), signature_form(position="Inspector", confirmed=None, code=code))
    assert response.status_code == 200 and "confirmed" in response.context["form"].errors
    assert client.post(sign_url(approved), signature_form(position="Inspector", code=code)).status_code == 302
    assert Signature.objects.count() == 1


# --- Names as at signing -----------------------------------------------------------------------


def test_renamed_organisations_keep_their_names_as_signed(
    client, approved, university_liaison, police_liaison, university, police_force
):
    sign_as(approved, police_liaison, authentication=reauth.PASSWORD_AND_APP)
    sign_as(approved, university_liaison)
    university.name = "Northbridge Metropolitan University"
    university.save()
    police_force.name = "Northbridge and Dales Police"
    police_force.save()
    approved.refresh_from_db()

    page = client.get(approved.get_verification_url()).content.decode()
    assert "University of Northbridge and Northbridge Police" in page
    assert "Northbridge Metropolitan University" not in page and "Northbridge and Dales Police" not in page

    _, _, content = documents.signed_document(approved)  # rendered after the renaming
    text = pdf_text(content)
    assert "University of Northbridge" in text and "Northbridge Police" in text
    assert "Northbridge Metropolitan University" not in text and "Northbridge and Dales Police" not in text


def test_signatures_from_before_these_records_still_show(client, approved, university_liaison, police_liaison):
    """Rows signed with a typed name and no record of how: shown as they are, said plainly."""
    version = approved.versions.get()
    for user, side, name in (
        (police_liaison, "police", "Daniel Okafor"),
        (university_liaison, "institution", "Priya Shah"),
    ):
        Signature.objects.create(
            agreement=approved,
            version=version,
            side=side,
            signer=user,
            full_name=name,
            position="Lead",
            organisation_name=user.organisation.name,
            text_sha256=version.sha256,
        )
    approved.status = A.IN_FORCE
    approved.save()
    page = client.get(approved.get_verification_url()).content.decode()
    assert "Daniel Okafor" in page and "Priya Shah" in page
    assert "University of Northbridge and Northbridge Police" in page
    assert "Not recorded" in page
    _, _, content = documents.signed_document(approved)
    text = pdf_text(content)
    assert "Daniel Okafor" in text and "Not recorded" in text


def test_guessing_the_password_on_the_sign_form_ends_the_session(client, approved, university_liaison):
    """Axes counts log-ins, not this form: wrong passwords are counted per user, and the fifth
    ends the session, from whatever address they come."""
    client.force_login(university_liaison)
    for attempt in range(4):
        wrong = signature_form(password=f"guess-{attempt}")
        assert client.post(sign_url(approved), wrong, REMOTE_ADDR=f"192.0.2.{attempt}").status_code == 200
    last = client.post(sign_url(approved), signature_form(password="guess-5"), REMOTE_ADDR="192.0.2.9")
    assert last.status_code == 302 and last["Location"] == reverse("login")
    assert not Signature.objects.exists()
