from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.management.commands import serve_dev
from sprintlab.notifications.models import OutboxMessage, OutboxStatus

pytestmark = pytest.mark.django_db


def test_maintenance_delivers_messages_left_in_the_outbox(mailoutbox):
    message = OutboxMessage.objects.create(key="stale:1", to_email="a@example.org", subject="Hello", body_text="Hi")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(hours=1))
    serve_dev.run_maintenance()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert [m.subject for m in mailoutbox] == ["Hello"]


def test_maintenance_expires_offers_when_that_command_exists(monkeypatch):
    called = []
    monkeypatch.setattr(serve_dev, "get_commands", lambda: {"expire_offers": "sprintlab.registrations"})
    monkeypatch.setattr(serve_dev, "call_command", lambda name, **kwargs: called.append(name))
    serve_dev.run_maintenance()
    assert called == ["expire_offers"]


def test_maintenance_failures_do_not_stop_the_servers(monkeypatch, caplog):
    def broken():
        raise RuntimeError("database away")

    monkeypatch.setattr(serve_dev, "run_maintenance", broken)
    monkeypatch.setattr(serve_dev, "connection", type("C", (), {"close": staticmethod(lambda: None)}))
    monkeypatch.setattr(serve_dev, "close_old_connections", lambda: None)
    serve_dev.run_maintenance_safely()
    assert "Periodic maintenance failed" in caplog.text
