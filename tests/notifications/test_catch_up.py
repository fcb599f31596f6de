"""Work queued from a request when the broker is down is not lost: PDFs are caught up."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agreements import tasks as agreement_tasks
from agreements.models import A, Agreement, DraftPdf
from notifications import services
from tests.fixtures.agreements import sign_both
from tests.helpers import broker_at

pytestmark = pytest.mark.django_db


def test_the_sweep_queues_a_signed_pdf_whose_task_was_never_queued(
    approved,
    police_liaison,
    university_liaison,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(agreement_tasks.render_signed_pdf, "apply_async", lambda args, **_: queued.append(args))
    sign_both(approved, police_liaison, university_liaison)  # on_commit never runs here: nothing is queued
    approved.refresh_from_db()
    assert approved.status == A.IN_FORCE and not approved.signed_pdf

    services.send_due_reminders(timezone.now())
    assert queued == []  # the task queued on signing gets five minutes first

    services.send_due_reminders(timezone.now() + timedelta(minutes=6))
    assert queued == [(approved.pk,)]


def test_no_pdf_is_queued_for_an_agreement_that_has_one(approved, police_liaison, university_liaison, monkeypatch):
    queued = []
    monkeypatch.setattr(agreement_tasks.render_signed_pdf, "apply_async", lambda args, **_: queued.append(args))
    sign_both(approved, police_liaison, university_liaison)
    Agreement.objects.filter(pk=approved.pk).update(signed_pdf="agreements/signed/x.pdf")

    services.send_due_reminders(timezone.now() + timedelta(hours=1))
    assert queued == []


def test_a_draft_pdf_is_rendered_in_the_request_when_the_broker_is_down(
    client,
    in_review,
    university_liaison,
    django_capture_on_commit_callbacks,
    caplog,
):
    client.force_login(university_liaison)
    with broker_at("redis://127.0.0.1:9/0"), django_capture_on_commit_callbacks(execute=True):
        waiting = client.get(f"/agreements/{in_review.pk}/draft.pdf")

    assert waiting.status_code == 202
    assert "Running agreements.tasks.render_draft_pdf" in caplog.text
    assert DraftPdf.objects.filter(agreement=in_review).count() == 1
    ready = client.get(f"/agreements/{in_review.pk}/draft.pdf")
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
