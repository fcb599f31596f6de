"""Review and signing pages: the submitted text with its comments, approval, changes requested,
signatures, comparing versions, the PDFs and the public verification page.

Every page but ``verify`` fetches the agreement through ``visible_to`` (404 outside the parties),
all but the signed PDF through ``workings_visible_to`` (404 for staff members too), and then asks
``permissions`` (403 when visible but not allowed). Changes go through
``services``; their ValidationErrors are shown on the form or as a message.
"""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts import reauth
from core.client import client_address
from core.ratelimit import rate_limited
from core.views import apply_errors
from partnerships.models import Contact

from .. import diff, permissions, reviews, services
from .. import text as agreement_text
from ..forms import (
    CompareForm,
    RequestChangesForm,
    SignForm,
)
from ..models import SIGNED_STATUSES, A, Agreement, DraftPdf, ReviewThread, Side, parties_at_signing

# --- Helpers ---------------------------------------------------------------------------------


def _agreement(request, pk, *, workings=True) -> Agreement:
    """The agreement, for a page of its review and signing (``workings``, the default: 404 for
    staff members, who see none) or for its signed PDF (everyone who sees the agreement)."""
    agreements = Agreement.objects.workings_visible_to if workings else Agreement.objects.visible_to
    queryset = agreements(request.user).select_related("partnership__institution", "partnership__police_force")
    return get_object_or_404(queryset, pk=pk)


def _latest_version(agreement):
    return agreement.versions.select_related("created_by").order_by("-number").first()


def review_url(agreement, anchor="", version=None) -> str:
    url = reverse("agreements:review", args=[agreement.pk])
    if version is not None:
        url = f"{url}?version={version}"
    return f"{url}#{anchor}" if anchor else url


def other_party(agreement, user) -> str:
    partnership = agreement.partnership
    if agreement.side_of(user) == Side.INSTITUTION:
        return partnership.police_force.name
    return partnership.institution.name


# --- Changes requested -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def request_changes(request, pk):
    agreement = _agreement(request, pk)
    if not permissions.can_review(request.user, agreement):
        raise PermissionDenied
    version = _latest_version(agreement)
    form = RequestChangesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_changes(agreement, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"You requested changes to version {version.number}. "
                f"{agreement.partnership.institution.name} can now revise the draft.",
            )
            return redirect(agreement)
    open_comments = ReviewThread.objects.visible_to(request.user).filter(agreement=agreement).open().count()
    return render(
        request,
        "agreements/review_request_changes.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "version": version,
            "form": form,
            "open_comments": open_comments,
        },
    )


# --- Signing ---------------------------------------------------------------------------------


def _position_of(user) -> str:
    """The signer's job title as the portal knows it: their contact record first, then their account."""
    contact = Contact.objects.filter(user=user).only("job_title").first()
    return (contact.job_title if contact else "") or user.job_title


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def sign(request, pk):
    """Sign the approved version for the signer's own organisation."""
    agreement = _agreement(request, pk)
    user = request.user
    if not permissions.can_sign(user, agreement):
        raise PermissionDenied
    version = agreement_text.current_version(agreement)
    form = SignForm(
        user,
        request.POST or None,
        initial={"position": _position_of(user)},
        organisation=user.organisation.name,
        version_number=version.number,
    )
    valid = request.method == "POST" and form.is_valid()
    if form.too_many_failures:
        return reauth.end_session(request)  # a stolen session cannot go on guessing the password
    if valid:
        try:
            services.sign(
                agreement,
                by=user,
                position=form.cleaned_data["position"],
                authentication=form.method,
                ip_address=client_address(request),
                confirmed=form.cleaned_data["confirmed"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            agreement.refresh_from_db(fields=["status"])
            signed = f"You signed version {version.number} for {user.organisation.name}."
            if agreement.status == A.SIGNED:
                messages.success(
                    request,
                    f"{signed} Both sides have now signed. It comes into force on "
                    f"{agreement.effective_date:%-d %B %Y}. The signed PDF is being prepared.",
                )
            elif agreement.status == A.IN_FORCE:
                messages.success(
                    request,
                    f"{signed} Both sides have now signed: the memorandum is in force. "
                    "The signed PDF is being prepared.",
                )
            else:
                messages.success(
                    request, f"{signed} It comes into force when {other_party(agreement, user)} signs too."
                )
            return redirect(agreement)
    return render(
        request,
        "agreements/sign.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "version": version,
            "signatures": agreement.signatures.all(),
            "signer_name": services.signer_name(user),
            "form": form,
        },
    )


# --- Comparing versions ----------------------------------------------------------------------


@login_required
@require_GET
def compare(request, pk):
    """Two versions side by side, clause by clause (by default the previous and the latest)."""
    agreement = _agreement(request, pk)
    versions = {version.number: version for version in agreement.versions.select_related("created_by")}
    numbers = sorted(versions)
    context = {"agreement": agreement, "partnership": agreement.partnership, "versions": numbers}
    if not numbers:
        return render(request, "agreements/compare.html", context)
    defaults = {"a": numbers[-2] if len(numbers) > 1 else numbers[-1], "b": numbers[-1]}
    form = CompareForm(request.GET if "a" in request.GET or "b" in request.GET else None, numbers=numbers)
    if form.is_bound and form.is_valid():
        a, b = form.cleaned_data["a"], form.cleaned_data["b"]
    else:
        a, b = defaults["a"], defaults["b"]
        if not form.is_bound:
            form = CompareForm(initial=defaults, numbers=numbers)
    old, new = versions[a], versions[b]
    diffs = diff.compare_clauses(old.clauses, new.clauses)
    context.update({"form": form, "old": old, "new": new, "diffs": diffs, "counts": diff.summary(diffs)})
    return render(request, "agreements/compare.html", context)


# --- PDFs ------------------------------------------------------------------------------------


@login_required
@require_GET
def draft_pdf(request, pk):
    """The DRAFT-watermarked PDF of the current text.

    Rendering runs in Celery with a time limit: the first request for a text queues it and
    shows a page that checks back (htmx, or a plain link); once rendered, the same text is
    served from storage.
    """
    agreement = _agreement(request, pk)
    if not permissions.can_render_draft(request.user, agreement):
        raise PermissionDenied
    from .. import documents  # the renderer pulls in WeasyPrint: load it only when asked

    _, number, sha256 = documents.draft_text(agreement)
    draft = DraftPdf.objects.filter(agreement=agreement, text_sha256=sha256).first()
    partial = request.headers.get("HX-Request") == "true"  # the waiting page checking back
    context = {"agreement": agreement, "partnership": agreement.partnership, "version_number": number}
    if partial:
        context["ready"] = draft is not None
        response = render(request, "agreements/_draft_pdf_status.html", context, status=200 if draft else 202)
        response["Cache-Control"] = "no-store"
        return response
    if draft is not None:
        response = FileResponse(
            draft.file.open("rb"),
            as_attachment=True,
            filename=PurePath(draft.file.name).name,
            content_type="application/pdf",
        )
        response["Cache-Control"] = "no-store"
        return response
    services.queue_draft_pdf(agreement)
    response = render(request, "agreements/draft_pdf_pending.html", context, status=202)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def signed_pdf(request, pk):
    """The signed PDF as stored when the last side signed: served, never rendered again."""
    agreement = _agreement(request, pk, workings=False)
    if not agreement.signed_pdf:
        return render(
            request,
            "agreements/signed_pdf_pending.html",
            {"agreement": agreement, "partnership": agreement.partnership},
            status=404,
        )
    response = FileResponse(
        agreement.signed_pdf.open("rb"),
        as_attachment=True,
        filename=PurePath(agreement.signed_pdf.name).name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


# --- Public verification ---------------------------------------------------------------------


@never_cache
@rate_limited("verify", methods=("GET",))
@require_GET
def verify(request, public_id):
    """Public: who signed which text, for anyone holding the signed PDF. No clause text."""
    queryset = Agreement.objects.filter(status__in=SIGNED_STATUSES).select_related(
        "partnership__institution", "partnership__police_force", "varies"
    )
    agreement = get_object_or_404(queryset, public_id=public_id)
    signatures = list(
        agreement.signatures.only(
            "agreement_id",
            "version_id",
            "side",
            "full_name",
            "position",
            "organisation_name",
            "institution_name",
            "police_force_name",
            "signed_at",
            "authentication",
            "text_sha256",
        )
    )
    user = request.user
    can_open = user.is_authenticated and Agreement.objects.visible_to(user).filter(pk=agreement.pk).exists()
    # The parties as named when they signed, not as they are called today.
    institution, police_force = (
        parties_at_signing(signatures)
        if signatures
        else (agreement.partnership.institution.name, agreement.partnership.police_force.name)
    )
    response = render(
        request,
        "agreements/verify.html",
        {
            "agreement": agreement,
            "institution": institution,
            "police_force": police_force,
            "signatures": signatures,
            "text_sha256": signatures[0].text_sha256 if signatures else "",
            "can_open": can_open,
            "lineage": reviews.lineage(agreement),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
