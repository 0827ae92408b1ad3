"""On PostgreSQL the announcement page's delivery counts read the outbox and the inbox by key prefix
through an index (the ``varchar_pattern_ops`` index Django adds to unique CharFields), not a scan of
the whole table."""

import json

import pytest
from django.db import connection

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ROWS = 30_000


def _fill(user_id: int) -> None:
    with connection.cursor() as cursor:
        # Rows of 400 announcements and of other kinds of message, as the outbox holds them.
        cursor.execute(
            """insert into notifications_outboxmessage (key, to_email, kind, channel, webhook_url, subject,
               body_text, body_html, attachments, renderer, render_context, status, attempts, last_error, created_at,
               in_doubt)
               select case when g %% 3 = 0 then 'registration-confirmed:' || g
                           else 'announcement:' || (g %% 400) || ':' || g end,
                      'a@example.org', 'announcement', 'email', '', 's', 't', '', '[]', '', '{}', 'sent', 1, '', now(),
                      false
               from generate_series(1, %s) g""",
            [ROWS],
        )
        cursor.execute(
            """insert into notifications_inboxitem (key, user_id, kind, title, body_html, url, created_at)
               select 'announcement:' || (g %% 400) || ':' || g, %s, 'announcement', 't', '', '', now()
               from generate_series(1, %s) g""",
            [user_id, ROWS],
        )
        cursor.execute("analyze notifications_outboxmessage")
        cursor.execute("analyze notifications_inboxitem")


def test_delivery_counts_use_the_key_pattern_index(on_postgres):
    from django.test.utils import CaptureQueriesContext

    from sprintlab.announcements.selectors import delivery_stats
    from tests.announcements.factories import AnnouncementFactory

    announcement = AnnouncementFactory()
    _fill(UserFactory().pk)
    with CaptureQueriesContext(connection) as queries:
        stats = delivery_stats(announcement)
    assert stats.email_total + stats.inbox > 0  # the rows of this announcement are found
    plans = {}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            plans[query["sql"]] = json.dumps(cursor.fetchone()[0])
    assert len(plans) == 2
    for table in ("notifications_outboxmessage", "notifications_inboxitem"):
        [plan] = [plan for sql, plan in plans.items() if f'FROM "{table}"' in sql]
        assert f'"Index Name": "{table}_key_' in plan and '_like"' in plan, plan
        assert "Seq Scan" not in plan, plan
