"""Engagements and actions: record a meeting, raise and follow up actions, "my actions"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_http_methods, require_POST

from core.links import pk_url
from core.lists import Column, list_context, table_header
from core.views import apply_errors

from .. import permissions, services
from ..filters import ActionFilter
from ..forms.partnerships import ActionForm, ActionStatusForm, EngagementForm
from ..models import Action, ActionStatus, Engagement, Organisation
from .partnerships import get_partnership


def get_engagement(request, pk):
    queryset = Engagement.objects.visible_to(request.user).select_related(
        "partnership__institution", "partnership__police_force", "created_by"
    )
    return get_object_or_404(queryset, pk=pk)


def get_action(request, pk):
    queryset = Action.objects.visible_to(request.user).select_related(
        "partnership__institution", "partnership__police_force", "owner__organisation", "engagement", "created_by"
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
def engagement_detail(request, pk):
    engagement = get_engagement(request, pk)
    partnership = engagement.partnership
    return render(
        request,
        "partnerships/engagement_detail.html",
        {
            "engagement": engagement,
            "partnership": partnership,
            "attendees": engagement.attendees.select_related("organisation").order_by("organisation__name", "name"),
            "actions": engagement.actions.select_related("owner").order_by("due_date"),
            "can_edit": permissions.can_record_engagement(request.user, partnership),
            "can_manage_actions": permissions.can_manage_actions(request.user, partnership),
        },
    )


def _engagement_form_page(request, partnership, engagement):
    form = EngagementForm(request.POST or None, instance=engagement, user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_engagement(
                form.instance, by=request.user, attendees=list(form.cleaned_data["attendees"])
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{saved.get_kind_display()} “{saved.title}” saved.")
            return redirect(saved)
    return render(
        request,
        "partnerships/engagement_form.html",
        {"form": form, "partnership": partnership, "engagement": engagement if engagement.pk else None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def engagement_create(request, pk):
    partnership = get_partnership(request, pk)
    if not permissions.can_record_engagement(request.user, partnership):
        raise PermissionDenied
    return _engagement_form_page(request, partnership, Engagement(partnership=partnership))


@login_required
@require_http_methods(["GET", "POST"])
def engagement_edit(request, pk):
    engagement = get_engagement(request, pk)
    if not permissions.can_record_engagement(request.user, engagement.partnership):
        raise PermissionDenied
    return _engagement_form_page(request, engagement.partnership, engagement)


@login_required
@require_http_methods(["GET", "POST"])
def engagement_delete(request, pk):
    engagement = get_engagement(request, pk)
    partnership = engagement.partnership
    if not permissions.can_record_engagement(request.user, partnership):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_engagement(engagement, by=request.user)
        messages.success(request, f"“{engagement.title}” deleted. Its actions stay on the partnership.")
        return redirect(partnership)
    return render(
        request,
        "partnerships/engagement_confirm_delete.html",
        {"engagement": engagement, "partnership": partnership, "action_count": engagement.actions.count()},
    )


@login_required
def action_detail(request, pk):
    action = get_action(request, pk)
    can_manage = permissions.can_manage_actions(request.user, action.partnership)
    return render(
        request,
        "partnerships/action_detail.html",
        {
            "action": action,
            "partnership": action.partnership,
            "can_manage": can_manage,
            "status_choices": ActionStatus.choices,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request, pk):
    partnership = get_partnership(request, pk)
    if not permissions.can_manage_actions(request.user, partnership):
        raise PermissionDenied
    action = Action(partnership=partnership)
    initial = {}
    engagement_id = request.GET.get("engagement", "")
    if engagement_id.isdecimal() and engagement_id.isascii():
        initial["engagement"] = int(engagement_id)
    form = ActionForm(
        request.POST or None, instance=action, initial=initial, user=request.user, partnership=partnership
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.create_action(form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Action “{action.title}” raised for {action.owner.name}.")
            return redirect(action.engagement or partnership)
    return render(request, "partnerships/action_form.html", {"form": form, "partnership": partnership})


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request, pk):
    action = get_action(request, pk)
    partnership = action.partnership
    if not permissions.can_manage_actions(request.user, partnership):
        raise PermissionDenied
    form = ActionForm(request.POST or None, instance=action, user=request.user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_action(form.instance, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Action saved.")
            return redirect(action)
    return render(
        request, "partnerships/action_form.html", {"form": form, "partnership": partnership, "action": action}
    )


@login_required
@require_POST
def action_status(request, pk):
    """Mark an action in progress, done or cancelled from a list, without opening its form."""
    action = get_action(request, pk)
    if not permissions.can_manage_actions(request.user, action.partnership):
        raise PermissionDenied
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action.status = form.cleaned_data["status"]
        services.update_action(action, by=request.user)
        messages.success(request, f"“{action.title}” is now {action.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose a status for the action.")
    next_url = request.POST.get("next", "")
    if next_url == "mine":
        return redirect("partnerships:my_actions")
    return redirect(action)


# What a row shows, and what permissions.can_manage_actions reads of its partnership (the sides,
# their acceptance and the status): whole action, partnership, contact and organisation rows
# were a third of each row's cost on the national data set.
ACTION_ROW_FIELDS = (
    "title",
    "due_date",
    "status",
    "partnership__title",
    "partnership__status",
    "partnership__institution",
    "partnership__police_force",
    "partnership__institution_accepted_at",
    "partnership__police_accepted_at",
    "owner__name",
    "owner__organisation__name",
)


@login_required
def my_actions(request):
    """Open actions across the user's partnerships, overdue first, then by due date.

    By due date alone: the overdue ones are those due before today, so they come first. In this
    order the open actions' index (``action_open_due``) gives the first page without a sort.
    """
    today = timezone.localdate()
    actions = (
        Action.objects.visible_to(request.user)
        .open()
        .select_related("partnership", "owner__organisation")
        .prefetch_related(Prefetch("partnership__other_agencies", queryset=Organisation.objects.only("pk")))
        .only(*ACTION_ROW_FIELDS)
        .order_by("due_date", "pk")
    )
    form = ActionFilter(request.GET, user=request.user)
    context = list_context(request, form, form.filter_qs(actions), "actions")
    # Each row's status form (the markup of partnerships/_action_status_form.html, inline): its
    # link and its select's options for each status are made here once, not by the template on
    # every row.
    options = {
        current: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((value, " selected" if value == current else "", label) for value, label in ActionStatus.choices),
        )
        for current in ActionStatus.values
    }
    for action in context["page_obj"]:
        action.can_manage = permissions.can_manage_actions(request.user, action.partnership)
        if action.can_manage:
            action.status_url = pk_url("partnerships:action_status", action.pk)
            action.status_options = options[action.status]
    header = [Column("Action"), Column("Owner"), Column("Due"), Column("Status")]
    return render(
        request,
        "partnerships/my_actions.html",
        {
            **context,
            "header": table_header(header),
            "today": today,
        },
    )
