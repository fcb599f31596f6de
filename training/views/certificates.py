"""After the session: the attendee's certificate of attendance, their feedback, and the provider's summary of it.

Bookings are fetched through ``Booking.objects.visible_to`` (the attendee, their institution's
liaison officers, the provider) and courses through ``Course.objects.visible_to``: a 404
outside that scope. What a user may do with what they see is asked of
``training.certificates`` (a 403 otherwise).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from core.views import paginate

from .. import certificates, permissions
from ..forms import FeedbackForm
from ..models import Booking, Course, Feedback

SCALE = range(1, 6)


def get_booking(request, pk) -> Booking:
    queryset = Booking.objects.visible_to(request.user).select_related(
        "attendee", "session__course__provider", "session__course__provider_unit"
    )
    return get_object_or_404(queryset, pk=pk)


@never_cache  # Cache-Control: no-store among others; a certificate names a person
@login_required
@require_safe
def certificate(request, pk):
    """The certificate of attendance of one attended booking, as a PDF download."""
    booking = get_booking(request, pk)
    if not permissions.has_certificate(booking):
        return render(request, "training/certificate_unavailable.html", {"booking": booking}, status=404)
    # Rendered in the request, not in a Celery task like the agreements' PDFs: it is one page
    # with no images (about 0.3 s), and it reflects the booking as it is now.
    filename, content_type, content = certificates.certificate_pdf(booking)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, pk):
    """The attendee's feedback on a session they attended: a form once, then what they gave."""
    user = request.user
    booking = get_booking(request, pk)
    if not permissions.has_certificate(booking):
        raise Http404("Feedback is given on sessions the person attended.")
    if not permissions.can_give_feedback(user, booking):
        raise PermissionDenied
    given = Feedback.objects.filter(booking=booking).first()
    form = None
    if given is None:
        form = FeedbackForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                certificates.give_feedback(booking, by=user, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Thank you. Your feedback has been sent to the provider.")
            return redirect("training:feedback", booking.pk)
    elif request.method == "POST":
        messages.info(request, "You have already given feedback on this session; it is shown below.")
        return redirect("training:feedback", booking.pk)
    return render(
        request,
        "training/feedback_form.html",
        {"booking": booking, "session": booking.session, "form": form, "given": given},
    )


@never_cache
@login_required
@require_safe
def course_feedback(request, pk):
    """What attendees thought of a course, over all its sessions, without their names."""
    user = request.user
    course = get_object_or_404(Course.objects.visible_to(user).select_related("provider", "provider_unit"), pk=pk)
    if not permissions.can_see_course_feedback(user, course):
        raise PermissionDenied
    responses = Feedback.objects.filter(booking__session__course=course)
    # One query for every number on the page, however many responses there are.
    numbers = responses.aggregate(
        total=Count("pk"),
        rating_average=Avg("rating"),
        confidence_average=Avg("confidence"),
        **{f"rating_{n}": Count("pk", filter=Q(rating=n)) for n in SCALE},
        **{f"confidence_{n}": Count("pk", filter=Q(confidence=n)) for n in SCALE},
    )
    total = numbers["total"]
    confidence_labels = dict(Feedback._meta.get_field("confidence").choices)

    def distribution(name, labels=None):
        rows = []
        for n in reversed(SCALE):
            count = numbers[f"{name}_{n}"]
            label = f"{n} – {labels[n]}" if labels else str(n)
            rows.append(
                {"value": n, "label": label, "count": count, "percent": round(100 * count / total) if total else 0}
            )
        return rows

    comments = (
        responses.exclude(comments="")
        .select_related("booking__session")
        .only("comments", "created_at", "booking__session__starts_at")
        .order_by("-created_at", "-pk")
    )
    pagination = paginate(request, comments)
    return render(
        request,
        "training/feedback_summary.html",
        {
            **pagination,
            "course": course,
            "total": total,
            "rating_average": numbers["rating_average"],
            "confidence_average": numbers["confidence_average"],
            "distributions": [
                {"name": "rating", "heading": "Overall rating (5 is excellent)", "rows": distribution("rating")},
                {
                    "name": "confidence",
                    "heading": "“I feel more confident to act”",
                    "rows": distribution("confidence", confidence_labels),
                },
            ],
            "comments": pagination["page_obj"].object_list,
        },
    )
