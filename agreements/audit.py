"""The signing record: every step of an agreement's life, in order, for the signed PDF's last page.

It is read from what the workflow (``services.py``) already records: the status changes
(``AgreementEvent``), the versions submitted, review comments and their resolution, each side's
approval and each signature. Nothing new is stored.

What it says, and what it leaves out: each entry is a time, what happened, the person and their
organisation, and for a signature how the signer authenticated and the client address it came
from. The words of comments and of requests for changes are not printed: the signed PDF is
open to everyone of the two parties, staff members included, who do not see the negotiation
(``Agreement.objects.workings_visible_to``); the record says that a step happened, not what
was argued. The addresses are printed here for the parties and never on the public
verification page (``views/review.py: verify``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .models import A, AgreementEvent, Approval, ReviewComment, ReviewThread, Side, Signature, parties_at_signing

# What a change of status is called in the record; ``{version}`` is the version it concerns.
STEPS = {
    A.DRAFT: "Returned to draft to revise version {version}",
    A.IN_REVIEW: "Version {version} submitted for review",
    A.CHANGES_REQUESTED: "Changes requested to version {version}",
    A.APPROVED: "Version {version} approved by both sides",
    A.PARTLY_SIGNED: "Signed by one side; waiting for the other",
    A.IN_FORCE: "In force",
    A.ENDED: "Ended",
    A.SUPERSEDED: "Superseded by a later memorandum",
    A.WITHDRAWN: "Withdrawn",
}
AUTOMATIC = "The portal (automatic)"


@dataclass
class AuditEntry:
    at: datetime  # timezone-aware; shown in Europe/London
    what: str
    person: str  # the account's name, or AUTOMATIC
    organisation: str
    authentication: str = ""  # signatures only: how the signer authenticated ("Not recorded" if blank)
    address: str = ""  # signatures only: the client address the signature came from ("" if not recorded)
    is_signature: bool = False


def _party_names(agreement, signatures) -> dict:
    """The parties' organisation ids and their names as signed (``parties_at_signing``), so the
    record names them as the signature page does, whatever they are called later."""
    partnership = agreement.partnership
    if signatures:
        institution, police_force = parties_at_signing(signatures)
    else:
        institution, police_force = partnership.institution.name, partnership.police_force.name
    return {partnership.institution_id: institution, partnership.police_force_id: police_force}


def _person(user, names) -> tuple[str, str]:
    if user is None:
        return AUTOMATIC, ""
    organisation = names.get(user.organisation_id) or (user.organisation.name if user.organisation_id else "")
    return user.get_full_name() or user.username, organisation


def _version_at(versions, at):
    """The latest version submitted at or before ``at``."""
    latest = None
    for version in versions:
        if version.created_at <= at:
            latest = version
    return latest


def _status_entries(agreement, versions, names) -> list[AuditEntry]:
    entries = []
    events = AgreementEvent.objects.filter(agreement=agreement).select_related("by__organisation").order_by("at", "pk")
    for event in events:
        if event.from_status == event.to_status:
            continue  # a note beside one side's approval: the approval is its own entry
        at = event.at
        if not event.from_status:
            what = "Draft started"
        else:
            version = _version_at(versions, event.at)
            what = STEPS.get(event.to_status, event.get_to_status_display()).format(
                version=version.number if version else ""
            )
            if event.to_status == A.IN_REVIEW and version is not None:
                # When the text was fixed: before the submitting side's approval of it.
                at = version.created_at
            if event.to_status == A.IN_FORCE and agreement.effective_date:
                what = f"In force, effective from {agreement.effective_date:%-d %B %Y}"
        entries.append(AuditEntry(at, what, *_person(event.by, names)))
    return entries


def _comment_entries(agreement, numbers, names) -> list[AuditEntry]:
    """A line for each comment or reply made and each thread resolved: on which clause of which
    version, not its words. Threads internal to one organisation are its own: never listed."""
    entries = []
    comments = ReviewComment.objects.filter(thread__agreement=agreement, thread__internal=False).select_related(
        "version", "thread", "author__organisation"
    )
    for comment in comments:
        clause = numbers.get((comment.version_id, comment.thread.clause_key), comment.thread.clause_key)
        where = f"clause {clause} of version {comment.version.number}"
        entries.append(AuditEntry(comment.created_at, f"Commented on {where}", *_person(comment.author, names)))
    threads = ReviewThread.objects.filter(
        agreement=agreement, internal=False, resolved_at__isnull=False
    ).select_related("raised_on", "resolved_by__organisation")
    for thread in threads:
        clause = numbers.get((thread.raised_on_id, thread.clause_key), thread.clause_key)
        where = f"clause {clause} (raised on version {thread.raised_on.number})"
        entries.append(
            AuditEntry(thread.resolved_at, f"Resolved a thread on {where}", *_person(thread.resolved_by, names))
        )
    return entries


def _approval_entries(agreement, names) -> list[AuditEntry]:
    approvals = Approval.objects.filter(version__agreement=agreement).select_related(
        "version", "approved_by__organisation"
    )
    return [
        AuditEntry(
            approval.approved_at,
            f"Version {approval.version.number} approved for the {Side(approval.side).label.lower()}",
            *_person(approval.approved_by, names),
        )
        for approval in approvals
    ]


def _signature_entries(signatures) -> list[AuditEntry]:
    # The name and organisation recorded with the signature, as they were when it was made.
    return [
        AuditEntry(
            signature.signed_at,
            f"Signed version {signature.version.number} as {signature.position}",
            signature.full_name,
            signature.organisation_name,
            authentication=signature.get_authentication_display() if signature.authentication else "Not recorded",
            address=signature.ip_address or "",
            is_signature=True,
        )
        for signature in signatures
    ]


def signing_record(agreement) -> list[AuditEntry]:
    """Every step of ``agreement`` so far, oldest first."""
    versions = list(agreement.versions.order_by("number"))
    signatures = list(Signature.objects.filter(agreement=agreement).select_related("version"))
    names = _party_names(agreement, signatures)
    numbers = {(version.pk, clause["key"]): clause["number"] for version in versions for clause in version.clauses}
    entries = [
        *_status_entries(agreement, versions, names),
        *_comment_entries(agreement, numbers, names),
        *_approval_entries(agreement, names),
        *_signature_entries(signatures),
    ]
    # Python's sort is stable: steps made in one moment keep the order above.
    return sorted(entries, key=lambda entry: entry.at)
