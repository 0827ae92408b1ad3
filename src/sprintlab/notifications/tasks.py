from django_tasks import task

from sprintlab.notifications import delivery, fanout, services


@task()
def deliver_outbox_message(message_id: int) -> None:
    delivery.outbox_deliver_batch(message_id=message_id)


@task()
def requeue_stale_outbox_messages() -> int:
    return services.outbox_requeue_stale()


@task()
def deliver_outbox_batch(message_ids: list[int]) -> None:
    fanout.deliver_batch(message_ids=message_ids)
