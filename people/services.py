"""Inviting people to the portal, and changing an organisation's people. Every write is here.

Each change is recorded as a ``PersonChange`` (who, what, when). The invitation email goes
once the transaction has committed; the token is in that email's link and nowhere else (the
database holds its hash, and nothing logs it).
"""

import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from accounts import deactivation
from accounts.models import Role, User

from . import permissions
from .models import ChangeKind, Invitation, InvitationState, PersonChange, hash_token

logger = logging.getLogger("portal.people")

LIAISON_ROLES = (Role.UNIVERSITY_LIAISON, Role.POLICE_LIAISON, Role.AGENCY_LIAISON)
# An invitation is sent again at most this often: each sending is an email to the address.
RESEND_AFTER = timedelta(minutes=5)


def _record(organisation, kind, by, *, person=None, invitation=None, detail="") -> PersonChange:
    return PersonChange.objects.create(
        organisation=organisation, kind=kind, by=by, person=person, invitation=invitation, detail=detail[:300]
    )


def _role_label(role: str) -> str:
    return Role(role).label if role in Role.values else role


def _new_token(invitation) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = hash_token(token)
    invitation.last_sent_at = now
    invitation.expires_at = now + timedelta(days=settings.INVITATION_DAYS)
    return token


def _email_after_commit(invitation, token: str) -> None:
    from core import mail

    def send():
        link = settings.SITE_URL.rstrip("/") + reverse("people:accept", args=[token])
        try:
            mail.send(
                "person_invited",
                [invitation.email],
                {
                    "invitation": invitation,
                    "link": link,
                    "inviter": invitation.invited_by,
                    "role": _role_label(invitation.role),
                    # Nobody can turn off their own invitation: no notification settings line.
                    "group": {"essential": True},
                },
            )
        except Exception:
            logger.exception("could not email invitation=%s", invitation.pk)

    transaction.on_commit(send)


@transaction.atomic
def invite(by, organisation, email: str, first_name: str, last_name: str, role: str) -> Invitation:
    """Invite someone to join ``organisation`` in ``role``; email them a link valid for
    ``INVITATION_DAYS`` days."""
    email = User.objects.normalize_email((email or "").strip())
    if not permissions.can_invite(by, organisation):
        raise ValidationError(f"You cannot invite people to {organisation.name}.")
    if role not in permissions.grantable_roles(by, organisation):
        if role in Role.values and not permissions.role_fits(role, organisation):
            raise ValidationError(
                {"role": f"{organisation.name} cannot have a {_role_label(role).lower()}: choose another role."}
            )
        raise ValidationError({"role": f"You cannot invite a {_role_label(role).lower()}."})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {"email": "Someone with this email address has a portal account already. Change their role instead."}
        )
    earlier = Invitation.objects.unanswered().select_for_update().filter(email__iexact=email).first()
    if earlier is not None:
        if not earlier.is_expired:
            if not permissions.can_see_people(by, earlier.organisation):
                raise ValidationError({"email": "This address has an invitation from another organisation waiting."})
            raise ValidationError(
                {
                    "email": f"{email} was invited on {_when(earlier.created_at)} to {earlier.organisation.name}, "
                    "and the link still works. Send that invitation again instead, or withdraw it first."
                }
            )
        if not permissions.can_see_people(by, earlier.organisation):
            raise ValidationError({"email": "This address has an invitation from another organisation waiting."})
        # An expired invitation nobody answered gives way to the new one.
        earlier.withdrawn_at = timezone.now()
        earlier.save(update_fields=["withdrawn_at"])
        _record(earlier.organisation, ChangeKind.WITHDRAWN, by, invitation=earlier, detail="expired; invited again")
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        role=role,
        invited_by=by,
    )
    token = _new_token(invitation)
    invitation.created_at = invitation.last_sent_at
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError({"email": f"{email} was invited just now by someone else."}) from None
    _record(organisation, ChangeKind.INVITED, by, invitation=invitation, detail=f"as {_role_label(role).lower()}")
    _email_after_commit(invitation, token)
    return invitation


def _locked(invitation, **match) -> Invitation | None:
    """The invitation's row, locked; None when ``match`` (the token's hash) no longer holds."""
    rows = Invitation.objects.select_for_update(of=("self",)).select_related("organisation")
    return rows.filter(pk=invitation.pk, **match).first()


def _still_unanswered(invitation) -> None:
    if invitation.accepted_at:
        raise ValidationError(f"{invitation.name} has accepted the invitation already.")
    if invitation.withdrawn_at:
        raise ValidationError(f"The invitation to {invitation.name} was withdrawn.")


@transaction.atomic
def resend(invitation, by) -> Invitation:
    """Send the invitation again with a new link (the old one stops working) and a new expiry."""
    invitation = _locked(invitation)
    if not permissions.can_manage_invitation(by, invitation):
        raise ValidationError("You cannot send this invitation.")
    _still_unanswered(invitation)
    if invitation.last_sent_at and timezone.now() - invitation.last_sent_at < RESEND_AFTER:
        raise ValidationError(
            f"The invitation to {invitation.name} was sent at {timezone.localtime(invitation.last_sent_at):%H:%M}. "
            "Emails can take a few minutes: ask them to check their junk folder, and send it again later if "
            "it has not arrived."
        )
    token = _new_token(invitation)
    invitation.save(update_fields=["token_hash", "last_sent_at", "expires_at"])
    _record(invitation.organisation, ChangeKind.RESENT, by, invitation=invitation)
    _email_after_commit(invitation, token)
    return invitation


@transaction.atomic
def withdraw(invitation, by) -> Invitation:
    """Withdraw an invitation: its link stops working."""
    invitation = _locked(invitation)
    if not permissions.can_manage_invitation(by, invitation):
        raise ValidationError("You cannot withdraw this invitation.")
    _still_unanswered(invitation)
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = by
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    _record(invitation.organisation, ChangeKind.WITHDRAWN, by, invitation=invitation)
    return invitation


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "j F Y")


def refusal(invitation) -> ValidationError | None:
    """Why an invitation's link no longer works (the message the page shows), or None."""
    if invitation is None:
        return ValidationError(
            "This invitation link is not one the portal knows. Check that you opened the whole link from "
            "the email; if it still does not work, ask the person who invited you to send it again.",
            code="unknown",
        )
    inviter = f"{invitation.invited_by} ({invitation.invited_by.organisation.name})"
    state = invitation.state
    if state == InvitationState.ACCEPTED:
        return ValidationError(
            f"This invitation was used on {_when(invitation.accepted_at)} to set up an account, and works only "
            "once. Log in with that account; if you have forgotten the password, reset it from the login page.",
            code="used",
        )
    if state == InvitationState.WITHDRAWN:
        return ValidationError(
            f"This invitation was withdrawn on {_when(invitation.withdrawn_at)}. If you still need an account, "
            f"ask {inviter}.",
            code="withdrawn",
        )
    if state == InvitationState.EXPIRED:
        return ValidationError(
            f"This invitation expired on {_when(invitation.expires_at)}. Ask {inviter} to send it again: "
            "the new email has a new link.",
            code="expired",
        )
    return None


def open_invitation(token: str) -> Invitation:
    """The invitation ``token`` opens, or a ValidationError saying why it opens none."""
    invitation = Invitation.objects.for_token(token)
    error = refusal(invitation)
    if error is not None:
        raise error
    return invitation


def username_for(email: str) -> str:
    """A free username from the address's local part: ``j.smith``, or ``j.smith2`` when taken."""
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0].lower(), flags=re.ASCII)[:140] or "user"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


@transaction.atomic
def accept(token: str, password: str) -> User:
    """Create the invited person's account with the password they chose; the link then stops working."""
    invitation = Invitation.objects.for_token(token)
    if invitation is not None:
        # Locked by the token's hash too: a link sent again meanwhile has a new hash.
        invitation = _locked(invitation, token_hash=invitation.token_hash)
    error = refusal(invitation)
    if error is not None:
        raise error
    inviter = invitation.invited_by
    if not (inviter.is_active and permissions.can_manage_invitation(inviter, invitation)):
        raise ValidationError(
            f"{inviter} can no longer invite people as a {_role_label(invitation.role).lower()}, so this invitation "
            f"no longer works. If you still need an account, ask a liaison officer of {invitation.organisation.name} "
            "or the portal's administrators to invite you again.",
            code="withdrawn",
        )
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            "An account with this email address exists already. Log in with it, or reset its password "
            "from the login page.",
            code="used",
        )
    user = User(
        username=username_for(invitation.email),
        email=invitation.email,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        organisation=invitation.organisation,
        role=invitation.role,
    )
    user.clean()  # the role still fits the organisation
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError("An account with this email address was set up just now. Log in with it.") from None
    invitation.accepted_at = timezone.now()
    invitation.user = user
    invitation.save(update_fields=["accepted_at", "user"])
    _record(
        invitation.organisation,
        ChangeKind.ACCEPTED,
        user,
        person=user,
        invitation=invitation,
        detail=f"as {_role_label(user.role).lower()}",
    )
    return user


def _lock_person(person) -> User:
    """Lock the organisation's active liaison officers (in key order, so two changes at once wait
    for each other rather than deadlock), then ``person``."""
    list(
        User.objects.select_for_update(of=("self",))
        .filter(organisation_id=person.organisation_id, role__in=LIAISON_ROLES, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return User.objects.select_for_update(of=("self",)).get(pk=person.pk)


def _keeps_a_liaison_officer(person, action: str) -> None:
    """Refuse to leave an organisation without an active liaison officer."""
    if person.role not in LIAISON_ROLES or not person.is_active:
        return
    others = list(
        User.objects.filter(organisation_id=person.organisation_id, role__in=LIAISON_ROLES, is_active=True)
        .exclude(pk=person.pk)
        .values_list("pk", flat=True)
    )
    if not others:
        raise ValidationError(
            f"{person} is the last active liaison officer of {person.organisation.name}, so cannot be {action}. "
            "Invite or appoint another liaison officer first."
        )


@transaction.atomic
def change_role(person, role: str, by) -> User:
    person = _lock_person(person)
    if not permissions.can_change_role(by, person):
        raise ValidationError(f"You cannot change the role of {person}.")
    if role not in permissions.grantable_roles(by, person.organisation):
        raise ValidationError({"role": f"You cannot make {person} a {_role_label(role).lower()}."})
    if role == person.role:
        return person
    if role not in LIAISON_ROLES:
        _keeps_a_liaison_officer(person, "given another role")
    before = person.role
    person.role = role
    fields = ["role"]
    if role != Role.ADMINISTRATOR and (person.is_superuser or person.is_staff):
        # Otherwise is_administrator (role or superuser) would keep every right of the old role.
        person.is_superuser = person.is_staff = False
        fields += ["is_superuser", "is_staff"]
    person.save(update_fields=fields)
    _record(
        person.organisation,
        ChangeKind.ROLE_CHANGED,
        by,
        person=person,
        detail=f"from {_role_label(before).lower()} to {_role_label(role).lower()}",
    )
    return person


@transaction.atomic
def deactivate(person, by) -> User:
    """Stop ``person`` signing in; everything they did stays, under their name, and what they
    were holding for the future (a place on upcoming training) is released."""
    person = _lock_person(person)
    if person.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if not permissions.can_deactivate(by, person):
        raise ValidationError(f"You cannot deactivate {person}.")
    _keeps_a_liaison_officer(person, "deactivated")
    person.is_active = False
    person.save(update_fields=["is_active"])
    _record(person.organisation, ChangeKind.DEACTIVATED, by, person=person)
    deactivation.run(person, by=by)  # places on upcoming training go to the next in line
    return person


@transaction.atomic
def reactivate(person, by) -> User:
    person = _lock_person(person)
    if not permissions.can_reactivate(by, person):
        raise ValidationError(f"You cannot reactivate {person}.")
    person.is_active = True
    person.save(update_fields=["is_active"])
    _record(person.organisation, ChangeKind.REACTIVATED, by, person=person)
    return person
