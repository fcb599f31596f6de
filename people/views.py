"""People pages: an organisation's people and invitations, and the public page that accepts one.

Everything is fetched through ``visible_to`` and then asked of ``permissions.can_see_people``:
a user who may not see an organisation's people (a staff member, a liaison officer of another
organisation) gets 404; one who sees them but may not make a change gets 403.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from core.lists import Column, list_context
from core.ratelimit import rate_limited
from core.views import apply_errors, error_text, paginate
from partnerships.models import Organisation

from . import permissions, services
from .filters import PeopleFilter
from .forms import AcceptForm, InvitationForm, RoleForm
from .models import Invitation, PersonChange


def _organisation(request, pk) -> Organisation:
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not permissions.can_see_people(request.user, organisation):
        raise Http404
    return organisation


def _person(request, pk) -> User:
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    if not permissions.can_see_people(request.user, person.organisation):
        raise Http404
    return person


def _invitation(request, pk) -> Invitation:
    invitation = get_object_or_404(
        Invitation.objects.visible_to(request.user).select_related("organisation", "invited_by"), pk=pk
    )
    if not permissions.can_see_people(request.user, invitation.organisation):
        raise Http404
    return invitation


def _people_page(organisation) -> str:
    return reverse("people:organisation_people", args=[organisation.pk])


@login_required
@require_http_methods(["GET"])
def organisation_people(request, pk):
    """The organisation's people (searchable, by role and status), its open invitations and recent changes."""
    organisation = _organisation(request, pk)
    form = PeopleFilter(request.GET)
    people = (
        User.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .annotate(two_factor=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
    )
    header = [
        Column("Name", sort="name"),
        Column("Email"),
        Column("Role", sort="role"),
        Column("Status"),
        Column("Last sign-in", sort="last_login"),
        Column("Two-factor"),
        Column("Change", hidden=True),
    ]
    invitations = paginate(
        request,
        Invitation.objects.visible_to(request.user)
        .unanswered()
        .filter(organisation=organisation)
        .select_related("invited_by", "organisation")
        .order_by("-created_at", "-pk"),
        param="invitations_page",
    )
    for invitation in invitations["page_obj"]:
        invitation.manageable = permissions.can_manage_invitation(request.user, invitation)
    context = {
        **list_context(request, form, form.filter_qs(people), "people"),
        "header": form.header(header),
        "organisation": organisation,
        "invitations": invitations,
        "changes": PersonChange.objects.visible_to(request.user)
        .filter(organisation=organisation)
        .select_related("person", "invitation", "by")[:10],
        "can_invite": permissions.can_invite(request.user, organisation),
    }
    for person in context["page_obj"]:
        person.manageable = permissions.can_manage_person(request.user, person)
    return render(request, "people/organisation_people.html", context)


@login_required
@rate_limited("invitation_send")
@require_http_methods(["GET", "POST"])
def invite(request, pk):
    organisation = _organisation(request, pk)
    if not permissions.can_invite(request.user, organisation):
        raise PermissionDenied
    roles = permissions.grantable_roles(request.user, organisation)
    form = InvitationForm(request.POST or None, roles=roles)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite(request.user, organisation, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"Invitation sent to {invitation.email}. The link works for {settings.INVITATION_DAYS} days."
            )
            return redirect(_people_page(organisation))
    return render(
        request,
        "people/invite.html",
        {"organisation": organisation, "form": form, "invitation_days": settings.INVITATION_DAYS},
    )


def _invitation_action(request, pk, *, service, verb: str, done: str, consequences: list[str]):
    invitation = _invitation(request, pk)
    if not permissions.can_manage_invitation(request.user, invitation):
        raise PermissionDenied
    if request.method == "POST":
        try:
            service(invitation, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, done.format(name=invitation.name, email=invitation.email))
        return redirect(_people_page(invitation.organisation))
    return render(
        request,
        "people/confirm.html",
        {
            "organisation": invitation.organisation,
            "heading": f"{verb} the invitation to {invitation.name}?",
            "consequences": consequences,
            "button": f"{verb} the invitation",
            "danger": verb == "Withdraw",
        },
    )


@login_required
@rate_limited("invitation_send")
@require_http_methods(["GET", "POST"])
def resend_invitation(request, pk):
    return _invitation_action(
        request,
        pk,
        service=services.resend,
        verb="Send again",
        done="Invitation sent again to {email}.",
        consequences=[
            "A new email goes to the same address, with a new link.",
            "The link sent before stops working.",
            f"The new link works for {settings.INVITATION_DAYS} days.",
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_invitation(request, pk):
    return _invitation_action(
        request,
        pk,
        service=services.withdraw,
        verb="Withdraw",
        done="Invitation to {name} withdrawn: its link no longer works.",
        consequences=["The link in the invitation stops working.", "You can invite the same address again later."],
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_role(request, pk):
    person = _person(request, pk)
    if not permissions.can_change_role(request.user, person):
        raise PermissionDenied
    form = RoleForm(
        request.POST or None,
        roles=permissions.grantable_roles(request.user, person.organisation),
        initial={"role": person.role},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = services.change_role(person, form.cleaned_data["role"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{person} is now a {person.get_role_display().lower()}.")
            return redirect(_people_page(person.organisation))
    return render(
        request, "people/change_role.html", {"organisation": person.organisation, "person": person, "form": form}
    )


def _person_action(request, pk, *, allowed, service, verb: str, done: str, consequences: list[str]):
    person = _person(request, pk)
    if not allowed(request.user, person):
        raise PermissionDenied
    if request.method == "POST":
        try:
            service(person, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, done.format(name=person))
        return redirect(_people_page(person.organisation))
    return render(
        request,
        "people/confirm.html",
        {
            "organisation": person.organisation,
            "heading": f"{verb} {person}?",
            "consequences": consequences,
            "button": verb,
            "danger": verb == "Deactivate",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    return _person_action(
        request,
        pk,
        allowed=permissions.can_deactivate,
        service=services.deactivate,
        verb="Deactivate",
        done="{name} is deactivated and can no longer sign in.",
        consequences=[
            "They can no longer sign in, and are signed out of the portal now.",
            "Everything they recorded stays, under their name.",
            "You can reactivate them later.",
        ],
    )


@login_required
@require_http_methods(["GET", "POST"])
def reactivate(request, pk):
    return _person_action(
        request,
        pk,
        allowed=permissions.can_reactivate,
        service=services.reactivate,
        verb="Reactivate",
        done="{name} is active again and can sign in.",
        consequences=["They can sign in again with their password (and their second factor, if they use one)."],
    )


@never_cache
@rate_limited("invitation", methods=("GET", "POST"))
@require_http_methods(["GET", "POST"])
def accept(request, token):
    """Public: the emailed link. Set a password, and be signed in (the two-factor set-up comes next
    where the role requires it: accounts/middleware.py sends them there)."""
    try:
        invitation = services.open_invitation(token)
    except ValidationError as error:
        status = 404 if error.code == "unknown" else 410
        return render(request, "people/invitation_refused.html", {"reason": error_text(error)}, status=status)
    if request.user.is_authenticated:
        return render(request, "people/accept_signed_in.html")
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accept(token, form.cleaned_data["password"])
        except ValidationError as error:
            if getattr(error, "code", None) in ("unknown", "used", "withdrawn", "expired"):
                return render(request, "people/invitation_refused.html", {"reason": error_text(error)}, status=410)
            apply_errors(form, error)
        else:
            # Signing in is logged (axes logs the address): not with the token in it, even spent.
            request.path_info = request.path = request.META["PATH_INFO"] = reverse("people:accept", args=["accepted"])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome, {user.first_name or user}. Your username is {user.username}.")
            return redirect("portal:dashboard")
    return render(
        request,
        "people/accept.html",
        {"invitation": invitation, "form": form, "role": Role(invitation.role).label},
    )
