"""Information shares: record one, read one (logged), feed back its outcome, see what awaits feedback.

Every page here sends ``Cache-Control: no-store`` (``never_cache``), so a shared or public
computer keeps no copy of what was shown.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.client import client_address
from core.links import pk_url
from core.lists import Column, list_context, table_header
from core.views import apply_errors

from .. import permissions, services
from ..filters import ShareFilter
from ..forms.partnerships import SUMMARY_MAX_LENGTH, FeedbackForm, ShareForm
from ..models import Direction, InformationShare, ShareView
from .partnerships import get_partnership


def get_share(request, pk):
    queryset = InformationShare.objects.visible_to(request.user).select_related(
        "partnership__institution",
        "partnership__police_force",
        "partnership__institution_contact",
        "partnership__institution_deputy",
        "partnership__police_contact",
        "partnership__police_deputy",
        "shared_by",
        "outcome_by",
    )
    return get_object_or_404(queryset, pk=pk)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def share_create(request, pk):
    partnership = get_partnership(request, pk)
    if not permissions.can_share_information(request.user, partnership):
        raise PermissionDenied
    direction = permissions.direction_for(request.user, partnership)
    form = ShareForm(request.POST or None, instance=InformationShare(partnership=partnership))
    if request.method == "POST" and form.is_valid():
        try:
            share = services.share_information(form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            receiver = partnership.police_force if direction == Direction.TO_POLICE else partnership.institution
            messages.success(request, f"Information shared with {receiver.name}. They will be asked for feedback.")
            return redirect(share)
    return render(
        request,
        "partnerships/share_form.html",
        {
            "form": form,
            "partnership": partnership,
            "receiver": partnership.police_force if direction == Direction.TO_POLICE else partnership.institution,
            "summary_max_length": SUMMARY_MAX_LENGTH,
            "retention_after_feedback": settings.SHARE_RETENTION_MONTHS_AFTER_FEEDBACK,
            "retention_without_feedback": settings.SHARE_RETENTION_MONTHS_WITHOUT_FEEDBACK,
        },
    )


@never_cache
@login_required
def share_detail(request, pk):
    """Show one share. Opening it is logged: who read it, when and from which address."""
    share = get_share(request, pk)
    partnership = share.partnership
    services.log_share_view(share, request.user, ip_address=client_address(request))
    can_see_views = permissions.can_see_share_views(request.user, partnership)
    views = None
    if can_see_views:
        views = ShareView.objects.visible_to(request.user).filter(share=share).select_related("viewer")[:50]
    return render(
        request,
        "partnerships/share_detail.html",
        {
            "share": share,
            "partnership": partnership,
            "can_record_feedback": permissions.can_record_feedback(request.user, share),
            "feedback_form": FeedbackForm(share=share)
            if permissions.can_record_feedback(request.user, share)
            else None,
            "views": views,
            "can_see_views": can_see_views,
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def share_feedback(request, pk):
    share = get_share(request, pk)
    if not permissions.can_record_feedback(request.user, share):
        raise PermissionDenied
    form = FeedbackForm(request.POST or None, share=share)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_feedback(
                share,
                outcome=form.cleaned_data["outcome"],
                outcome_on=form.cleaned_data["outcome_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Outcome feedback recorded. Thank you for closing the loop.")
            return redirect(share)
    return render(
        request, "partnerships/share_feedback.html", {"form": form, "share": share, "partnership": share.partnership}
    )


SIDES = ("partnership__institution", "partnership__police_force")  # their ids: who answers


@never_cache
@login_required
def shares_awaiting_feedback(request):
    """Shares with no outcome yet, oldest first: the ones this user's side should answer come first."""
    user = request.user
    today = timezone.localdate()
    shares = (
        InformationShare.objects.visible_to(user)
        .awaiting_feedback()
        .filter(erased_at__isnull=True)
        .select_related("partnership")  # the page shows its title; the sides are read by id
        # Only what a row shows: not the summary's free text, nor sixty columns of the share and
        # its partnership per row (a third of each row's cost on the national data set).
        .only("shared_on", "category", "direction", "partnership__title", *SIDES)
        .order_by("shared_on", "pk")
    )
    form = ShareFilter(request.GET, user=user)
    context = list_context(request, form, form.filter_qs(shares), "shares")
    for share in context["page_obj"]:
        share.days_waiting = (today - share.shared_on).days
        share.ours_to_answer = share.receiving_organisation_id == user.organisation_id
        if share.ours_to_answer:
            share.feedback_url = pk_url("partnerships:share_feedback", share.pk)
    header = [
        Column("Shared"),
        Column("Category"),
        Column("Partnership"),
        Column("Waiting"),
        Column("Next step", hidden=True),
    ]
    return render(
        request,
        "partnerships/shares_awaiting_feedback.html",
        {
            **context,
            "header": table_header(header),
            "tabs": form.tabs("side", ShareFilter.SIDES),
            "can_see_any": user.is_liaison_officer or user.is_administrator,
        },
    )
