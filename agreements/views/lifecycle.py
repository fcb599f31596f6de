"""An agreement's way out of signing and its life in force.

A signatory declines to sign (back to changes requested), or either side withdraws it before it
is in force; in force, either side answers the scheduled review ("reviewed, no change") or gives
notice to end it, and the institution starts a variation. Declining, withdrawing and notice ask
for a reason first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.views import apply_errors

from .. import permissions, reviews, services
from ..forms import ReasonForm, ReviewAnswerForm
from .review import _agreement


def _with_form(request, agreement, *, form_class, allowed, service, template, done, context=None):
    """A page of one form whose answer is one service call: shown again with the service's
    refusal as the form's error (nothing typed is lost), or the agreement page after it.
    ``context(agreement)`` gives what else the page shows, worked out only when it is shown."""
    if not allowed(request.user, agreement):
        raise PermissionDenied
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            agreement.refresh_from_db()
            messages.success(request, done.format(agreement=agreement))
            return redirect(agreement)
    return render(
        request,
        template,
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "form": form,
            **(context(agreement) if context else {}),
        },
    )


def _with_reason(request, pk, *, allowed, service, template, done, context=None):
    agreement = _agreement(request, pk)
    return _with_form(
        request,
        agreement,
        form_class=ReasonForm,
        allowed=allowed,
        service=service,
        template=template,
        done=done,
        context=context,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decline_signing(request, pk):
    return _with_reason(
        request,
        pk,
        allowed=permissions.can_decline_signing,
        service=services.decline_signing,
        template="agreements/decline_signing.html",
        done="You declined to sign. The agreement is back with the institution as changes requested; both sides "
        "have been told, with your reason.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    return _with_reason(
        request,
        pk,
        allowed=permissions.can_withdraw,
        service=services.withdraw,
        template="agreements/withdraw.html",
        done="You withdrew {agreement.title}. Both sides have been told, with your reason.",
    )


# --- In force ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def answer_review(request, pk):
    """A side answers the scheduled review: reviewed, no change."""
    agreement = _agreement(request, pk)
    return _with_form(
        request,
        agreement,
        form_class=ReviewAnswerForm,
        allowed=permissions.can_confirm_review,
        service=services.confirm_review,
        template="agreements/review_answer.html",
        done="Your side's answer is recorded: reviewed, no change. The other side has been told.",
        context=lambda agreement: {
            "review": reviews.review_state(agreement),
            "side": agreement.side_of(request.user),
            "can_start_variation": permissions.can_start_variation(request.user, agreement),
            "can_give_notice": permissions.can_give_notice(request.user, agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def give_notice(request, pk):
    return _with_reason(
        request,
        pk,
        allowed=permissions.can_give_notice,
        service=services.give_notice,
        template="agreements/give_notice.html",
        done="Notice to end {agreement.title} is given: its last day in force is {agreement.ends_on:%-d %B %Y}. "
        "Both sides have been told.",
        context=lambda agreement: {"ends_on": reviews.notice_ends_on(agreement, timezone.localdate())},
    )


@login_required
@require_http_methods(["GET", "POST"])
def start_variation(request, pk):
    """The institution starts a variation: a confirmation, then the new draft's details."""
    agreement = _agreement(request, pk)
    if not permissions.can_start_variation(request.user, agreement):
        raise PermissionDenied
    error = ""
    if request.method == "POST":
        try:
            variation = services.start_variation(agreement, by=request.user)
        except ValidationError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(
                request,
                f"Variation {variation.variation_number} is drafted from the text in force. Choose the date it "
                "takes effect, change the clauses that vary, and submit it for review.",
            )
            return redirect("agreements:edit", variation.pk)
    return render(
        request,
        "agreements/start_variation.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "error": error,
            "in_progress": reviews.variation_in_progress(agreement),
        },
    )
