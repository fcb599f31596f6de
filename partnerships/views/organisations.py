"""Organisation pages: the list, the organisation page, and managing organisations, units and contacts.

Every object is fetched through ``visible_to`` (a 404 outside the user's scope); what a user may
change is asked of ``permissions`` (a 403 when they see it but may not change it); changes go
through ``services``. Every page is a function; the list uses ``core.lists`` like every other list.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.lists import Column, list_context
from core.views import apply_errors

from .. import permissions, services
from ..filters import OrganisationFilter
from ..forms.organisations import ContactForm, OrganisationForm, UnitForm
from ..models import Contact, Organisation, Unit


@login_required
def organisation_list(request):
    """The organisations a user may see, searchable and filterable by kind and region."""
    form = OrganisationFilter(request.GET)
    organisations = Organisation.objects.visible_to(request.user).annotate(
        unit_count=Count("units", distinct=True), contact_count=Count("contacts", distinct=True)
    )
    context = list_context(request, form, form.filter_qs(organisations), "organisations")
    header = [
        Column("Name", sort="name"),
        Column("Kind", sort="kind"),
        Column("Region", sort="region"),
        Column("Units", css="text-end"),
        Column("Contacts", css="text-end"),
    ]
    return render(
        request,
        "partnerships/organisation_list.html",
        {
            **context,
            "header": form.header(header),
            "can_create_organisation": permissions.can_create_organisation(request.user),
        },
    )


@login_required
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    units = Unit.objects.visible_to(request.user).filter(organisation=organisation)
    contacts = Contact.objects.visible_to(request.user).filter(organisation=organisation).select_related("unit")
    return render(
        request,
        "partnerships/organisation_detail.html",
        {
            "organisation": organisation,
            "units": units,
            "contacts": contacts,
            "can_manage": permissions.can_manage_organisation(request.user, organisation),
        },
    )


# Managing organisations, units and contacts


def _posted(request):
    """The submitted data, or None on GET; an empty POST must still be validated (and refused)."""
    return request.POST if request.method == "POST" else None


def _managed_organisation(request, pk) -> Organisation:
    """An organisation the user sees (else 404) and manages (else 403)."""
    organisation = get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)
    if not permissions.can_manage_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


def _managed_record(request, model, pk):
    """A unit or contact the user sees (else 404) whose organisation they manage (else 403)."""
    original = get_object_or_404(model.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if not permissions.can_manage_organisation(request.user, original.organisation):
        raise PermissionDenied
    return original


def _form_page(request, form, save, template, context, success):
    """Validate ``form``; on success save its instance with ``save`` and redirect with a message.

    ``success`` turns the saved object into (message, redirect target). A clash the form could
    not foresee (the service's ValidationError) is shown on the form.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            message, target = success(saved)
            messages.success(request, message)
            return redirect(target)
    return render(request, template, {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    if not permissions.can_create_organisation(request.user):
        raise PermissionDenied
    form = OrganisationForm(_posted(request))
    return _form_page(
        request,
        form,
        services.save_organisation,
        "partnerships/organisation_form.html",
        {"organisation": None},
        lambda saved: (f"{saved.name} added.", saved.get_absolute_url()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = _managed_organisation(request, pk)
    # A copy for the form, so a rejected name does not show as the page's heading.
    form = OrganisationForm(_posted(request), instance=copy.copy(organisation))
    return _form_page(
        request,
        form,
        services.save_organisation,
        "partnerships/organisation_form.html",
        {"organisation": organisation},
        lambda saved: (f"{saved.name} saved.", organisation.get_absolute_url()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request, pk):
    organisation = _managed_organisation(request, pk)
    form = UnitForm(_posted(request), organisation=organisation)
    return _form_page(
        request,
        form,
        services.save_unit,
        "partnerships/unit_form.html",
        {"organisation": organisation},
        lambda saved: (f"Unit {saved.name} added to {organisation.name}.", organisation.get_absolute_url()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    original = _managed_record(request, Unit, pk)
    organisation = original.organisation
    # A copy for the form, so the page keeps showing the saved name while the form is rejected.
    form = UnitForm(_posted(request), instance=copy.copy(original), organisation=organisation)
    return _form_page(
        request,
        form,
        services.save_unit,
        "partnerships/unit_form.html",
        {"organisation": organisation, "original": original},
        lambda saved: (f"Unit {saved.name} saved.", organisation.get_absolute_url()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request, pk):
    organisation = _managed_organisation(request, pk)
    form = ContactForm(_posted(request), organisation=organisation)
    return _form_page(
        request,
        form,
        services.save_contact,
        "partnerships/contact_form.html",
        {"organisation": organisation},
        lambda saved: (f"{saved.name} added to the contacts of {organisation.name}.", organisation.get_absolute_url()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk):
    original = _managed_record(request, Contact, pk)
    organisation = original.organisation
    form = ContactForm(_posted(request), instance=copy.copy(original), organisation=organisation)
    return _form_page(
        request,
        form,
        services.save_contact,
        "partnerships/contact_form.html",
        {"organisation": organisation, "original": original},
        lambda saved: (f"{saved.name} saved.", organisation.get_absolute_url()),
    )


def _confirm_delete(request, original, *, kind, delete, consequences, blocker):
    """GET asks "Delete X?" and says what will happen; POST deletes, unless the database refuses.

    ``consequences`` and ``blocker`` (why it cannot be deleted now, and what to do about it;
    empty when it can) are functions, asked only when the page needs them.
    """
    organisation = original.organisation
    if request.method == "POST":
        name = str(original.name)
        try:
            delete(original, by=request.user)
        except ProtectedError:
            messages.error(
                request, blocker() or f"{kind.capitalize()} {name} is still in use in the portal, so was not deleted."
            )
        else:
            messages.success(request, f"{kind.capitalize()} {name} deleted.")
        return redirect(organisation.get_absolute_url())
    context = {
        "organisation": organisation,
        "original": original,
        "kind": kind,
        "consequences": consequences(),
        "blocker": blocker(),
    }
    return render(request, "partnerships/confirm_delete.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_delete(request, pk):
    unit = _managed_record(request, Unit, pk)

    def consequences() -> list[str]:
        members = unit.contacts.count()
        if not members:
            return ["No contacts are in this unit. Nothing else changes."]
        return [
            f"{members} contact{'s' if members != 1 else ''} in this unit will stay with "
            f"{unit.organisation.name}, with no unit."
        ]

    return _confirm_delete(
        request, unit, kind="unit", delete=services.delete_unit, consequences=consequences, blocker=lambda: ""
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_delete(request, pk):
    contact = _managed_record(request, Contact, pk)

    def consequences() -> list[str]:
        name = contact.name
        consequences = [
            f"{name} is removed from the contacts of {contact.organisation.name} and from the attendees of "
            "engagements.",
            f"Partnerships that name {name} as a sponsor or single point of contact will have nobody in that role.",
        ]
        if contact.user_id:
            consequences.append("Their portal account is not deleted and they can still log in.")
        return consequences

    def blocker() -> str:
        owned = contact.actions.count()
        if not owned:
            return ""
        return (
            f"{contact.name} owns {owned} action{'s' if owned != 1 else ''}, so cannot be deleted. "
            "Give those actions to another owner first, then delete the contact."
        )

    return _confirm_delete(
        request, contact, kind="contact", delete=services.delete_contact, consequences=consequences, blocker=blocker
    )
