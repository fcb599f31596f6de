"""Pages for two-factor authentication: set up, enter a code, manage (recovery codes, turn off), and
re-authentication (the password and a current code asked again)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.ratelimit import rate_limited

from .. import reauth, services, two_factor
from ..forms import CodeForm


def _next(request, default="portal:dashboard"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
        and target.startswith("/")
    ):
        return target
    return default


@never_cache
@login_required
@rate_limited("two_factor")
@require_http_methods(["GET", "POST"])
def setup(request):
    """Show the QR code and secret of a new authenticator; confirm it with its first code."""
    if two_factor.has_device(request.user) and not reauth.is_recent(request):
        # Replacing the authenticator: the session has passed the code step (the middleware
        # sees to that); ask again for the password and a current code.
        return _confirm_first(request, "two_factor_setup")
    device = two_factor.pending_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.confirm(request, device, "".join(form.cleaned_data["code"].split()))
        if codes is not None:
            request.session[two_factor.HAS_DEVICE_KEY] = True
            return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error(
            "code", "That code did not match. Check the time on your phone is right and try the newest code."
        )
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.secret_text(device),
        "required": two_factor.is_required(request.user),
        "next": _next(request, ""),
    }
    return render(request, "registration/two_factor_setup.html", context)


@never_cache
@login_required
@rate_limited("two_factor")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of logging in: a code from the app, or a recovery code."""
    if two_factor.is_verified(request) or not two_factor.has_device(request.user):
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.verify(request, form.cleaned_data["code"]):
            left = two_factor.recovery_codes_left(request.user)
            if left <= 3 and two_factor.has_recovery_codes_device(request.user):
                messages.warning(
                    request, f"You have {left} recovery codes left. Make new ones in Two-factor authentication."
                )
            return redirect(_next(request))
        form.add_error("code", "That code is not right, or has been used. Try the newest code from your app.")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request, "")})


@never_cache
@login_required
@require_http_methods(["GET"])
def manage(request):
    context = {
        "has_device": two_factor.has_device(request.user),
        "required": two_factor.is_required(request.user),
        "codes_left": two_factor.recovery_codes_left(request.user),
        "confirmed_recently": reauth.is_recent(request),
    }
    return render(request, "registration/two_factor_manage.html", context)


def _confirm_first(request, return_to: str):
    """Send the person to confirm their password and code, then back to ``return_to``."""
    return redirect(f"{reverse('reauthenticate')}?{urlencode({'next': reverse(return_to)})}")


@never_cache
@login_required
@rate_limited("two_factor")
@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    """Ask again for the password (and a current code) before a change to how the account signs in."""
    form = reauth.ReauthenticationForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        reauth.remember(request)
        return redirect(_next(request, "two_factor_manage"))
    if form.too_many_failures:
        return reauth.end_session(request)
    context = {"form": form, "next": _next(request, ""), "minutes": settings.REAUTHENTICATION_SECONDS // 60}
    return render(request, "registration/reauthenticate.html", context)


@never_cache
@login_required
@require_POST
def recovery_codes(request):
    if not two_factor.has_device(request.user):
        return redirect("two_factor_setup")
    if not reauth.is_recent(request):
        return _confirm_first(request, "two_factor_manage")
    codes = services.new_recovery_codes(request.user)
    return render(request, "registration/two_factor_codes.html", {"codes": codes, "next": ""})


@never_cache
@login_required
@require_POST
def turn_off(request):
    if two_factor.is_required(request.user):
        messages.error(request, "Your role needs two-factor authentication, so it cannot be turned off.")
        return redirect("two_factor_manage")
    if not reauth.is_recent(request):
        return _confirm_first(request, "two_factor_manage")
    services.turn_off(request.user)
    request.session[two_factor.HAS_DEVICE_KEY] = False
    messages.success(request, "Two-factor authentication is off. We have emailed you to say so.")
    return redirect("two_factor_manage")
