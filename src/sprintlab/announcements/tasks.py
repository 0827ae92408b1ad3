from django_tasks import task

from sprintlab.announcements import delivery, reminders


@task()
def fan_out_announcement(announcement_id: int) -> int:
    return delivery.announcement_fan_out(announcement_id=announcement_id)


@task()
def fan_out_reminder(run_id: int) -> int:
    return reminders.reminder_fan_out(run_id=run_id)
