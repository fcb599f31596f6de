"""The agreement workflow: the only code that changes an agreement's status.

draft → in review → changes requested → (back to) draft → ... → approved by both →
signed by one side → signed by both, in force from the effective date → in force (the day it
comes, by the daily ``bring_into_force``) → ended or superseded. Every move is checked here, raises
``WorkflowError`` (a ValidationError, so forms show it) when it is not allowed, and writes an
``AgreementEvent`` for the audit trail.
"""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.queue import enqueue
from partnerships import services as partnership_services
from partnerships.models import CommitmentKind

from . import permissions, reminders
from .models import (
    IN_PROGRESS_STATUSES,
    SIGNATORY_ROLES,
    TRANSITIONS,
    Agreement,
    AgreementClause,
    AgreementEvent,
    AgreementStatus,
    AgreementTemplate,
    AgreementVersion,
    Approval,
    ProposalStatus,
    ProposedWording,
    ReviewComment,
    ReviewConfirmation,
    ReviewThread,
    Side,
    Signature,
    SignedWith,
    SigningOrder,
    clause_text,
    date_errors,
)
from .reviews import lineage, notice_ends_on, pending_message, review_state, variation_in_progress
from .text import (
    PLACEHOLDER,
    PLACEHOLDERS,
    assemble,
    current_version,
    field_label,
    known_placeholders_text,
    missing_placeholders,
    text_hash,
    unknown_placeholders,
)

A = AgreementStatus


class WorkflowError(ValidationError):
    """A change the agreement workflow does not allow in the agreement's current state."""


def _move(agreement, to_status, *, by, comment=""):
    if to_status not in TRANSITIONS[AgreementStatus(agreement.status)]:
        raise WorkflowError(
            f"An agreement that is {agreement.get_status_display().lower()} cannot become "
            f"{AgreementStatus(to_status).label.lower()}."
        )
    AgreementEvent.objects.create(
        agreement=agreement, from_status=agreement.status, to_status=to_status, by=by, comment=comment
    )
    agreement.status = to_status
    agreement.save(update_fields=["status", "updated_at"])


def _note(agreement, *, by, comment) -> AgreementEvent:
    """An entry in the audit trail that changes no status: a signature set aside, a review
    answered, notice given, a variation started."""
    return AgreementEvent.objects.create(
        agreement=agreement, from_status=agreement.status, to_status=agreement.status, by=by, comment=comment
    )


def _locked(agreement):
    return (
        Agreement.objects.select_for_update()
        .select_related("partnership__institution", "partnership__police_force")
        .get(pk=agreement.pk)
    )


def _require(allowed: bool, message: str):
    if not allowed:
        raise WorkflowError(message)


@transaction.atomic
def start_draft(partnership, template: AgreementTemplate, *, by, title: str, **fields) -> Agreement:
    """A new draft from a template: required clauses in, optional ones offered but left out.

    The title is the drafter's: the form offers one as its visible initial value, and none is
    made up here.
    """
    _require(permissions.can_draft(by, partnership), "Only the institution's liaison officers draft agreements.")
    if not title.strip():
        raise ValidationError({"title": "Give the agreement a title."})
    # A signatory not chosen (absent or None) is the partnership's sponsor on that side.
    if fields.get("institution_signatory") is None:
        fields["institution_signatory"] = partnership.institution_sponsor
    if fields.get("police_signatory") is None:
        fields["police_signatory"] = partnership.police_sponsor
    agreement = Agreement(
        partnership=partnership,
        template=template,
        title=title.strip(),
        created_by=by,
        **fields,
    )
    agreement.full_clean()
    agreement.save()
    AgreementClause.objects.bulk_create(
        AgreementClause(agreement=agreement, template_clause=clause, included=clause.required, **clause_text(clause))
        for clause in template.clauses.all()
    )
    AgreementEvent.objects.create(agreement=agreement, to_status=A.DRAFT, by=by, comment=f"Drafted from {template}")
    return agreement


@transaction.atomic
def save_details(agreement, *, fields, by) -> Agreement:
    """Save a draft's details (``fields``, as set on ``agreement`` by ``AgreementDetailsForm``).

    The row is locked and checked again: the draft may have been submitted since the form was
    shown, and then nothing is saved (PermissionDenied, a 403).
    """
    locked = Agreement.objects.select_for_update().only("status").get(pk=agreement.pk)
    if locked.status != A.DRAFT:
        raise PermissionDenied
    agreement.save(update_fields=[*fields, "updated_at"])
    return agreement


@transaction.atomic
def update_clause(clause: AgreementClause, *, body: str, included: bool, by) -> AgreementClause:
    agreement = _locked(clause.agreement)
    _require(permissions.can_edit(by, agreement), "This agreement's text can change only while it is a draft.")
    if clause.required and not included:
        raise ValidationError({"included": "This clause is required and cannot be left out."})
    if not body.strip():
        raise ValidationError({"body": "Write the clause's text, or leave the clause out."})
    refuse_unknown_placeholders(body)
    clause.body, clause.included = body.strip(), included
    clause.save(update_fields=["body", "included"])
    return clause


def refuse_unknown_placeholders(body: str) -> None:
    """A ``{name}`` the portal cannot fill in is refused, with the list of those it can."""
    unknown = unknown_placeholders(body)
    if unknown:
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise ValidationError(
            {
                "body": f"{names} is not a placeholder the portal can fill in. Write the words themselves, "
                f"or use one of: {known_placeholders_text()}."
            }
        )


@transaction.atomic
def choose_optional_clauses(agreement, *, included_keys: set[str], by) -> tuple[int, int]:
    """Include the optional clauses named in ``included_keys`` and leave the other optional ones
    out, all at once. Returns (included, left out)."""
    agreement = _locked(agreement)
    _require(permissions.can_edit(by, agreement), "This agreement's text can change only while it is a draft.")
    optional = list(agreement.clauses.filter(required=False))
    unknown = set(included_keys) - {clause.key for clause in optional}
    if unknown:
        raise ValidationError("Choose among this agreement's optional clauses.")
    for clause in optional:
        included = clause.key in included_keys
        if clause.included != included:
            clause.included = included
            clause.save(update_fields=["included"])
    chosen = sum(clause.included for clause in optional)
    return chosen, len(optional) - chosen


@transaction.atomic
def reset_clause(clause: AgreementClause, *, by) -> AgreementClause:
    """Put a clause's text back to its template clause's text."""
    agreement = _locked(clause.agreement)
    _require(permissions.can_edit(by, agreement), "This agreement's text can change only while it is a draft.")
    if clause.template_clause is None:
        raise ValidationError("This clause has no template text to go back to.")
    clause.body = clause.template_clause.body
    clause.save(update_fields=["body"])
    return clause


@transaction.atomic
def submit_for_review(agreement, *, by, today: date | None = None) -> AgreementVersion:
    """Freeze the current text as a new version and send it to the force for review.

    The dates are checked together first; on the first submission the effective date may not
    be before ``today`` (default: today in the portal's time zone).
    """
    agreement = _locked(agreement)
    _require(
        agreement.status == A.DRAFT,
        f"Only a draft is submitted; this agreement is {agreement.get_status_display().lower()}.",
    )
    _require(permissions.can_submit(by, agreement), "Only the institution's liaison officers submit a draft.")
    missing = missing_placeholders(agreement)
    if missing:
        names = ", ".join(field_label(name) for name in missing)
        raise WorkflowError(f"Fill in every placeholder before submitting. Still empty: {names}.")
    _require_signatories(agreement)
    number = agreement.versions.count() + 1
    problems = date_errors(
        effective_date=agreement.effective_date,
        term_months=agreement.term_months,
        review_months=agreement.review_months,
        notice_months=agreement.notice_months,
        today=(today or timezone.localdate()) if number == 1 else None,
    )
    if problems:
        raise WorkflowError(" ".join(dict.fromkeys(problems.values())))
    _require_within_kept_term(agreement)
    text = assemble(agreement)
    version = AgreementVersion.objects.create(
        agreement=agreement, number=number, text=text, sha256=text_hash(text), created_by=by
    )
    Approval.objects.create(version=version, side=Side.INSTITUTION, approved_by=by)
    _move(agreement, A.IN_REVIEW, by=by, comment=f"Version {number} submitted for review")
    reminders.review_requested(version)
    return version


def _require_within_kept_term(agreement) -> None:
    """A variation keeps the term of the agreement it varies (``term_end``): it cannot take
    effect after that term's last day."""
    if not agreement.varies_id:
        return
    # The term clause states the original's dates, so a variation's own date must be chosen.
    if agreement.effective_date is None:
        raise WorkflowError({"effective_date": "Choose the date the variation takes effect before submitting it."})
    last_day = agreement.varies.expires_on
    if last_day is None:
        return
    _require(
        agreement.effective_date <= last_day,
        f"The effective date ({agreement.effective_date:%-d %B %Y}) is after the last day of the term this "
        f"variation keeps ({last_day:%-d %B %Y}): choose a date not after it, or start a new agreement.",
    )


def _require_signatories(agreement) -> None:
    """Each side's signatory signs with their own account: someone of that side's organisation
    with an active portal account, its senior sponsor or one of its liaison officers."""
    p = agreement.partnership
    problems = []
    for side, organisation in ((Side.INSTITUTION, p.institution), (Side.POLICE, p.police_force)):
        contact = agreement.signatory_for(side)
        user = contact.user if contact is not None else None
        if contact is None:
            problems.append(f"choose who signs for {organisation.name}")
        elif user is None or not user.is_active:
            problems.append(f"{contact.name} (signing for {organisation.name}) has no active portal account")
        elif user.role not in SIGNATORY_ROLES or user.organisation_id != organisation.pk:
            problems.append(
                f"{contact.name} cannot sign for {organisation.name}: choose its senior sponsor or a liaison officer"
            )
    if problems:
        raise WorkflowError(
            "Choose who signs before submitting (in the agreement's details): " + "; ".join(problems) + "."
        )


@transaction.atomic
def comment_on_clause(agreement, *, clause_key: str, body: str, by, internal: bool = False) -> ReviewThread:
    """Raise a thread on a clause of the version in review, shared with the other side or
    ``internal`` to ``by``'s organisation. The other side hears of a shared one only."""
    agreement = _locked(agreement)
    _require(permissions.can_comment(by, agreement), "Comments are made while the agreement is in review.")
    version = current_version(agreement)
    if clause_key not in {clause["key"] for clause in version.clauses}:
        raise ValidationError({"clause_key": "Choose a clause of this version."})
    if not body.strip():
        raise ValidationError({"body": "Write your comment."})
    thread = _open_thread(agreement, version, clause_key, by=by, internal=internal, body=body.strip())
    if not internal:
        reminders.commented(version, by=by)
    return thread


def _open_thread(agreement, version, clause_key, *, by, internal, body) -> ReviewThread:
    thread = ReviewThread.objects.create(
        agreement=agreement,
        clause_key=clause_key,
        raised_on=version,
        raised_by=by,
        organisation_id=by.organisation_id,
        internal=internal,
    )
    ReviewComment.objects.create(thread=thread, version=version, author=by, body=body)
    thread.agreement = agreement
    return thread


def _locked_thread(thread) -> ReviewThread:
    """The thread's agreement locked first (as every workflow move locks it), then the thread."""
    agreement = _locked(thread.agreement)
    locked = ReviewThread.objects.select_for_update().get(pk=thread.pk)
    locked.agreement = agreement
    return locked


@transaction.atomic
def reply(thread: ReviewThread, *, body: str, by) -> ReviewComment:
    """Answer a thread. A reply to a shared thread tells the other side, as a new comment does."""
    thread = _locked_thread(thread)
    _require(permissions.can_reply(by, thread), "Replies are made to an open thread while the text is negotiated.")
    if not body.strip():
        raise ValidationError({"body": "Write your reply."})
    version = current_version(thread.agreement)
    comment = ReviewComment.objects.create(thread=thread, version=version, author=by, body=body.strip())
    if not thread.internal:
        reminders.commented(version, by=by)
    return comment


@transaction.atomic
def resolve_thread(thread: ReviewThread, *, by) -> ReviewThread:
    """Close a thread: its raiser's side says it is settled. Resolving twice changes nothing."""
    thread = _locked_thread(thread)
    if thread.resolved_at is not None:
        return thread
    _require(permissions.can_resolve(by, thread), "Only the side that raised a thread resolves it.")
    thread.resolved_at, thread.resolved_by = timezone.now(), by
    thread.save(update_fields=["resolved_at", "resolved_by"])
    return thread


def _unknown_placeholders(text: str) -> list[str]:
    return [name for name in dict.fromkeys(PLACEHOLDER.findall(text)) if name not in PLACEHOLDERS]


@transaction.atomic
def propose_wording(agreement, *, clause_key: str, text: str, note: str = "", by) -> ProposedWording:
    """The reviewing side proposes replacement text for a clause, in a shared thread of its own."""
    agreement = _locked(agreement)
    _require(permissions.can_propose(by, agreement), "The force proposes wording while the agreement is in review.")
    version = current_version(agreement)
    clause = agreement.clauses.filter(key=clause_key, included=True).first()
    if clause is None or clause_key not in {c["key"] for c in version.clauses}:
        raise ValidationError({"clause_key": "Choose a clause of this version."})
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write the wording you propose for this clause."})
    if text == clause.body.strip():
        raise ValidationError({"text": "This is the clause's current wording: change it, or comment instead."})
    unknown = _unknown_placeholders(text)
    if unknown:
        known = ", ".join(f"{{{name}}}" for name in PLACEHOLDERS)
        names = ", ".join(f"{{{name}}}" for name in unknown)
        raise ValidationError({"text": f"Unknown placeholder {names}. Use only these: {known}."})
    body = note.strip() or "Proposes new wording for this clause."
    thread = _open_thread(agreement, version, clause_key, by=by, internal=False, body=body)
    proposal = ProposedWording.objects.create(thread=thread, replaces=clause.body, text=text)
    proposal.thread = thread
    reminders.commented(version, by=by)
    return proposal


def _locked_proposal(proposal) -> ProposedWording:
    thread = _locked_thread(proposal.thread)
    locked = ProposedWording.objects.select_for_update().get(pk=proposal.pk)
    locked.thread = thread
    return locked


def _apply_wording(proposal, agreement) -> None:
    """Put an accepted wording into the draft's clause (the draft must be editable)."""
    clause = agreement.clauses.get(key=proposal.thread.clause_key)
    clause.agreement = agreement
    clause.body, clause.included = proposal.text, True
    clause.save(update_fields=["body", "included"])
    proposal.applied_at = timezone.now()
    proposal.save(update_fields=["applied_at"])


def _require_wording_still_fits(proposal, agreement) -> None:
    """A wording replaces the clause's text as it was proposed against: accepting it may not
    overwrite the drafter's later changes to the clause, nor another wording already accepted."""
    key = proposal.thread.clause_key
    if agreement.status == A.DRAFT:
        body = agreement.clauses.filter(key=key).values_list("body", flat=True).first()
        _require(
            body == proposal.replaces,
            "The clause has changed since this wording was proposed, and accepting it would undo those "
            "changes. Work the wording into the clause in the clause editor, then decline this proposal "
            "saying so.",
        )
    other = ProposedWording.objects.filter(
        thread__agreement=agreement, thread__clause_key=key, status=ProposalStatus.ACCEPTED, applied_at__isnull=True
    ).exclude(pk=proposal.pk)
    _require(
        not other.exists(),
        "Another wording for this clause is already accepted and goes into the next version: decline this one, "
        "or work both into the clause when you revise the draft.",
    )


@transaction.atomic
def accept_proposal(proposal: ProposedWording, *, by) -> ProposedWording:
    """The drafting side accepts a proposed wording: it goes into the draft now, or when the draft
    is revised (``revise``) if changes were requested and revising has not started."""
    proposal = _locked_proposal(proposal)
    _require(
        permissions.can_accept_proposal(by, proposal),
        "A proposed wording is accepted by the institution once changes are requested, while it is open.",
    )
    agreement = proposal.thread.agreement
    _require_wording_still_fits(proposal, agreement)
    proposal.status, proposal.answered_by, proposal.answered_at = ProposalStatus.ACCEPTED, by, timezone.now()
    proposal.save(update_fields=["status", "answered_by", "answered_at"])
    if agreement.status == A.DRAFT:
        _apply_wording(proposal, agreement)
    reminders.wording_answered(proposal)
    return proposal


@transaction.atomic
def decline_proposal(proposal: ProposedWording, *, reason: str, by) -> ProposedWording:
    """The drafting side declines a proposed wording, saying why."""
    proposal = _locked_proposal(proposal)
    _require(
        permissions.can_decline_proposal(by, proposal),
        "A proposed wording is answered by the institution while it is open and the text is negotiated.",
    )
    if not reason.strip():
        raise ValidationError({"reason": "Say why you decline this wording, so the force knows."})
    proposal.status, proposal.answered_by, proposal.answered_at = ProposalStatus.DECLINED, by, timezone.now()
    proposal.decline_reason = reason.strip()
    proposal.save(update_fields=["status", "answered_by", "answered_at", "decline_reason"])
    reminders.wording_answered(proposal)
    return proposal


@transaction.atomic
def request_changes(agreement, *, by, comment: str = "") -> Agreement:
    agreement = _locked(agreement)
    _require(permissions.can_review(by, agreement), "Only the force's liaison officers request changes.")
    _move(agreement, A.CHANGES_REQUESTED, by=by, comment=comment)
    reminders.changes_requested(current_version(agreement))
    return agreement


@transaction.atomic
def revise(agreement, *, by) -> Agreement:
    """Back to draft after changes were requested; the next submission is a new version."""
    agreement = _locked(agreement)
    _require(
        agreement.status == A.CHANGES_REQUESTED,
        f"An agreement is revised after changes are requested; this one is {agreement.get_status_display().lower()}.",
    )
    _require(permissions.can_revise(by, agreement), "Only the institution's liaison officers revise a draft.")
    _move(agreement, A.DRAFT, by=by, comment="Revising after changes were requested")
    accepted = ProposedWording.objects.filter(
        thread__agreement=agreement, status=ProposalStatus.ACCEPTED, applied_at__isnull=True
    ).select_related("thread")
    for proposal in accepted.order_by("answered_at", "pk"):
        _apply_wording(proposal, agreement)
    return agreement


def open_shared_threads(agreement):
    return agreement.threads.open().shared().order_by("pk")


@transaction.atomic
def approve(
    agreement, *, by, comment: str = "", acknowledged: bool = False, seen_threads: set[int] | None = None
) -> Agreement:
    """One side approves the version in review; once both have, the agreement is ready to sign.

    With shared threads still open the approver must acknowledge them (``acknowledged``), and the
    approval records which. ``seen_threads`` are the open threads the approver's page listed: a
    thread opened since then stops the approval, so nobody acknowledges what they never saw.
    """
    agreement = _locked(agreement)
    _require(permissions.can_approve(by, agreement), "You cannot approve this agreement now.")
    version = current_version(agreement)
    side = agreement.side_of(by)
    still_open = list(open_shared_threads(agreement))
    if still_open and not acknowledged:
        count = len(still_open)
        raise ValidationError(
            {
                "acknowledge": f"{count} shared thread{'s are' if count > 1 else ' is'} still open. Tick the box to "
                "approve with them open, or resolve them first."
            }
        )
    if seen_threads is not None and {thread.pk for thread in still_open} - set(seen_threads):
        raise ValidationError(
            {"acknowledge": "A thread was opened since this page was loaded. Read it, then approve again."}
        )
    approval, _ = Approval.objects.get_or_create(version=version, side=side, defaults={"approved_by": by})
    if still_open:
        approval.acknowledged_threads.set(still_open)
        noted = f"Approved with {len(still_open)} open thread{'s' if len(still_open) > 1 else ''} acknowledged"
        comment = f"{comment}\n{noted}".strip() if comment else noted
    if version.approvals.count() == len(Side):
        _move(agreement, A.APPROVED, by=by, comment=comment or f"Version {version.number} approved by both sides")
        reminders.ready_to_sign(agreement)
    elif comment:
        _note(agreement, by=by, comment=comment)
    return agreement


def signer_name(user) -> str:
    """The name a signature carries: the account's full name, or its username if it has none."""
    return user.get_full_name() or user.username


@transaction.atomic
def sign(agreement, *, by, position: str, authentication: str, ip_address: str | None, confirmed: bool) -> Signature:
    """Sign the approved version for the signer's side; the last signature puts it in force.

    ``by`` signs as itself: the signature carries the account's name and organisation, never a
    typed name. The caller has asked the signer again for their password (and a current code,
    where they have a second factor) and says how in ``authentication``, a ``SignedWith`` value.
    """
    agreement = _locked(agreement)
    _require(permissions.can_sign(by, agreement), "You cannot sign this agreement.")
    _require(
        authentication in SignedWith.values,
        "Give your password (and a current code, if you use two-factor authentication) to sign.",
    )
    errors = {}
    if not confirmed:
        errors["confirmed"] = "Confirm that you have authority to sign for your organisation."
    if not position.strip():
        errors["position"] = "Give your position."
    if errors:
        raise ValidationError(errors)
    version = current_version(agreement)
    side = agreement.side_of(by)
    institution, police_force = agreement.partnership.institution.name, agreement.partnership.police_force.name
    signature = Signature.objects.create(
        agreement=agreement,
        version=version,
        side=side,
        signer=by,
        full_name=signer_name(by),
        position=position.strip(),
        organisation_name=institution if side == Side.INSTITUTION else police_force,
        institution_name=institution,
        police_force_name=police_force,
        ip_address=ip_address,
        authentication=authentication,
        text_sha256=version.sha256,
    )
    if agreement.signatures.count() == len(Side):
        _signed_by_both(agreement, by=by)
    else:
        _move(agreement, A.PARTLY_SIGNED, by=by, comment=f"Signed by {signature.full_name} for {side.label.lower()}")
    signature.agreement = agreement
    reminders.signed(signature)
    if agreement.status == A.PARTLY_SIGNED and agreement.signing_order != SigningOrder.PARALLEL:
        reminders.your_turn_to_sign(agreement)  # the other side's signatory, who was waiting for this one
    return signature


def queue_draft_pdf(agreement) -> None:
    """Render the draft PDF of the current text in Celery once the transaction commits; with the
    broker unreachable it is rendered here (about a second) instead. The task stores it."""
    from .tasks import render_draft_pdf

    enqueue(render_draft_pdf, agreement.pk, fallback=lambda: render_draft_pdf(agreement.pk))


def term_end(agreement):
    """The last day of the term: the effective date (or today) plus the term, if it has one. A
    variation keeps the term of the agreement it varies."""
    if agreement.varies_id:
        return agreement.varies.expires_on
    if not agreement.term_months:
        return None
    start = agreement.effective_date or timezone.localdate()
    return start + relativedelta(months=agreement.term_months) - timedelta(days=1)


def _signed_by_both(agreement, *, by):
    """The last signature landed: the signed PDF is rendered now, once. The agreement is in force
    at once if its effective date has come, else signed and in force from that date
    (``bring_into_force``, run daily)."""
    from .tasks import render_signed_pdf

    agreement.signed_at = timezone.now()
    agreement.expires_on = term_end(agreement)
    agreement.save(update_fields=["signed_at", "expires_on", "updated_at"])
    effective = agreement.effective_date
    if effective is not None and effective > timezone.localdate():
        _move(agreement, A.SIGNED, by=by, comment=f"Signed by both sides; in force from {effective:%-d %B %Y}")
    else:
        _enter_into_force(agreement, by=by, comment="Signed by both sides")
    enqueue(render_signed_pdf, agreement.pk)  # if the broker is down, the sweep renders it later


def bring_into_force(today: date | None = None, batch_size: int = 100) -> int:
    """Put in force the signed agreements whose effective date has come, superseding those they
    replace then. One bounded batch; returns how many, so a scheduled run can repeat until 0.

    Safe to run twice at once: each run claims its rows with ``skip_locked``, and an agreement
    in force no longer matches.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        due = _claim(Q(status=A.SIGNED, effective_date__lte=today), "effective_date", batch_size)
        for agreement in due:
            _enter_into_force(
                agreement, by=None, comment=f"In force from its effective date, {agreement.effective_date:%-d %B %Y}"
            )
    return len(due)


def _claim(due: Q, order: str, batch_size: int) -> list:
    """Lock a batch of the agreements ``due`` for the daily task, oldest ``order`` first; rows
    another run holds are skipped (``skip_locked``), so two runs never take the same one."""
    return list(
        Agreement.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(due)
        .select_related("partnership")
        .order_by(order, "pk")[:batch_size]
    )


def _enter_into_force(agreement, *, by, comment):
    _move(agreement, A.IN_FORCE, by=by, comment=comment)
    previous = (
        Agreement.objects.filter(partnership=agreement.partnership, status=A.IN_FORCE).exclude(pk=agreement.pk).first()
    )
    if previous is not None:
        replaced_by = f"variation {agreement.variation_number}" if agreement.variation_number else agreement.title
        _move(previous, A.SUPERSEDED, by=by, comment=f"Superseded by {replaced_by}")
        agreement.supersedes = previous
        agreement.save(update_fields=["supersedes", "updated_at"])
    commitments = {
        CommitmentKind.MEETINGS: agreement.meeting_months,
        CommitmentKind.STATISTICS: agreement.statistics_months,
        CommitmentKind.TRAINING: agreement.training_months,
        CommitmentKind.REVIEW: agreement.review_months,
    }
    if agreement.varies_id and previous is not None:
        # A variation changes the text, not the agreement: the partnership has been under it
        # since the original came into force, and what it committed to keeps its dates.
        partnership_services.record_agreement_varied(
            agreement.partnership,
            since=agreement.effective_date or timezone.localdate(),
            source=str(agreement),
            source_url=agreement.get_absolute_url(),
            commitments=commitments,
            by=by,
        )
        return
    partnership_services.record_agreement_in_force(
        agreement.partnership,
        since=agreement.effective_date or timezone.localdate(),
        source=agreement.title,
        source_url=agreement.get_absolute_url(),
        commitments=commitments,
        by=by,
    )


@transaction.atomic
def end(agreement, *, by, comment: str = "", today: date | None = None) -> Agreement:
    agreement = _locked(agreement)
    _require(permissions.can_end(by, agreement), "Only the parties end an agreement in force.")
    _move(agreement, A.ENDED, by=by, comment=comment)
    partnership_services.record_agreement_ended(agreement.partnership, source=agreement.title, by=by)
    return agreement


def _required_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": message})
    return reason


@transaction.atomic
def decline_signing(agreement, *, by, reason: str) -> Agreement:
    """A signatory declines to sign, with a reason: the agreement goes back to changes requested
    (the institution revises it into a new version), and a signature already given on this
    version is set aside, its signer, time and side kept in the agreement's audit trail."""
    agreement = _locked(agreement)
    _require(permissions.can_decline_signing(by, agreement), "Only a signatory who has not signed can decline.")
    reason = _required_reason(reason, "Say why you decline to sign, so both sides know what to change.")
    for signature in agreement.signatures.order_by("signed_at"):
        _note(
            agreement,
            by=by,
            comment=(
                f"Signature of {signature.full_name} for {signature.organisation_name}, given "
                f"{timezone.localtime(signature.signed_at):%-d %B %Y %H:%M}, set aside: signing was declined"
            ),
        )
        signature.delete()
    organisation = by.organisation.name
    _move(agreement, A.CHANGES_REQUESTED, by=by, comment=f"{by} declined to sign for {organisation}: {reason}")
    reminders.signing_declined(agreement, by=by, reason=reason)
    return agreement


@transaction.atomic
def withdraw(agreement, *, by, reason: str) -> Agreement:
    """Either side withdraws an agreement that is not yet in force, with a reason. It stays, with
    its versions and audit trail, as withdrawn; the partnership may start another."""
    agreement = _locked(agreement)
    _require(
        permissions.can_withdraw(by, agreement), "Only a party's liaison officers withdraw an agreement in progress."
    )
    reason = _required_reason(reason, "Say why you withdraw it, so the other side knows.")
    _move(agreement, A.WITHDRAWN, by=by, comment=f"Withdrawn by {by} for {by.organisation.name}: {reason}")
    reminders.withdrawn(agreement, by=by, reason=reason)
    return agreement


# --- In force: the scheduled review, variations and notice to end ---------------------------


@transaction.atomic
def confirm_review(agreement, *, by, note: str = "", today: date | None = None) -> ReviewConfirmation:
    """One side answers the scheduled review: "reviewed, no change". When both sides have
    answered the same review it is done: the audit trail says so and the next review is due a
    review interval from today."""
    agreement = _locked(agreement)
    _require(
        permissions.can_confirm_review(by, agreement), "Only a party's liaison officers answer an agreement's review."
    )
    today = today or timezone.localdate()
    state = review_state(agreement, today)
    _require(state is not None, "This agreement has no review scheduled.")
    _require(
        state.is_open,
        f"The review due on {state.due_on:%-d %B %Y} can be answered from {state.opens_on:%-d %B %Y}.",
    )
    side = agreement.side_of(by)
    _require(state.answered_by(side) is None, "Your side has already answered this review.")
    confirmation = ReviewConfirmation.objects.create(
        agreement=agreement, due_on=state.due_on, side=side, confirmed_by=by, note=note.strip()
    )
    organisation = by.organisation.name
    comment = f"Review due on {state.due_on:%-d %B %Y}: {by} confirmed for {organisation}: reviewed, no change"
    if note.strip():
        comment += f" ({note.strip()})"
    answered = _note(agreement, by=by, comment=comment)
    if len(state.answers) + 1 == len(Side):
        _note(
            agreement,
            by=by,
            comment=f"Review due on {state.due_on:%-d %B %Y} done: both sides confirmed no change",
        )
        partnership_services.record_commitment_met(agreement.partnership_id, CommitmentKind.REVIEW, on=today)
    reminders.review_answered(agreement, answered, by=by)
    return confirmation


@transaction.atomic
def start_variation(agreement, *, by) -> Agreement:
    """Start a variation of an agreement in force: a new draft of the same agreement with its
    current text and details, agreed, approved and signed as any draft is. In force, it
    supersedes the text it varies; it keeps the original's term."""
    agreement = _locked(agreement)
    _require(
        permissions.can_start_variation(by, agreement),
        "Only the institution's liaison officers start a variation of an agreement in force.",
    )
    in_progress = variation_in_progress(agreement)
    if in_progress is not None and in_progress.status == A.SIGNED:
        raise WorkflowError(pending_message(in_progress, "start the next variation"))
    _require(in_progress is None, "A variation of this agreement is already being agreed: finish or withdraw it first.")
    _require(
        not Agreement.objects.filter(partnership_id=agreement.partnership_id, status__in=IN_PROGRESS_STATUSES).exists(),
        "This partnership already has an agreement in progress: finish or withdraw it first.",
    )
    # A new agreement signed and waiting for its effective date replaces this one then: a
    # variation of this one would come into force after it, and replace it with this text.
    _require(
        not Agreement.objects.filter(partnership_id=agreement.partnership_id, status=A.SIGNED).exists(),
        "This partnership has an agreement signed and waiting for its effective date: vary that one once it is "
        "in force.",
    )
    original = agreement.original
    number = len(lineage(agreement))  # the original and its signed variations: the next number
    variation = Agreement(
        partnership=agreement.partnership,
        template=agreement.template,
        title=original.title,
        varies=original,
        variation_number=number,
        created_by=by,
        **{name: getattr(agreement, name) for name in VARIATION_COPIES},
    )
    variation.save()
    AgreementClause.objects.bulk_create(
        AgreementClause(
            agreement=variation,
            template_clause_id=clause.template_clause_id,
            section=clause.section,
            section_title=clause.section_title,
            order=clause.order,
            key=clause.key,
            heading=clause.heading,
            body=clause.body,
            required=clause.required,
            included=clause.included,
        )
        for clause in agreement.clauses.all()
    )
    AgreementEvent.objects.create(
        agreement=variation, to_status=A.DRAFT, by=by, comment=f"Variation {number}, drafted from the text in force"
    )
    _note(
        agreement,
        by=by,
        comment=f"Variation {number} started by {by} for {by.organisation.name}",
    )
    return variation


# What a variation takes over from the agreement in force; its effective date is chosen anew.
VARIATION_COPIES = (
    "area_covered",
    "meeting_months",
    "statistics_months",
    "training_months",
    "term_months",
    "review_months",
    "notice_months",
    "institution_signatory",
    "police_signatory",
    "signing_order",
)


@transaction.atomic
def give_notice(agreement, *, by, reason: str, today: date | None = None) -> Agreement:
    """Either side gives notice to end an agreement in force, with a reason. Its last day is
    the notice period from today (or the end of its term, if sooner); the daily task ends it
    the day after (``end_on_notice``)."""
    agreement = _locked(agreement)
    _require(permissions.can_give_notice(by, agreement), "Only a party's liaison officers give notice to end it.")
    in_progress = variation_in_progress(agreement)
    if in_progress is not None:
        raise WorkflowError(pending_message(in_progress, "give notice to end"))
    reason = _required_reason(reason, "Say why you give notice, so the other side knows.")
    today = today or timezone.localdate()
    agreement.ends_on = notice_ends_on(agreement, today)
    agreement.notice_given_at = timezone.now()
    agreement.notice_given_by = by
    agreement.notice_reason = reason
    agreement.save(update_fields=["ends_on", "notice_given_at", "notice_given_by", "notice_reason", "updated_at"])
    given = _note(
        agreement,
        by=by,
        comment=(
            f"Notice to end given by {by} for {by.organisation.name}: {reason}. "
            f"Last day in force: {agreement.ends_on:%-d %B %Y}"
        ),
    )
    reminders.notice_given(agreement, given, by=by)
    return agreement


def end_on_notice(today: date | None = None, batch_size: int = 100) -> int:
    """End the agreements whose last day after notice has passed. One bounded batch; returns
    how many (a scheduled run repeats until 0). Safe to run twice at once (``skip_locked``)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        due = _claim(Q(status=A.IN_FORCE, ends_on__lt=today), "ends_on", batch_size)
        for agreement in due:
            _move(
                agreement,
                A.ENDED,
                by=None,
                comment=f"Ended after notice; last day in force {agreement.ends_on:%-d %B %Y}",
            )
            partnership_services.record_agreement_ended(agreement.partnership, source=agreement.title, by=None)
    return len(due)
