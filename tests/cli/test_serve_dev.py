from io import StringIO

import pytest
from django.core.management import call_command

from sprintlab.demo.management.commands import serve_dev

pytestmark = pytest.mark.django_db


class FinishedChild:
    returncode = 0

    def __init__(self, command):
        self.command = command

    def poll(self):
        return 0

    def wait(self, timeout=None):
        return 0


def test_serve_dev_runs_the_task_worker_that_recovers_tasks_and_runs_the_periodic_jobs(monkeypatch):
    started = []
    monkeypatch.setattr(
        serve_dev.subprocess, "Popen", lambda command: started.append(command) or FinishedChild(command)
    )
    call_command("serve_dev", stdout=StringIO())
    assert [command[3:] for command in started] == [["runserver", "127.0.0.1:8000", "--noreload"], ["task_worker"]]
