"""Partnerships by consent: the invited side answers a proposal; an invited agency answers its invitation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from core.views import apply_errors

from .. import permissions, services
from ..forms.partnerships import AnswerForm
from ..models import AgencyInvitation
from .partnerships import get_partnership


@login_required
@require_http_methods(["GET", "POST"])
def partnership_answer(request, pk):
    partnership = get_partnership(request, pk)
    if not permissions.can_answer_proposal(request.user, partnership):
        raise PermissionDenied
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.answer_proposal(partnership, by=request.user, accept=accept, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if accept:
                messages.success(request, "You accepted the partnership.")
            else:
                messages.success(request, "You declined the proposal. The other side has been told why.")
            return redirect(partnership)
    return render(request, "partnerships/partnership_answer.html", {"partnership": partnership, "form": form})


def _get_invitation(request, pk):
    queryset = AgencyInvitation.objects.visible_to(request.user).select_related(
        "organisation", "invited_by__organisation", "partnership__institution", "partnership__police_force"
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, pk):
    """The invitation as the invited agency sees it: the partnership's public outline, and the answer."""
    invitation = _get_invitation(request, pk)
    can_answer = permissions.can_answer_invitation(request.user, invitation)
    if request.method == "POST" and not can_answer:
        raise PermissionDenied
    form = AnswerForm(request.POST or None) if can_answer else None
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.answer_invitation(invitation, by=request.user, accept=accept, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if accept:
                messages.success(request, f"{invitation.organisation.name} now takes part in the partnership.")
                return redirect(invitation.partnership)
            messages.success(request, "You declined the invitation.")
            return redirect("portal:dashboard")
    return render(
        request,
        "partnerships/invitation_detail.html",
        {"invitation": invitation, "partnership": invitation.partnership, "form": form},
    )
