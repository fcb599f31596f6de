"""Each partnership's health light stored on it, filled for existing rows, and checked nightly.

Self-contained: it adds the two fields and their index, fills them, and schedules the nightly
check (a django-celery-beat row, created once as in notifications/migrations/0002).
"""

from django.conf import settings
from django.db import migrations, models

NIGHTLY_CHECK = "partnerships.tasks.check_stored_health"


def fill(apps, schema_editor):
    # The live code works the light out (partnerships/stored_health.py): it is the one place
    # the rules are written, and it reads and writes only the columns it names, so it runs
    # here whatever fields later migrations add to these tables.
    from partnerships import stored_health

    stored_health.check_all(log_drift=False)


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(task=NIGHTLY_CHECK).exists():
        return
    # 00:20: after midnight, so the day's changes by time are stored before anyone looks, and
    # before the erasure of expired shares at 02:15.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="20", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.create(name="Check stored partnership health", task=NIGHTLY_CHECK, crontab=crontab)


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=NIGHTLY_CHECK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0008_deputy_single_points_of_contact"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnership",
            name="health",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(0, "Healthy"), (1, "Needs attention"), (2, "At risk")],
                editable=False,
                help_text="Empty once ended.",
                null=True,
                verbose_name="health",
            ),
        ),
        migrations.AddField(
            model_name="partnership",
            name="health_changes_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="health may change by time alone on"
            ),
        ),
        migrations.AddIndex(
            model_name="partnership",
            index=models.Index(fields=["health", "title"], name="partnership_health_title"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
