"""The nightly folding of the tallies' ledger (core/tally.py), a django-celery-beat row created
once, as in partnerships/migrations/0009."""

from django.db import migrations

NIGHTLY_COMPACTION = "core.tasks.compact_tallies"


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(task=NIGHTLY_COMPACTION).exists():
        return
    # 01:10: after the nightly check of stored health (00:20) has written the night's changes.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="10", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.create(name="Fold the ledger of counts", task=NIGHTLY_COMPACTION, crontab=crontab)


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NIGHTLY_COMPACTION).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_tally"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
