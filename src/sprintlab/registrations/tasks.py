from django_tasks import task

from sprintlab.registrations import admissions


@task()
def expire_offers() -> int:
    """Expire reviewed-mode offers past their deadline and offer the seats to the next people."""
    return admissions.registrations_expire_offers()
