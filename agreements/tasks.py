"""Background work for agreements: rendering the signed PDF once, after the last signature,
putting signed agreements in force on their effective date and ending them after notice."""

import hashlib

from celery import shared_task
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, transaction

from .models import Agreement, DraftPdf

IN_FORCE_BATCH_SIZE = 100


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def bring_agreements_into_force() -> int:
    """The day's changes of agreements: put in force the signed agreements whose effective date
    has come (``services.bring_into_force``), and end those whose last day after notice has
    passed (``services.end_on_notice``). Returns how many changed.

    Beat runs it every day just after midnight (a periodic task in Django admin, created by
    migration 0006); a full batch queues the next one.
    """
    from . import services

    done = services.bring_into_force(batch_size=IN_FORCE_BATCH_SIZE)
    ended = services.end_on_notice(batch_size=IN_FORCE_BATCH_SIZE)
    if IN_FORCE_BATCH_SIZE in (done, ended):
        bring_agreements_into_force.delay()
    return done + ended


# WeasyPrint on a long agreement takes seconds; a stuck render must not hold a worker forever.
RENDER_SOFT_TIME_LIMIT = 60
RENDER_TIME_LIMIT = 90


@shared_task(
    acks_late=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
    max_retries=3,
    autoretry_for=(OSError,),
    retry_backoff=True,
)
def render_signed_pdf(agreement_id: int) -> str:
    """Render and store the signed PDF with its SHA-256. Never re-renders one that exists."""
    from .documents import signed_document

    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().filter(pk=agreement_id).first()
        if agreement is None or not agreement.is_signed or agreement.signed_pdf:
            return "skipped"
        filename, _content_type, content = signed_document(agreement)
        agreement.signed_pdf_sha256 = hashlib.sha256(content).hexdigest()
        agreement.signed_pdf.save(filename, ContentFile(content), save=False)
        agreement.save(update_fields=["signed_pdf", "signed_pdf_sha256", "updated_at"])
    return agreement.signed_pdf_sha256


@shared_task(
    acks_late=True,
    soft_time_limit=RENDER_SOFT_TIME_LIMIT,
    time_limit=RENDER_TIME_LIMIT,
    max_retries=3,
    autoretry_for=(OSError,),
    retry_backoff=True,
)
def render_draft_pdf(agreement_id: int) -> str:
    """Render the agreement's draft PDF as its text stands now, unless that text has one already."""
    from .documents import draft_document, draft_text

    agreement = (
        Agreement.objects.select_related("partnership__institution", "partnership__police_force")
        .filter(pk=agreement_id)
        .first()
    )
    if agreement is None:
        return "skipped"
    _, _, sha256 = draft_text(agreement)
    if DraftPdf.objects.filter(agreement=agreement, text_sha256=sha256).exists():
        return "skipped"
    filename, _content_type, content = draft_document(agreement)
    draft = DraftPdf(agreement=agreement, text_sha256=sha256)
    draft.file.save(filename, ContentFile(content), save=False)
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:
        draft.file.delete(save=False)  # another worker rendered the same text first
        return "skipped"
    return sha256
