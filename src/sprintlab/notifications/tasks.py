from django_tasks import task

from sprintlab.notifications import services


@task()
def deliver_outbox_message(message_id: int) -> None:
    services.outbox_deliver(message_id=message_id)


@task()
def requeue_stale_outbox_messages() -> int:
    return services.outbox_requeue_stale()
