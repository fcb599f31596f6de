"""Signed by both sides before the effective date: a "signed" status until that date, and the
daily periodic task (a django-celery-beat row, like notifications' 0002) that puts such
agreements in force on it.

The task is created once: a later run never undoes an administrator's change in Django admin.
"""

from django.db import migrations, models

TASK = "agreements.tasks.bring_agreements_into_force"


def schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if PeriodicTask.objects.filter(task=TASK).exists():
        return
    # Five past midnight, UK time: on its effective date an agreement is in force from the start of the day.
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="5", hour="0", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
    )
    PeriodicTask.objects.create(
        name="Put signed agreements in force on their effective date", task=TASK, crontab=crontab
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0005_signature_account_and_authentication"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AlterField(
            model_name="agreement",
            name="status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "In review"),
                    ("changes_requested", "Changes requested"),
                    ("approved", "Approved by both sides"),
                    ("partly_signed", "Signed by one side"),
                    ("signed", "Signed, not yet in force"),
                    ("in_force", "In force"),
                    ("ended", "Ended"),
                    ("superseded", "Superseded"),
                ],
                default="draft",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="agreementevent",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "In review"),
                    ("changes_requested", "Changes requested"),
                    ("approved", "Approved by both sides"),
                    ("partly_signed", "Signed by one side"),
                    ("signed", "Signed, not yet in force"),
                    ("in_force", "In force"),
                    ("ended", "Ended"),
                    ("superseded", "Superseded"),
                ],
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="agreementevent",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("draft", "Draft"),
                    ("in_review", "In review"),
                    ("changes_requested", "Changes requested"),
                    ("approved", "Approved by both sides"),
                    ("partly_signed", "Signed by one side"),
                    ("signed", "Signed, not yet in force"),
                    ("in_force", "In force"),
                    ("ended", "Ended"),
                    ("superseded", "Superseded"),
                ],
                max_length=20,
            ),
        ),
        migrations.RunPython(schedule, unschedule),
    ]
