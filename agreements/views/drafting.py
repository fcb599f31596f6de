"""Drafting pages: the list, the agreement page, drafting its details and clauses, the preview,
submission and revision, and the administrators' template pages.

Every page fetches through ``visible_to`` (404 outside the parties), checks ``permissions``
(403 when visible but not allowed) and leaves changes to ``services``.
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from core.lists import Column, list_context, table_header
from core.views import apply_errors, error_text
from partnerships.models import Partnership

from .. import permissions, reviews, services, templates_service
from .. import text as agreement_text
from .. import threads as threads_of
from ..filters import AgreementFilter, TemplateFilter
from ..forms import (
    AgreementCreateForm,
    AgreementDetailsForm,
    ClauseForm,
    OptionalClausesForm,
    ResetClauseForm,
    TemplateClauseForm,
)
from ..models import (
    SIGNED_STATUSES,
    A,
    Agreement,
    AgreementTemplate,
    AgreementVersion,
    ReviewThread,
    TemplateClause,
)
from . import negotiation

# On its way to force: a new draft waits until it is in force (or ended).
IN_PROGRESS = [A.DRAFT, A.IN_REVIEW, A.CHANGES_REQUESTED, A.APPROVED, A.PARTLY_SIGNED, A.SIGNED]
SIGNING_DONE = [A.PARTLY_SIGNED, *SIGNED_STATUSES]  # the statuses in which an agreement has signatures

# What happens next, one line per status; {institution} and {force} are the parties' names.
NEXT_STEPS = {
    A.DRAFT: "{institution}'s liaison officers finish the text and submit it to {force} for review.",
    A.IN_REVIEW: "{force}'s liaison officers review the text: they comment, request changes or approve it.",
    A.CHANGES_REQUESTED: "{force} asked for changes. {institution}'s liaison officers revise the draft and submit "
    "a new version.",
    A.APPROVED: "Both sides approved the text. Each side's signatory signs it, in the order chosen.",
    A.PARTLY_SIGNED: "One side has signed. The agreement comes into force when the other side's signatory signs, "
    "or on its effective date if that is later.",
    A.SIGNED: "Both sides have signed. The agreement comes into force on {effective_date}; until then the "
    "agreement it replaces stays in force.",
    A.IN_FORCE: "The agreement is in force. Its commitments are tracked on the partnership. At each scheduled "
    'review both sides answer "reviewed, no change", or the institution starts a variation, or either side '
    "gives notice to end it.",
    A.ENDED: "The agreement has ended. Its record and signed text are kept.",
    A.SUPERSEDED: "A newer agreement replaced this one. Its record and signed text are kept.",
    A.WITHDRAWN: "The agreement was withdrawn before it came into force (the reason is in its history). "
    "Its versions and history are kept; the partnership can start a new agreement.",
}

AGREEMENT_RELATED = (
    "partnership__institution",
    "partnership__police_force",
    "partnership__institution_sponsor",
    "partnership__institution_contact",
    "partnership__police_sponsor",
    "partnership__police_contact",
    "institution_signatory",
    "police_signatory",
)


def get_agreement(request, pk, *related, workings=True):
    """The agreement, for a page of its drafting (``workings``, the default) or its own page.

    Staff members see no drafting or review (``workings_visible_to``): those pages are 404 for them.
    """
    agreements = Agreement.objects.workings_visible_to if workings else Agreement.objects.visible_to
    queryset = agreements(request.user).select_related(*AGREEMENT_RELATED, *related)
    return get_object_or_404(queryset, pk=pk)


def highlight(text: str):
    """Plain text as HTML paragraphs, each unfilled ``{placeholder}`` in a <mark>.

    The text is escaped first; the placeholder pattern matches only ``{a-z_}``, so the marks
    added afterwards wrap nothing but escaped text.
    """
    marked = agreement_text.PLACEHOLDER.sub(
        r'<mark class="placeholder-missing"><span class="visually-hidden">Not filled in: </span>{\1}</mark>',
        escape(text),
    )
    return mark_safe(linebreaks(marked))  # noqa: S308 - escaped above


def fill_in_url(agreement, name, can_edit):
    """Where the drafter fills in a placeholder: a details field, the partnership, or the clauses."""
    if not can_edit:
        return None
    if name in agreement_text.PLACEHOLDER_FIELDS:
        return reverse("agreements:edit", args=[agreement.pk]) + f"#id_{agreement_text.PLACEHOLDER_FIELDS[name]}"
    if name in agreement_text.PARTNERSHIP_PLACEHOLDERS:
        return reverse("partnerships:partnership_edit", args=[agreement.partnership_id])
    return reverse("agreements:clauses", args=[agreement.pk])  # not a known placeholder: edit the text


def missing_with_links(agreement, user):
    can_edit = permissions.can_edit(user, agreement)
    return [
        (agreement_text.field_label(name), fill_in_url(agreement, name, can_edit))
        for name in agreement_text.missing_placeholders(agreement)
    ]


def _refuse(request, agreement, why: str):
    """403 for anyone but the drafting side; the drafting side is told why the state does not allow it.

    A liaison officer of the institution pressing a stale button (the draft was submitted in
    another tab) needs an explanation, not an error page.
    """
    if not permissions.can_draft(request.user, agreement.partnership):
        raise PermissionDenied
    status = agreement.get_status_display().lower()
    messages.error(request, f"This agreement is {status}. {why}")
    return redirect(agreement)


# --- The list and the agreement page ----------------------------------------------------------


# What a row of the list shows: making whole agreement and partnership rows (sixty columns with
# their organisations) was most of the cost of each row on the national data set.
LIST_FIELDS = (
    "title",
    "variation_number",
    "status",
    "effective_date",
    "updated_at",
    "partnership__title",
    "partnership__institution__name",
    "partnership__police_force__name",
)


@login_required
def agreement_list(request):
    user = request.user
    latest = AgreementVersion.objects.filter(agreement=OuterRef("pk")).order_by("-number").values("number")[:1]
    queryset = (
        Agreement.objects.visible_to(user)
        .select_related("partnership__institution", "partnership__police_force")
        .only(*LIST_FIELDS)
        .annotate(latest_version=Subquery(latest))
    )
    form = AgreementFilter(request.GET)
    context = list_context(request, form, form.filter_qs(queryset).order_by("-updated_at", "-pk"), "agreements")
    draftable = []
    if user.is_university_liaison:
        # Partnerships where this user may start a draft now: none in progress yet. Asked of each
        # of the user's partnerships (by the (partnership, status) index), not as a list of every
        # partnership with one in progress (1,650 on the national data).
        in_progress = Agreement.objects.filter(partnership=OuterRef("pk"), status__in=IN_PROGRESS)
        draftable = [
            partnership
            for partnership in Partnership.objects.visible_to(user)
            .live()
            .filter(institution_id=user.organisation_id)
            .exclude(Exists(in_progress))
            .select_related("institution", "police_force")
            .order_by("title")[:20]
            if permissions.can_draft(user, partnership)
        ]
    return render(
        request,
        "agreements/agreement_list.html",
        {
            **context,
            "header": table_header(
                [Column(label) for label in ("Agreement", "Partnership", "Status", "Latest version", "Updated")]
            ),
            "draftable": draftable,
            "can_manage_templates": permissions.can_manage_templates(user),
        },
    )


@login_required
def agreement_detail(request, pk):
    user = request.user
    # The parties' contacts in a query of their own: joined in, PostgreSQL planned the eleven
    # joins for longer than it ran them (19 ms against 1 on the national data set).
    queryset = Agreement.objects.visible_to(user).select_related(
        "partnership__institution", "partnership__police_force", "template", "created_by"
    )
    agreement = negotiation.with_contacts(get_object_or_404(queryset, pk=pk), user)
    # Staff members see an agreement once it is signed, without the drafting and review behind it:
    # no versions, and of the audit trail only its coming into force and its end.
    can_see_workings = permissions.can_see_workings(user, agreement)
    events = agreement.events.select_related("by")
    versions = []
    if can_see_workings:
        # Each version holds its whole assembled text (about 30 KB); the page shows only its
        # number, date, author and hash.
        versions = list(agreement.versions.defer("text").select_related("created_by").order_by("-number"))
    else:
        # Status changes only: not the parties' answers to reviews or the reasons they gave.
        events = events.filter(to_status__in=SIGNED_STATUSES).exclude(from_status=F("to_status"))
    can_edit = permissions.can_edit(user, agreement)
    life = None
    if agreement.is_signed:
        lineage, in_progress = reviews.variations(agreement)  # one query for both
        life = {
            "lineage": lineage,
            "review": reviews.review_state(agreement),
            "in_progress": in_progress if can_see_workings else None,
            "can_answer_review": permissions.can_confirm_review(user, agreement),
            "can_start_variation": permissions.can_start_variation(user, agreement),
            "can_give_notice": permissions.can_give_notice(user, agreement),
        }
    values = agreement_text.placeholder_values(agreement)
    open_threads = []
    if can_see_workings:
        open_threads = list(
            ReviewThread.objects.visible_to(user)
            .filter(agreement=agreement)
            .open()
            .select_related("raised_by", "organisation", "raised_on")
            .defer("raised_on__text")
            .order_by("created_at", "pk")
        )
        headings = dict(agreement.clauses.values_list("key", "heading")) if open_threads else {}
        for thread in open_threads:
            thread.heading = headings.get(thread.clause_key, thread.clause_key)
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "versions": versions,
            "latest_version": versions[0] if versions else None,
            "events": events,
            "can_see_workings": can_see_workings,
            "open_threads": open_threads,
            "life": life,
            # Only a signed (or half-signed) agreement has signatures: no query before that.
            "signatures": agreement.signatures.order_by("signed_at") if agreement.status in SIGNING_DONE else [],
            "next_step": NEXT_STEPS[agreement.status].format(
                institution=values["institution"], force=values["police_force"], effective_date=values["effective_date"]
            ),
            "missing": missing_with_links(agreement, user) if agreement.is_editable else [],
            "can_edit": can_edit,
            "can_submit": permissions.can_submit(user, agreement),
            "can_revise": permissions.can_revise(user, agreement),
        },
    )


# --- Drafting -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request, partnership_pk):
    user = request.user
    related = [name.removeprefix("partnership__") for name in AGREEMENT_RELATED if name.startswith("partnership__")]
    partnership = get_object_or_404(Partnership.objects.visible_to(user).select_related(*related), pk=partnership_pk)
    if not permissions.can_draft(user, partnership):
        raise PermissionDenied
    existing = partnership.agreements.filter(status__in=IN_PROGRESS).first()
    if existing is not None:
        messages.info(request, f"This partnership already has an agreement in progress: “{existing.title}”.")
        return redirect(existing)
    form = AgreementCreateForm(request.POST or None, user=user, partnership=partnership)
    if request.method == "POST" and form.is_valid():
        try:
            # Signatories left empty default to the partnership's sponsors.
            agreement = services.start_draft(
                partnership, form.cleaned_data["template"], by=user, title=form.cleaned_data["title"], **form.details()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Draft “{agreement.title}” started. Fill in its details and clauses.")
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "partnership": partnership, "creating": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_agreement(request, pk)
    if not permissions.can_edit(request.user, agreement):
        raise PermissionDenied
    form = AgreementDetailsForm(
        request.POST or None, instance=agreement, user=request.user, partnership=agreement.partnership
    )
    if request.method == "POST" and form.is_valid():
        agreement = services.save_details(form.instance, fields=list(form.fields), by=request.user)
        messages.success(request, "Details saved.")
        return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {"form": form, "agreement": agreement, "partnership": agreement.partnership},
    )


@login_required
def clause_list(request, pk):
    agreement = get_agreement(request, pk)
    values = agreement_text.placeholder_values(agreement)
    clauses = list(agreement.clauses.select_related("template_clause"))
    open_counts = Counter(
        ReviewThread.objects.visible_to(request.user)
        .filter(agreement=agreement)
        .open()
        .values_list("clause_key", flat=True)
    )
    for clause in clauses:
        clause.open_threads = open_counts.get(clause.key, 0)
        names = dict.fromkeys(agreement_text.PLACEHOLDER.findall(clause.body))
        missing = [name for name in names if not values.get(name)] if clause.included else []
        clause.missing = [agreement_text.field_label(name) for name in missing]
        clause.html = highlight(agreement_text.fill(clause.body, values))
    return render(
        request,
        "agreements/clause_list.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "clauses": clauses,
            "can_edit": permissions.can_edit(request.user, agreement),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def clause_edit(request, pk, key):
    agreement = get_agreement(request, pk)
    clause = get_object_or_404(agreement.clauses.select_related("template_clause"), key=key)
    clause.agreement = agreement
    if not permissions.can_edit(request.user, agreement):
        raise PermissionDenied
    form = ClauseForm(request.POST or None, clause=clause)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_clause(
                clause,
                body=form.cleaned_data["body"],
                included=form.cleaned_data.get("included", True),  # a required clause has no choice
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            state = "" if clause.included else " It is left out of the agreement."
            messages.success(request, f"Clause “{clause.heading}” saved.{state}")
            return redirect(reverse("agreements:clauses", args=[agreement.pk]) + f"#clause-{clause.key}")
    placeholders = [
        (
            name,
            agreement_text.PLACEHOLDERS.get(name, ""),
            value,
            None if value else fill_in_url(agreement, name, can_edit=True),
        )
        for name, value in agreement_text.placeholder_values(agreement).items()
    ]
    threads = threads_of.visible_threads(agreement, request.user, clause_key=clause.key)
    for thread in threads:
        thread.wording = threads_of.proposal_of(thread)
        if thread.wording is not None:
            thread.wording.redline = threads_of.redline(thread.wording)
            thread.wording.can_accept = permissions.can_accept_proposal(request.user, thread.wording)
            thread.wording.can_decline = permissions.can_decline_proposal(request.user, thread.wording)
    return render(
        request,
        "agreements/clause_form.html",
        {
            "open_threads": [thread for thread in threads if thread.is_open],
            "resolved_threads": [thread for thread in threads if not thread.is_open],
            "agreement": agreement,
            "partnership": agreement.partnership,
            "clause": clause,
            "form": form,
            "guidance": clause.template_clause.guidance if clause.template_clause else "",
            "element": clause.template_clause.element if clause.template_clause else "",
            "placeholders": placeholders,
            "differs_from_template": clause.template_clause is not None and clause.template_clause.body != clause.body,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def optional_clauses(request, pk):
    """The optional clauses as one checklist: tick those to include, save them all at once."""
    agreement = get_agreement(request, pk)
    if not permissions.can_edit(request.user, agreement):
        raise PermissionDenied
    clauses = list(agreement.clauses.filter(required=False).select_related("template_clause"))
    form = OptionalClausesForm(request.POST if request.method == "POST" else None, clauses=clauses)
    if request.method == "POST" and form.is_valid():
        try:
            included, left_out = services.choose_optional_clauses(
                agreement, included_keys=form.included_keys(), by=request.user
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Optional clauses saved: {included} included, {left_out} left out.")
            return redirect("agreements:clauses", agreement.pk)
    return render(
        request,
        "agreements/optional_clauses.html",
        {"agreement": agreement, "partnership": agreement.partnership, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def clause_reset(request, pk, key):
    """Put a clause back to the template's text, after a confirmation that shows both texts."""
    agreement = get_agreement(request, pk)
    clause = get_object_or_404(agreement.clauses.select_related("template_clause"), key=key)
    clause.agreement = agreement
    if not permissions.can_edit(request.user, agreement):
        raise PermissionDenied
    form = ResetClauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_clause(clause, by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Clause “{clause.heading}” is back to the template's text.")
            return redirect(reverse("agreements:clauses", args=[agreement.pk]) + f"#clause-{clause.key}")
    template_clause = clause.template_clause
    return render(
        request,
        "agreements/clause_reset.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "clause": clause,
            "template_text": template_clause.body if template_clause else "",
            "same": template_clause is not None and template_clause.body == clause.body,
            "form": form,
        },
    )


@login_required
def agreement_preview(request, pk):
    agreement = get_agreement(request, pk)
    text = agreement_text.assemble(agreement)
    sections = []
    for clause in text["clauses"]:
        if not sections or sections[-1]["number"] != clause["section"]:
            sections.append({"number": clause["section"], "title": clause["section_title"], "clauses": []})
        sections[-1]["clauses"].append({**clause, "html": highlight(clause["text"])})
    return render(
        request,
        "agreements/agreement_preview.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "text": text,
            "sections": sections,
            "missing": missing_with_links(agreement, request.user),
        },
    )


@login_required
@require_POST
def agreement_submit(request, pk):
    user, agreement = request.user, get_agreement(request, pk)
    if not permissions.can_submit(user, agreement):
        return _refuse(request, agreement, "Only a draft is submitted for review.")
    try:
        version = services.submit_for_review(agreement, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Version {version.number} sent to {agreement.partnership.police_force} for review.")
    return redirect(agreement)


@login_required
@require_POST
def agreement_revise(request, pk):
    user, agreement = request.user, get_agreement(request, pk)
    if not permissions.can_revise(user, agreement):
        return _refuse(request, agreement, "Only an agreement with changes requested goes back to draft.")
    try:
        services.revise(agreement, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        number = agreement.versions.count() + 1
        messages.success(request, f"Back to draft. Make the changes, then submit version {number}.")
    return redirect(agreement)


# --- Templates (administrators) ---------------------------------------------------------------


def _require_template_manager(request):
    if not permissions.can_manage_templates(request.user):
        raise PermissionDenied


def get_template(request, pk):
    _require_template_manager(request)
    queryset = AgreementTemplate.objects.visible_to(request.user).annotate(agreement_count=Count("agreements"))
    return get_object_or_404(queryset, pk=pk)


@login_required
def template_list(request):
    _require_template_manager(request)
    queryset = (
        AgreementTemplate.objects.visible_to(request.user)
        .select_related("created_by")
        .annotate(
            clause_count=Count("clauses", distinct=True),
            agreement_count=Count("agreements", distinct=True),
        )
        .order_by("name", "-version")
    )
    form = TemplateFilter(request.GET)
    context = list_context(request, form, form.filter_qs(queryset), "templates")
    header = ["Template", "Version", "Clauses", "Agreements drafted from it", "Created"]
    return render(
        request,
        "agreements/template_list.html",
        {**context, "header": table_header([Column(label) for label in header])},
    )


@login_required
def template_detail(request, pk):
    template = get_template(request, pk)
    return render(
        request,
        "agreements/template_detail.html",
        {
            "template": template,
            "clauses": template.clauses.all(),
            "in_use": template.agreement_count > 0,
            "in_use_message": templates_service.IN_USE_MESSAGE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_new_version(request, pk):
    template = get_template(request, pk)
    if request.method == "POST":
        copy = templates_service.new_template_version(template, by=request.user)
        messages.success(request, f"Version {copy.version} created. New agreements now start from it.")
        return redirect(copy)
    latest = AgreementTemplate.objects.filter(name=template.name).order_by("-version").values("version").first()
    return render(
        request,
        "agreements/template_new_version.html",
        {"template": template, "next_version": latest["version"] + 1},
    )


@login_required
@require_http_methods(["GET", "POST"])
def template_clause_edit(request, pk, key):
    template = get_template(request, pk)
    clause = get_object_or_404(TemplateClause.objects.filter(template=template), key=key)
    in_use = template.agreement_count > 0
    if in_use and request.method == "POST":
        messages.error(request, templates_service.IN_USE_MESSAGE)
        return redirect(template)
    form = None if in_use else TemplateClauseForm(request.POST or None, instance=clause)
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            templates_service.update_template_clause(clause, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Clause “{clause.heading}” saved.")
            return redirect(reverse("agreements:template_detail", args=[template.pk]) + f"#clause-{clause.key}")
    return render(
        request,
        "agreements/template_clause_form.html",
        {
            "template": template,
            "clause": clause,
            "form": form,
            "in_use": in_use,
            "in_use_message": templates_service.IN_USE_MESSAGE,
        },
    )
