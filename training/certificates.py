"""Certificates of attendance and attendees' feedback on the training they attended.

A certificate is a one-page PDF, rendered from ``training/pdf/certificate.html`` through
:func:`core.pdf.render_pdf` (autoescaped template, restricted fetcher), from a plain
:class:`CertificateDocument`. Feedback is given once per attended booking, by the attendee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from core.pdf import CONTENT_TYPE, render_pdf

from . import permissions
from .models import Booking, Feedback, duration_label

CERTIFICATE_TEMPLATE = "training/pdf/certificate.html"
UK = ZoneInfo("Europe/London")


# --- Who may do what -------------------------------------------------------------------------
# Kept beside the feature for now; they read like training.permissions and can move there.


# --- The certificate -------------------------------------------------------------------------


@dataclass
class CertificateDocument:
    attendee_name: str
    course_title: str
    course_slug: str
    day: date  # the session's date in the UK
    starts_at: datetime  # timezone-aware
    duration: str  # "3 hours"
    provider: str
    unit: str  # may be empty
    trainers: str  # may be empty
    reference: str  # "TRN-<session pk>-<booking pk>"
    issued_at: datetime  # timezone-aware


def certificate_reference(booking: Booking) -> str:
    return f"TRN-{booking.session_id}-{booking.pk}"


def certificate_document(booking: Booking, now: datetime | None = None) -> CertificateDocument:
    """The certificate of an attended ``booking`` (with session, course, provider and unit loaded)."""
    session = booking.session
    course = session.course
    attendee = booking.attendee
    minutes = int((session.ends_at - session.starts_at).total_seconds() // 60)
    return CertificateDocument(
        attendee_name=attendee.get_full_name() or attendee.username,
        course_title=course.title,
        course_slug=slugify(course.title)[:60].strip("-") or "course",
        day=timezone.localtime(session.starts_at, UK).date(),
        starts_at=session.starts_at,
        duration=duration_label(minutes),
        provider=course.provider.name,
        unit=course.provider_unit.name if course.provider_unit else "",
        trainers=session.trainers,
        reference=certificate_reference(booking),
        issued_at=now or timezone.now(),
    )


def certificate_filename(document: CertificateDocument) -> str:
    return f"certificate-{document.course_slug}-{document.day:%Y-%m-%d}.pdf"


def certificate_pdf(booking: Booking) -> tuple[str, str, bytes]:
    """``(filename, content_type, bytes)`` of the certificate of attendance of ``booking``."""
    if not permissions.has_certificate(booking):
        raise ValueError("Only an attended booking has a certificate.")
    document = certificate_document(booking)
    context = {"doc": document, "portal_name": settings.PORTAL_NAME}
    return certificate_filename(document), CONTENT_TYPE, render_pdf(CERTIFICATE_TEMPLATE, context)


# --- Feedback --------------------------------------------------------------------------------


@transaction.atomic
def give_feedback(booking: Booking, *, by, rating: int, confidence: int, comments: str = "") -> Feedback:
    """Record the attendee's feedback on ``booking``, once; a second time is refused."""
    if not permissions.can_give_feedback(by, booking):
        raise ValidationError("Only the person who attended can give feedback on this session.")
    already = "You have already given feedback on this session."
    if Feedback.objects.filter(booking=booking).exists():
        raise ValidationError(already)
    try:
        with transaction.atomic():  # the one-to-one key refuses a second response, even a concurrent one
            return Feedback.objects.create(booking=booking, rating=rating, confidence=confidence, comments=comments)
    except IntegrityError as error:
        raise ValidationError(already) from error
