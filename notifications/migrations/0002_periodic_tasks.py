"""The portal's periodic tasks, as rows of django-celery-beat so they can be changed in Django admin.

Created once (get_or_create): a later migration run never undoes an administrator's change.
"""

from django.db import migrations

TASKS = [
    # (name, task, interval in minutes or a crontab of minute/hour)
    ("Send due reminders", "notifications.tasks.sweep", {"every": 5, "period": "minutes"}, None),
    ("Erase expired information shares", "partnerships.tasks.erase_expired_shares", None, ("15", "2")),
]


def create(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    for name, task, interval, crontab in TASKS:
        if PeriodicTask.objects.filter(task=task).exists():
            continue
        schedule = {}
        if interval:
            schedule["interval"], _ = IntervalSchedule.objects.get_or_create(**interval)
        else:
            minute, hour = crontab
            schedule["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone="Europe/London"
            )
        PeriodicTask.objects.create(name=name, task=task, **schedule)


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(task__in=[task for _, task, _, _ in TASKS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
