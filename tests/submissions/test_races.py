"""Saves racing each other and the deadline, through gunicorn and PostgreSQL.

Teammates save at the same moment: every save becomes its own version, numbered without gaps.
Then many saves arrive around the deadline itself: each is either kept (and was written before
submissions closed) or refused with 409 and leaves nothing behind — no version, no file, no 500.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from django.utils import timezone

from sprintlab.submissions.models import Submission, SubmissionVersion, private_storage
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.helpers import api_key_for
from tests.submissions import factories as f
from tests.teams.factories import add_member

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

TEAMS = 6
MEMBERS = 3
PDF = sample_pdf("Race", ["Saved at the last second."], pages=2)


@pytest.fixture(autouse=True)
def private_files():
    """The server writes to the test settings' private folder, and this module reads it there."""


@pytest.fixture(scope="module")
def server_url(gunicorn_api):
    return f"{gunicorn_api}/submissions"


def _post(url: str, token: str, title: str) -> int:
    response = httpx.post(
        url,
        data={"title": title, "abstract": "Racing the deadline.", "info_hazard": "none"},
        files={"report": ("report.pdf", PDF, "application/pdf")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return response.status_code


def _teams(sprint):
    teams = []
    for _ in range(TEAMS):
        team = f.team_in(sprint)
        people = [team.lead] + [add_member(team) for _ in range(MEMBERS - 1)]
        teams.append((team, [api_key_for(person) for person in people]))
    return teams


def _send_together(calls) -> list[int]:
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(run, calls))


def _report_files() -> set[str]:
    try:
        return set(private_storage().listdir("submissions/reports")[1])
    except FileNotFoundError:
        return set()


def test_teammates_saving_together_each_get_a_version(server_url):
    sprint = f.running_sprint()
    teams = _teams(sprint)
    url = f"{server_url}/sprints/{sprint.slug}/mine"
    calls = [
        (lambda token=token, n=n: _post(url, token, f"Save {n}"))
        for _team, tokens in teams
        for n, token in enumerate(tokens)
    ]
    statuses = _send_together(calls)
    assert sorted(set(statuses)) in ([200, 201], [201])
    assert statuses.count(201) == TEAMS
    for team, _tokens in teams:
        submission = Submission.objects.get(team=team)
        numbers = sorted(submission.versions.values_list("number", flat=True))
        assert numbers == list(range(1, MEMBERS + 1)) and submission.version_count == MEMBERS


def test_saves_around_the_deadline_are_kept_or_refused_whole(server_url):
    now = timezone.now()
    sprint = f.running_sprint(submission_deadline_at=now + timedelta(seconds=4))
    teams = _teams(sprint)
    url = f"{server_url}/sprints/{sprint.slug}/mine"
    files_before = _report_files()
    deadline = sprint.submission_deadline_at.timestamp()
    calls = []
    for index, (_team, tokens) in enumerate(teams):
        for n, token in enumerate(tokens):
            offset = ((index * MEMBERS + n) % 7 - 3) * 0.15  # from 0.45 s before the deadline to 0.45 s after
            calls.append(lambda token=token, offset=offset: (time.sleep(max(0.0, deadline + offset - time.time())),
                                                              _post(url, token, "At the deadline"))[1])  # fmt: skip
    statuses = _send_together(calls)
    assert set(statuses) <= {200, 201, 409}, statuses
    kept = statuses.count(200) + statuses.count(201)
    assert 0 < kept < len(statuses), statuses
    versions = SubmissionVersion.objects.filter(submission__sprint=sprint)
    assert versions.count() == kept
    assert not versions.filter(created_at__gte=sprint.submission_deadline_at).exists()
    for submission in Submission.objects.filter(sprint=sprint):
        assert sorted(submission.versions.values_list("number", flat=True)) == list(
            range(1, submission.version_count + 1)
        )
    # Refused saves removed the files they had stored: only kept versions' reports are new.
    new_files = _report_files() - files_before
    named = {name.rsplit("/", 1)[-1] for name in versions.values_list("report", flat=True)}
    assert new_files == named
