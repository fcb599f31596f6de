"""An agreement's way out of signing: a signatory declines to sign (back to changes requested),
or either side withdraws it before it is in force. Each asks for a reason first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.views import apply_errors

from .. import permissions, services
from ..forms import ReasonForm
from .review import _agreement


def _with_reason(request, pk, *, allowed, service, template, done):
    agreement = _agreement(request, pk)
    if not allowed(request.user, agreement):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(agreement, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, done.format(agreement=agreement))
            return redirect(agreement)
    return render(request, template, {"agreement": agreement, "partnership": agreement.partnership, "form": form})


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
