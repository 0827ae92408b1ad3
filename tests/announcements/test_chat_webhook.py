"""The chat mirror: a JSON post to a webhook on loopback, through the outbox, retried after a 500."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from sprintlab.announcements import services
from sprintlab.announcements.models import Audience
from sprintlab.notifications.models import OutboxChannel, OutboxMessage, OutboxStatus
from sprintlab.notifications.services import outbox_deliver
from sprintlab.notifications.webhooks import webhook_payload, webhook_url_problem
from sprintlab.sprints.models import SprintRole
from tests.factories import RegistrationFactory, SprintFactory, SprintMembershipFactory

pytestmark = pytest.mark.django_db


class ChatServer(ThreadingHTTPServer):
    """Answers each post with the next status in ``statuses`` (then 204) and records the bodies."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        super().__init__(("127.0.0.1", 0), ChatHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/webhooks/1/secret"


class ChatHandler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.server.received.append(json.loads(self.rfile.read(length)))
        status = self.server.statuses.pop(0) if self.server.statuses else 204
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    server = ChatServer(statuses=[500])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_announcement_is_posted_to_the_chat_and_retried_after_a_500(chat_server, django_capture_on_commit_callbacks):
    sprint = SprintFactory(chat_webhook_url=chat_server.url)
    RegistrationFactory(sprint=sprint)
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    announcement = services.announcement_create(
        actor=organiser,
        sprint=sprint,
        audience=Audience.EVERYONE,
        title="Kickoff in 10 minutes",
        body="Join the **opening** call.",
        mirror_to_chat=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.announcement_send_now(actor=organiser, announcement=announcement)
    post = OutboxMessage.objects.get(channel=OutboxChannel.WEBHOOK)
    assert post.key == f"announcement:{announcement.pk}:chat"
    # The first attempt met a 500: back in the queue with the error, as for email.
    assert (post.status, post.attempts) == (OutboxStatus.QUEUED, 1)
    assert "500" in post.last_error
    outbox_deliver(message_id=post.pk)
    post.refresh_from_db()
    assert (post.status, post.attempts) == (OutboxStatus.SENT, 2)
    assert len(chat_server.received) == 2
    body = chat_server.received[-1]
    assert body["username"] == "SprintLab"
    assert body["content"].startswith("**Kickoff in 10 minutes**")
    assert body["text"] == body["content"]
    # Sent: running delivery again posts nothing more.
    outbox_deliver(message_id=post.pk)
    assert len(chat_server.received) == 2


def test_the_payload_follows_the_host():
    assert set(webhook_payload("https://discord.com/api/webhooks/1/x", "hi")) == {"content", "username"}
    assert set(webhook_payload("https://hooks.slack.com/services/T/B/X", "hi")) == {"text", "username"}


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/hook",
        "javascript:alert(1)",
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://localhost/hook",
        "https://user:pass@discord.com/api/webhooks/1/x",
    ],
)
def test_private_and_odd_addresses_are_refused_in_production(url):
    assert webhook_url_problem(url)


@override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False)
def test_a_public_address_is_accepted():
    assert webhook_url_problem("https://93.184.215.14/api/webhooks/1/x") == ""


def test_the_sprint_service_refuses_a_bad_webhook():
    from sprintlab.core.errors import ServiceError
    from sprintlab.sprints.services import sprint_update

    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    with override_settings(WEBHOOK_ALLOW_PRIVATE_ADDRESSES=False), pytest.raises(ServiceError) as refused:
        sprint_update(actor=organiser, sprint=sprint, values={"chat_webhook_url": "http://127.0.0.1/hook"})
    assert "chat_webhook_url" in refused.value.message_dict
