"""Organisation pages: the list, the organisation page, and managing organisations, units and contacts.

Every object is fetched through ``visible_to`` (a 404 outside the user's scope); what a user may
change is asked of ``permissions`` (a 403 when they see it but may not change it).
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import CreateView, DeleteView, UpdateView

from core.lists import Column, list_context

from .. import permissions
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


class ManageOrganisationMixin:
    """Load the organisation a page changes and refuse users who may not manage it.

    Goes after ``LoginRequiredMixin``, so anonymous visitors are sent to log in first. Subclasses
    fetch through ``visible_to`` in ``get_organisation`` (a 404 outside the user's scope); a user
    who sees the organisation but may not manage it gets a 403.
    """

    organisation = None

    def get_organisation(self) -> Organisation | None:
        return get_object_or_404(Organisation.objects.visible_to(self.request.user), pk=self.kwargs["pk"])

    def has_permission(self) -> bool:
        return permissions.can_manage_organisation(self.request.user, self.organisation)

    def dispatch(self, request, *args, **kwargs):
        self.organisation = self.get_organisation()
        if not self.has_permission():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(organisation=self.organisation, **kwargs)

    def get_success_url(self) -> str:
        return self.organisation.get_absolute_url()


class ManagedObjectMixin(ManageOrganisationMixin):
    """For a unit or contact: fetch it through ``visible_to`` and manage its organisation."""

    def get_organisation(self) -> Organisation:
        queryset = self.model.objects.visible_to(self.request.user).select_related("organisation")
        self.original = get_object_or_404(queryset, pk=self.kwargs["pk"])
        return self.original.organisation

    def get_object(self, queryset=None):
        # A copy for the form, so the page keeps showing the saved name while the form is rejected.
        return copy.copy(self.original)

    def get_context_data(self, **kwargs):
        return super().get_context_data(original=self.original, **kwargs)


class SaveFormMixin:
    """Save the form in a transaction and say so; a clash the form could not foresee is a form error."""

    conflict_message = "Someone else saved a record with these details just now. Check the details and try again."

    def get_success_message(self) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                self.object = form.save()
        except IntegrityError:
            form.add_error(None, self.conflict_message)
            return self.form_invalid(form)
        messages.success(self.request, self.get_success_message())
        return redirect(self.get_success_url())


class OrganisationCreateView(LoginRequiredMixin, ManageOrganisationMixin, SaveFormMixin, CreateView):
    model = Organisation
    form_class = OrganisationForm
    template_name = "partnerships/organisation_form.html"

    def get_organisation(self) -> None:
        return None

    def has_permission(self) -> bool:
        return permissions.can_create_organisation(self.request.user)

    def get_success_url(self) -> str:
        return self.object.get_absolute_url()

    def get_success_message(self) -> str:
        return f"{self.object.name} added."


class OrganisationUpdateView(LoginRequiredMixin, ManageOrganisationMixin, SaveFormMixin, UpdateView):
    model = Organisation
    form_class = OrganisationForm
    template_name = "partnerships/organisation_form.html"

    def get_object(self, queryset=None):
        # A copy for the form, so a rejected name does not show as the page's heading.
        return copy.copy(self.organisation)

    def get_success_message(self) -> str:
        return f"{self.object.name} saved."


class UnitFormMixin(SaveFormMixin):
    model = Unit
    form_class = UnitForm
    template_name = "partnerships/unit_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}


class UnitCreateView(LoginRequiredMixin, ManageOrganisationMixin, UnitFormMixin, CreateView):
    def get_success_message(self) -> str:
        return f"Unit {self.object.name} added to {self.organisation.name}."


class UnitUpdateView(LoginRequiredMixin, ManagedObjectMixin, UnitFormMixin, UpdateView):
    def get_success_message(self) -> str:
        return f"Unit {self.object.name} saved."


class ContactFormMixin(SaveFormMixin):
    model = Contact
    form_class = ContactForm
    template_name = "partnerships/contact_form.html"
    conflict_message = "That portal account was linked to another contact just now. Choose another, or none."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}


class ContactCreateView(LoginRequiredMixin, ManageOrganisationMixin, ContactFormMixin, CreateView):
    def get_success_message(self) -> str:
        return f"{self.object.name} added to the contacts of {self.organisation.name}."


class ContactUpdateView(LoginRequiredMixin, ManagedObjectMixin, ContactFormMixin, UpdateView):
    def get_success_message(self) -> str:
        return f"{self.object.name} saved."


class ConfirmDeleteView(LoginRequiredMixin, ManagedObjectMixin, DeleteView):
    """GET asks "Delete X?" and says what will happen; POST deletes, unless the database refuses."""

    template_name = "partnerships/confirm_delete.html"
    kind = ""

    def consequences(self) -> list[str]:
        return []

    def blocker(self) -> str:
        """Why the object cannot be deleted now, and what to do about it; empty when it can."""
        return ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            kind=self.kind, consequences=self.consequences(), blocker=self.blocker(), **kwargs
        )

    def form_valid(self, form):
        name = str(self.object.name)
        try:
            with transaction.atomic():
                self.object.delete()
        except ProtectedError:
            messages.error(
                self.request,
                self.blocker() or f"{self.kind.capitalize()} {name} is still in use in the portal, so was not deleted.",
            )
        else:
            messages.success(self.request, f"{self.kind.capitalize()} {name} deleted.")
        return redirect(self.get_success_url())


class UnitDeleteView(ConfirmDeleteView):
    model = Unit
    kind = "unit"

    def consequences(self) -> list[str]:
        members = self.object.contacts.count()
        if not members:
            return ["No contacts are in this unit. Nothing else changes."]
        return [
            f"{members} contact{'s' if members != 1 else ''} in this unit will stay with "
            f"{self.organisation.name}, with no unit."
        ]


class ContactDeleteView(ConfirmDeleteView):
    model = Contact
    kind = "contact"

    def consequences(self) -> list[str]:
        name = self.object.name
        consequences = [
            f"{name} is removed from the contacts of {self.organisation.name} and from the attendees of engagements.",
            f"Partnerships that name {name} as a sponsor or single point of contact will have nobody in that role.",
        ]
        if self.object.user_id:
            consequences.append("Their portal account is not deleted and they can still log in.")
        return consequences

    def blocker(self) -> str:
        owned = self.object.actions.count()
        if not owned:
            return ""
        return (
            f"{self.object.name} owns {owned} action{'s' if owned != 1 else ''}, so cannot be deleted. "
            "Give those actions to another owner first, then delete the contact."
        )
