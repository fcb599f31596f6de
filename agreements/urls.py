"""Agreements' addresses: drafting (the list, the agreement page, details, clauses, preview,
submission, revision, templates) and review (comments, approval, signatures, comparison, PDFs,
verification) and the draft as a Word document."""

from django.urls import path

from .views import drafting, lifecycle, negotiation, review, word

app_name = "agreements"

urlpatterns = [
    # Drafting and templates
    path("", drafting.agreement_list, name="list"),
    path("new/<int:partnership_pk>/", drafting.agreement_create, name="create"),
    path("<int:pk>/", drafting.agreement_detail, name="detail"),
    path("<int:pk>/edit/", drafting.agreement_edit, name="edit"),
    path("<int:pk>/clauses/", drafting.clause_list, name="clauses"),
    path("<int:pk>/optional-clauses/", drafting.optional_clauses, name="optional_clauses"),
    path("<int:pk>/clauses/<slug:key>/", drafting.clause_edit, name="clause_edit"),
    path("<int:pk>/clauses/<slug:key>/reset/", drafting.clause_reset, name="clause_reset"),
    path("<int:pk>/preview/", drafting.agreement_preview, name="preview"),
    path("<int:pk>/submit/", drafting.agreement_submit, name="submit"),
    path("<int:pk>/revise/", drafting.agreement_revise, name="revise"),
    path("templates/", drafting.template_list, name="template_list"),
    path("templates/<int:pk>/", drafting.template_detail, name="template_detail"),
    path("templates/<int:pk>/new-version/", drafting.template_new_version, name="template_new_version"),
    path("templates/<int:pk>/clauses/<slug:key>/", drafting.template_clause_edit, name="template_clause_edit"),
    # Review and negotiation (threads, replies, proposed wording, approval), signing, PDFs and verification
    path("<int:pk>/review/", negotiation.review, name="review"),
    path("<int:pk>/comments/", negotiation.comment, name="comment"),
    path("<int:pk>/propose/", negotiation.propose, name="propose"),
    path("threads/<int:thread_pk>/reply/", negotiation.reply, name="reply"),
    path("threads/<int:thread_pk>/resolve/", negotiation.resolve_thread, name="resolve_thread"),
    path("proposals/<int:proposal_pk>/accept/", negotiation.accept_proposal, name="accept_proposal"),
    path("proposals/<int:proposal_pk>/decline/", negotiation.decline_proposal, name="decline_proposal"),
    path("<int:pk>/approve/", negotiation.approve, name="approve"),
    path("<int:pk>/request-changes/", review.request_changes, name="request_changes"),
    path("<int:pk>/sign/", review.sign, name="sign"),
    path("<int:pk>/decline/", lifecycle.decline_signing, name="decline_signing"),
    path("<int:pk>/withdraw/", lifecycle.withdraw, name="withdraw"),
    path("<int:pk>/review-answer/", lifecycle.answer_review, name="answer_review"),
    path("<int:pk>/notice/", lifecycle.give_notice, name="give_notice"),
    path("<int:pk>/vary/", lifecycle.start_variation, name="start_variation"),
    path("<int:pk>/compare/", review.compare, name="compare"),
    path("<int:pk>/draft.pdf", review.draft_pdf, name="draft_pdf"),
    path("<int:pk>/signed.pdf", review.signed_pdf, name="signed_pdf"),
    path("<int:pk>/draft.docx", word.draft_docx, name="draft_docx"),
    path("verify/<uuid:public_id>/", review.verify, name="verify"),
]
