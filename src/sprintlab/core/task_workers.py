"""Task workers that notice each other's death.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: if the
worker is killed (``kill -9``, out of memory, a lost machine) the row stays RUNNING for ever. Each
``sprintlab task-worker`` therefore writes a heartbeat row every few seconds, and every worker runs
``requeue_abandoned_tasks``: a task whose worker has not beaten for ``TASK_ABANDONED_AFTER_SECONDS``
goes back to READY and is run again (at least once, like any task queue after a crash), unless its
workers already died ``ABANDONED_TASK_MAX_RUNS`` times on it — then it is marked failed, so that a
task that kills its worker cannot kill every worker in turn.

Everything here works on django-tasks-db's public model (``DBTaskResult``) with plain updates.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sprintlab.core.models import TaskWorkerHeartbeat

logger = logging.getLogger(__name__)
ABANDONED_TASK_MAX_RUNS = 3
# Heartbeat rows of workers gone this long are deleted.
FORGET_WORKERS_AFTER = timedelta(days=1)


class WorkerDied(Exception):
    """Recorded as the error of a task whose workers died on it ``ABANDONED_TASK_MAX_RUNS`` times."""


def record_heartbeat(*, worker_id: str) -> None:
    TaskWorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"last_seen_at": timezone.now(), "hostname": socket.gethostname()[:255], "pid": os.getpid()},
    )


def forget_worker(*, worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat: anything it left running is recovered sooner."""
    TaskWorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def requeue_abandoned_tasks(*, abandoned_after_seconds: float, now: datetime | None = None) -> int:
    """Put back in the queue the RUNNING tasks whose worker stopped beating; returns how many.

    Several workers may run this at once: each update only matches rows still RUNNING and claimed
    before the cutoff, so a task is recovered once and a task claimed again meanwhile is left alone.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=abandoned_after_seconds)
    alive = set(TaskWorkerHeartbeat.objects.filter(last_seen_at__gte=cutoff).values_list("worker_id", flat=True))
    running = DBTaskResult.objects.running().filter(started_at__lt=cutoff).values_list("id", "worker_ids")
    retry, give_up = [], []
    for task_id, worker_ids in running:
        if worker_ids and worker_ids[-1] in alive:
            continue
        (give_up if len(worker_ids) >= ABANDONED_TASK_MAX_RUNS else retry).append(task_id)
    still_abandoned = DBTaskResult.objects.running().filter(started_at__lt=cutoff)
    requeued = still_abandoned.filter(id__in=retry).update(status=TaskResultStatus.READY, started_at=None)
    failed = still_abandoned.filter(id__in=give_up).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{WorkerDied.__module__}.{WorkerDied.__qualname__}",
        traceback=f"The worker running this task died {ABANDONED_TASK_MAX_RUNS} times; not retried.",
    )
    if requeued or failed:
        logger.warning("Abandoned tasks: %s queued again, %s failed after repeated worker deaths.", requeued, failed)
    TaskWorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_WORKERS_AFTER).delete()
    return requeued
