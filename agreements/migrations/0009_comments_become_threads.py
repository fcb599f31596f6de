"""Each review comment made before threads existed becomes a shared thread of its own, raised on
its version by its author, open or resolved as the comment was; the comment is its first message."""

from django.db import migrations


def comments_to_threads(apps, schema_editor):
    ReviewComment = apps.get_model("agreements", "ReviewComment")
    ReviewThread = apps.get_model("agreements", "ReviewThread")
    comments = ReviewComment.objects.filter(thread__isnull=True).select_related("version", "author")
    for comment in comments.iterator(chunk_size=500):
        thread = ReviewThread.objects.create(
            agreement_id=comment.version.agreement_id,
            clause_key=comment.clause_key,
            raised_on_id=comment.version_id,
            raised_by_id=comment.author_id,
            organisation_id=comment.author.organisation_id,
            internal=False,
            created_at=comment.created_at,
            resolved_at=comment.resolved_at,
            resolved_by_id=comment.resolved_by_id,
        )
        ReviewComment.objects.filter(pk=comment.pk).update(thread=thread)


def threads_to_comments(apps, schema_editor):
    """Back again: each thread's state goes to its messages (replies become comments of their own)."""
    ReviewComment = apps.get_model("agreements", "ReviewComment")
    ReviewThread = apps.get_model("agreements", "ReviewThread")
    for thread in ReviewThread.objects.iterator(chunk_size=500):
        ReviewComment.objects.filter(thread=thread).update(
            clause_key=thread.clause_key, resolved_at=thread.resolved_at, resolved_by_id=thread.resolved_by_id
        )
    ReviewComment.objects.update(thread=None)
    ReviewThread.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("agreements", "0008_review_threads_and_proposed_wording")]

    operations = [migrations.RunPython(comments_to_threads, threads_to_comments)]
