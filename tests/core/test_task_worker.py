"""Recovery of tasks whose worker died, and the periodic jobs the worker runs itself."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sprintlab.core.management.commands import task_worker
from sprintlab.core.models import TaskWorkerHeartbeat
from sprintlab.core.task_workers import (
    ABANDONED_TASK_MAX_RUNS,
    forget_worker,
    record_heartbeat,
    requeue_abandoned_tasks,
)
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import RunningTaskFactory

pytestmark = pytest.mark.django_db


def status_of(task):
    task.refresh_from_db()
    return task.status


def test_a_task_whose_worker_stopped_beating_is_queued_again():
    record_heartbeat(worker_id="dead-worker")
    TaskWorkerHeartbeat.objects.update(last_seen_at=timezone.now() - timedelta(seconds=100))
    task = RunningTaskFactory(worker_ids=["dead-worker"])
    assert requeue_abandoned_tasks(abandoned_after_seconds=60) == 1
    assert status_of(task) == "READY"
    assert DBTaskResult.objects.ready().filter(pk=task.pk).exists()
    assert requeue_abandoned_tasks(abandoned_after_seconds=60) == 0


def test_a_task_of_a_worker_that_never_beat_is_queued_again():
    task = RunningTaskFactory(worker_ids=["plain-db-worker"])
    assert requeue_abandoned_tasks(abandoned_after_seconds=30) == 1
    assert status_of(task) == "READY"


def test_a_live_worker_keeps_its_long_task():
    record_heartbeat(worker_id="busy-worker")
    task = RunningTaskFactory(worker_ids=["busy-worker"], started_at=timezone.now() - timedelta(hours=1))
    assert requeue_abandoned_tasks(abandoned_after_seconds=60) == 0
    assert status_of(task) == "RUNNING"


def test_a_task_claimed_within_the_grace_time_is_left_alone():
    task = RunningTaskFactory(worker_ids=["new-worker"], started_at=timezone.now() - timedelta(seconds=5))
    assert requeue_abandoned_tasks(abandoned_after_seconds=60) == 0
    assert status_of(task) == "RUNNING"


def test_a_task_that_killed_its_workers_repeatedly_fails_instead_of_killing_more():
    task = RunningTaskFactory(worker_ids=[f"dead-{n}" for n in range(ABANDONED_TASK_MAX_RUNS)])
    assert requeue_abandoned_tasks(abandoned_after_seconds=60) == 0
    task.refresh_from_db()
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerDied")
    assert task.task_result.errors[0].exception_class.__name__ == "WorkerDied"


def test_heartbeats_of_long_gone_workers_are_deleted_and_a_clean_stop_forgets_its_own():
    record_heartbeat(worker_id="gone")
    record_heartbeat(worker_id="stopping")
    TaskWorkerHeartbeat.objects.filter(worker_id="gone").update(last_seen_at=timezone.now() - timedelta(days=2))
    requeue_abandoned_tasks(abandoned_after_seconds=60)
    forget_worker(worker_id="stopping")
    assert not TaskWorkerHeartbeat.objects.exists()


def test_maintenance_delivers_messages_left_in_the_outbox(mailoutbox):
    message = OutboxMessage.objects.create(key="stale:1", to_email="a@example.org", subject="Hello", body_text="Hi")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    task_worker.run_maintenance()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.subject for m in mailoutbox] == ["Hello"]


def test_maintenance_runs_the_sweep_and_offer_expiry_when_those_commands_exist(monkeypatch):
    called = []
    monkeypatch.setattr(task_worker, "get_commands", lambda: {"expire_offers": "x", "outbox_sweep": "y"})
    monkeypatch.setattr(task_worker, "call_command", lambda name, *args, **kwargs: called.append([name, *args]))
    task_worker.run_maintenance(sweep_older_than=30)
    assert called == [["outbox_sweep", "--older-than", "30"], ["expire_offers"]]


def test_staff_see_the_live_workers_in_the_admin(admin_client):
    record_heartbeat(worker_id="worker-a")
    response = admin_client.get(reverse("admin:core_taskworkerheartbeat_changelist"))
    assert response.status_code == 200 and b"worker-a" in response.content
