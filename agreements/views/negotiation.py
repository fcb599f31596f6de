"""The review page and the negotiation on it: threads on clauses (shared or internal), replies,
resolving, proposed wording accepted or declined, and approval (acknowledging open threads).

Every page fetches the agreement through ``workings_visible_to`` and threads through
``ReviewThread.objects.visible_to`` (404 outside them: another organisation's, or the other
side's internal thread), then asks ``permissions`` (403). Changes go through ``services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.views import apply_errors, error_text
from partnerships.models import Contact

from .. import permissions, services
from .. import text as agreement_text
from .. import threads as threads_of
from ..forms import ApproveForm, CommentForm, DeclineWordingForm, ProposeWordingForm, ReplyForm, ReviewFilterForm
from ..models import A, Agreement, ProposedWording, ReviewThread, Side
from ..templatetags.agreement_tags import agreement_actions
from .review import other_party, review_url

# --- Review ----------------------------------------------------------------------------------

# The contacts the template comparison fills the placeholders with (``text.placeholder_values``):
# the agreement's signatories and the partnership's sponsors and contacts.
AGREEMENT_CONTACTS = ("institution_signatory", "police_signatory")
PARTNERSHIP_CONTACTS = ("institution_sponsor", "police_sponsor", "institution_contact", "police_contact")


def _review_agreement(request, pk) -> Agreement:
    """The agreement with its parties, and its contacts read in one more query.

    Joining the six contacts into the agreement's query made PostgreSQL spend longer planning
    its eleven joins than running it (7 ms against 0.4 ms on the national data set).
    """
    queryset = Agreement.objects.workings_visible_to(request.user).select_related(
        "partnership__institution", "partnership__police_force", "varies"
    )
    return with_contacts(get_object_or_404(queryset, pk=pk), request.user)


def with_contacts(agreement, user) -> Agreement:
    """Set the agreement's signatories and its partnership's sponsors and contacts from one query
    of the contacts ``user`` sees (the parties' own, which whoever sees the agreement sees)."""
    holders = [(agreement, name) for name in AGREEMENT_CONTACTS]
    holders += [(agreement.partnership, name) for name in PARTNERSHIP_CONTACTS]
    ids = {getattr(holder, f"{name}_id") for holder, name in holders} - {None}
    contacts = Contact.objects.visible_to(user).in_bulk(ids) if ids else {}
    for holder, name in holders:
        contact = contacts.get(getattr(holder, f"{name}_id"))
        if contact is not None:
            setattr(holder, name, contact)
    return agreement


def _names(agreement, user) -> dict:
    """The user's own organisation and the other party, for the visibility choice."""
    partnership = agreement.partnership
    if agreement.side_of(user) == Side.POLICE:
        return {"own": partnership.police_force.name, "other": partnership.institution.name}
    return {"own": partnership.institution.name, "other": partnership.police_force.name}


def _asked(request, kind: str) -> str:
    """The clause key (``comment``, ``propose``) or thread id (``reply``) whose form the reader opened."""
    value = request.GET.get(kind, "")
    return value if value.isascii() else ""


def _render_review(request, agreement, *, failed=None, approve_form=None):
    """The review page; ``failed`` is ``(kind, key, form)``: a comment or proposal form of a
    clause, or a reply form of a thread, to show again with its errors; ``approve_form`` the
    decision's form with its errors.

    It shows the latest version, or an earlier one asked for with ``?version=N`` (read-only
    but for the threads), so the conversation that led to a revision stays in reach. Each
    clause is marked changed since the previous version and different from the template;
    ``?show=attention`` keeps only those changed or with open threads.

    The page holds at most one comment, one proposal and one reply form: each clause (and
    each thread) has a link that opens its form in place (``?comment=KEY``, ``?propose=KEY``,
    ``?reply=PK``), a plain page load that needs no JavaScript. A form per clause and per
    thread was most of the page's time and bytes on a long agreement.
    """
    user = request.user
    numbers = list(agreement.versions.order_by("number").values_list("number", flat=True))
    context = {"agreement": agreement, "partnership": agreement.partnership, "version": None, "numbers": numbers}
    if not numbers:
        return render(request, "agreements/review_version.html", context)
    asked = request.GET.get("version", "")
    number = int(asked) if asked.isdecimal() and asked.isascii() and int(asked) in numbers else numbers[-1]
    shown_versions = {  # the version shown and the one before it, in one query
        shown.number: shown
        for shown in agreement.versions.select_related("created_by").filter(number__in=(number, number - 1))
    }
    version, previous = shown_versions[number], shown_versions.get(number - 1)
    is_latest = number == numbers[-1]
    failed_kind, failed_key, failed_form = failed or (None, None, None)

    threads = threads_of.visible_threads(agreement, user, up_to=number)
    grouped = threads_of.by_clause(threads)
    changes = threads_of.clause_changes(agreement, version, previous)
    can_comment = is_latest and permissions.can_comment(user, agreement)
    can_propose = is_latest and permissions.can_propose(user, agreement)
    reply_to, reply_form = _asked(request, "reply"), None
    for thread in threads:
        thread.carried = thread.raised_on.number < number
        thread.can_reply = is_latest and permissions.can_reply(user, thread)
        thread.can_resolve = permissions.can_resolve(user, thread)
        thread.reply_form = None
        if failed_kind == "reply" and failed_key == thread.pk:
            thread.reply_form = failed_form
        elif thread.can_reply and reply_to == str(thread.pk):
            thread.reply_form = ReplyForm(thread_pk=thread.pk)
        reply_form = reply_form or thread.reply_form
        thread.wording = threads_of.proposal_of(thread)
        if thread.wording is not None:
            thread.wording.redline = threads_of.redline(thread.wording)
            thread.wording.can_accept = permissions.can_accept_proposal(user, thread.wording)
            thread.wording.can_decline = permissions.can_decline_proposal(user, thread.wording)

    keys = {clause["key"] for clause in version.clauses}
    filter_form = ReviewFilterForm(request.GET)
    comment_on, propose_for = _asked(request, "comment"), _asked(request, "propose")
    base = reverse("agreements:review", args=[agreement.pk])
    # Where a clause's or a thread's link to its form goes: this page, keeping the filter.
    here = f"{base}?show=attention&" if filter_form.attention_only else f"{base}?"
    rows = []
    for clause in version.clauses:
        key = clause["key"]
        clause_threads = grouped.get(key, [])
        open_threads = [thread for thread in clause_threads if thread.is_open]
        form = propose_form = None
        if failed_kind == "comment" and failed_key == key:
            form = failed_form
        elif can_comment and comment_on == key:
            form = CommentForm(clause=clause, **_names(agreement, user))
        if failed_kind == "propose" and failed_key == key:
            propose_form = failed_form
        elif can_propose and propose_for == key:
            body = agreement.clauses.filter(key=key, included=True).values_list("body", flat=True).first()
            if body is not None:
                propose_form = ProposeWordingForm(clause=clause, body=body)
        change = changes[key]
        rows.append(
            {
                "clause": clause,
                "open_threads": open_threads,
                "resolved_threads": [thread for thread in clause_threads if not thread.is_open],
                "open_count": len(open_threads),
                "change": change,
                "attention": change.since_previous or bool(open_threads),
                "form": form,
                "propose_form": propose_form,
                # The links that open this clause's forms, where the reader may use them.
                "comment_href": f"{here}comment={key}#comment-form" if can_comment and form is None else "",
                "propose_href": f"{here}propose={key}#propose-form" if can_propose and propose_form is None else "",
            }
        )
    attention_count = sum(1 for row in rows if row["attention"])
    shown = [row for row in rows if row["attention"]] if filter_form.attention_only else rows
    version_query = f"version={number}&" if not is_latest else ""
    tabs = [
        {
            "label": f"All clauses ({len(rows)})",
            "href": f"{base}?{version_query}show=all",
            "active": not filter_form.attention_only,
        },
        {
            "label": f"Changed or with open threads ({attention_count})",
            "href": f"{base}?{version_query}show=attention",
            "active": filter_form.attention_only,
        },
    ]

    approvals = {
        approval.side: approval
        for approval in version.approvals.select_related("approved_by").annotate(
            acknowledged=Count("acknowledged_threads")
        )
    }
    partnership = agreement.partnership
    changes_requested = None
    if is_latest and agreement.status in (A.CHANGES_REQUESTED, A.DRAFT):
        changes_requested = agreement.events.filter(to_status=A.CHANGES_REQUESTED).select_related("by").first()
    # What the actions above the clauses offer (``_review_actions.html``), asked once: the
    # decision below takes its approval from it rather than asking ``permissions`` again.
    actions = agreement_actions(agreement, user, numbers)
    can_approve = is_latest and actions["can_approve"]
    if can_approve and approve_form is None:
        # The open shared threads (``services.open_shared_threads``), from those already read:
        # on the latest version the user sees every shared thread.
        open_shared = sorted((t for t in threads if t.is_open and not t.internal), key=lambda thread: thread.pk)
        approve_form = ApproveForm(open_threads=open_shared)
    context.update(
        {
            "version": version,
            "previous": previous,
            "is_latest": is_latest,
            "rows": shown,
            "all_rows": rows,
            "tabs": tabs,
            "attention_only": filter_form.attention_only,
            "attention_count": attention_count,
            "changed_count": sum(1 for row in rows if row["change"].since_previous),
            "orphans": [thread for thread in threads if thread.clause_key not in keys],
            "open_total": sum(row["open_count"] for row in rows),
            "approvals": [
                (partnership.institution.name, approvals.get(Side.INSTITUTION)),
                (partnership.police_force.name, approvals.get(Side.POLICE)),
            ],
            "changes_requested": changes_requested,
            "can_comment": can_comment,
            "can_propose": can_propose,
            "can": actions,
            "can_approve": can_approve,
            "can_request_changes": is_latest and permissions.can_review(user, agreement),
            "approve_form": approve_form if can_approve else None,
            "reply_form": reply_form,  # also on the thread; here for the error summary
            "here": here,
        }
    )
    return render(request, "agreements/review_version.html", context)


@never_cache
@login_required
@require_GET
def review(request, pk):
    """The version under review, clause by clause, with each clause's threads and changes."""
    return _render_review(request, _review_agreement(request, pk))


@login_required
@require_POST
def comment(request, pk):
    """Raise a thread on a clause: shared with the other side, or internal to the commenter's organisation."""
    agreement = _review_agreement(request, pk)
    if not permissions.can_comment(request.user, agreement):
        raise PermissionDenied
    version = agreement_text.current_version(agreement)
    clause = next((c for c in version.clauses if c["key"] == request.POST.get("clause_key")), None)
    if clause is None:
        messages.error(request, "Choose a clause of this version to comment on.")
        return redirect(review_url(agreement))
    form = CommentForm(request.POST, clause=clause, **_names(agreement, request.user))
    if form.is_valid():
        try:
            thread = services.comment_on_clause(
                agreement,
                clause_key=clause["key"],
                body=form.cleaned_data["body"],
                internal=form.internal,
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            shared = "internal to your organisation" if thread.internal else "shared with the other side"
            messages.success(request, f"Your comment on clause {clause['number']} was added, {shared}.")
            return redirect(review_url(agreement, f"thread-{thread.pk}"))
    return _render_review(request, agreement, failed=("comment", clause["key"], form))


@login_required
@require_POST
def propose(request, pk):
    """Propose replacement wording for a clause of the version in review (the force)."""
    agreement = _review_agreement(request, pk)
    if not permissions.can_propose(request.user, agreement):
        raise PermissionDenied
    version = agreement_text.current_version(agreement)
    clause = next((c for c in version.clauses if c["key"] == request.POST.get("clause_key")), None)
    working = agreement.clauses.filter(key=clause["key"]).first() if clause else None
    if clause is None or working is None:
        messages.error(request, "Choose a clause of this version to propose wording for.")
        return redirect(review_url(agreement))
    form = ProposeWordingForm(request.POST, clause=clause, body=working.body)
    if form.is_valid():
        try:
            proposal = services.propose_wording(
                agreement,
                clause_key=clause["key"],
                text=form.cleaned_data["text"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                f"Your wording for clause {clause['number']} was sent to {agreement.partnership.institution.name}.",
            )
            return redirect(review_url(agreement, f"thread-{proposal.thread_id}"))
    return _render_review(request, agreement, failed=("propose", clause["key"], form))


def _thread(request, thread_pk) -> ReviewThread:
    """A thread the user sees (404 otherwise: another organisation's, or the other side's internal one)."""
    queryset = ReviewThread.objects.visible_to(request.user).select_related(
        "agreement__partnership__institution", "agreement__partnership__police_force"
    )
    return get_object_or_404(queryset, pk=thread_pk)


@login_required
@require_POST
def reply(request, thread_pk):
    thread = _thread(request, thread_pk)
    if not permissions.can_reply(request.user, thread):
        raise PermissionDenied
    form = ReplyForm(request.POST, thread_pk=thread.pk)
    if form.is_valid():
        try:
            services.reply(thread, body=form.cleaned_data["body"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Your reply was added.")
            return redirect(review_url(thread.agreement, f"thread-{thread.pk}"))
    return _render_review(request, _review_agreement(request, thread.agreement_id), failed=("reply", thread.pk, form))


@login_required
@require_POST
def resolve_thread(request, thread_pk):
    thread = _thread(request, thread_pk)
    if thread.is_open and not permissions.can_resolve(request.user, thread):
        raise PermissionDenied
    services.resolve_thread(thread, by=request.user)
    messages.success(request, "The thread is marked as resolved.")
    return redirect(review_url(thread.agreement, f"thread-{thread.pk}"))


def _proposal(request, proposal_pk) -> ProposedWording:
    visible = ReviewThread.objects.visible_to(request.user)
    queryset = ProposedWording.objects.filter(thread__in=visible).select_related(
        "thread__agreement__partnership__institution",
        "thread__agreement__partnership__police_force",
        "thread__raised_by",
        "thread__raised_on",
    )
    return get_object_or_404(queryset, pk=proposal_pk)


def _back_from_proposal(request, proposal) -> str:
    """Back where the drafter answered: the clause editor (while drafting) or the review page."""
    thread = proposal.thread
    if request.POST.get("back") == "clause" and thread.agreement.status == A.DRAFT:
        return reverse("agreements:clause_edit", args=[thread.agreement_id, thread.clause_key]) + f"#thread-{thread.pk}"
    return review_url(thread.agreement, f"thread-{thread.pk}")


@login_required
@require_POST
def accept_proposal(request, proposal_pk):
    proposal = _proposal(request, proposal_pk)
    if not permissions.can_accept_proposal(request.user, proposal):
        raise PermissionDenied
    try:
        proposal = services.accept_proposal(proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        if proposal.applied_at:
            messages.success(request, "Wording accepted: it is now the clause's text in the draft.")
        else:
            messages.success(request, "Wording accepted: it goes into the draft when you revise it.")
    return redirect(_back_from_proposal(request, proposal))


@login_required
@require_http_methods(["GET", "POST"])
def decline_proposal(request, proposal_pk):
    """Decline a proposed wording, with the reason the force is told."""
    proposal = _proposal(request, proposal_pk)
    if not permissions.can_decline_proposal(request.user, proposal):
        raise PermissionDenied
    thread = proposal.thread
    agreement = thread.agreement
    form = DeclineWordingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_proposal(proposal, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Wording declined. {agreement.partnership.police_force.name} is told why.")
            return redirect(review_url(agreement, f"thread-{thread.pk}"))
    clause = next((c for c in thread.raised_on.clauses if c["key"] == thread.clause_key), None)
    return render(
        request,
        "agreements/proposal_decline.html",
        {
            "agreement": agreement,
            "partnership": agreement.partnership,
            "proposal": proposal,
            "thread": thread,
            "clause": clause,
            "redline": threads_of.redline(proposal),
            "form": form,
        },
    )


@login_required
@require_POST
def approve(request, pk):
    agreement = _review_agreement(request, pk)
    if not permissions.can_approve(request.user, agreement):
        raise PermissionDenied
    form = ApproveForm(request.POST, open_threads=list(services.open_shared_threads(agreement)))
    if not form.is_valid():
        return _render_review(request, agreement, approve_form=form)
    number = agreement_text.current_version(agreement).number
    seen = form.cleaned_data["seen_threads"] if "seen_threads" in request.POST else None
    try:
        agreement = services.approve(
            agreement,
            by=request.user,
            comment=form.cleaned_data["comment"],
            acknowledged=form.cleaned_data.get("acknowledge", False),
            seen_threads=seen,
        )
    except ValidationError as error:
        if "acknowledge" not in form.fields:  # a thread was opened since the page was shown
            form = ApproveForm(request.POST, open_threads=list(services.open_shared_threads(agreement)))
            form.is_valid()
        apply_errors(form, error)
        return _render_review(request, agreement, approve_form=form)
    if agreement.status == A.APPROVED:
        messages.success(request, f"Both sides have approved version {number}. It is ready to sign.")
    else:
        messages.success(
            request,
            f"You approved version {number}. It now waits for {other_party(agreement, request.user)} to approve it.",
        )
    return redirect(agreement)
