"""Each user's notifications: the list, opening one (which marks it read), and settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.lists import list_context

from . import services
from .filters import NotificationFilter
from .forms import SettingsForm
from .models import Muted, Notification


@login_required
@require_GET
def notification_list(request):
    form = NotificationFilter(request.GET)
    notes = Notification.objects.inbox_of(request.user).only("title", "url", "created_at", "read_at")
    unread = notes.unread().count()
    context = list_context(request, form, form.filter_qs(notes), "notifications")
    context.update(tabs=form.tabs("show", NotificationFilter.SHOW), unread=unread)
    context["unread_notifications"] = unread  # the bell's count, already known here
    return render(request, "notifications/list.html", context)


@login_required
@require_GET
def notification_open(request, pk):
    note = get_object_or_404(Notification.objects.inbox_of(request.user), pk=pk)
    services.mark_read(request.user, [note.pk])
    # The stored address is the portal's own; never follow one that points elsewhere.
    if url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) and note.url.startswith("/"):
        return HttpResponseRedirect(note.url)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(request.user)
    messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    muted = set(Muted.objects.filter(user=request.user).values_list("group", flat=True))
    form = SettingsForm(request.POST if request.method == "POST" else None, muted=muted)
    if request.method == "POST" and form.is_valid():
        services.set_muted(request.user, form.muted_groups())
        messages.success(request, "Your notification settings are saved.")
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
