"""Pairwise answers racing each other, through gunicorn and PostgreSQL: a judge with two tabs (or a
double tap) gets one offer, and the same answer sent twice at once is recorded once (the other 409),
never a 500."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.judging.models import Comparison, PairOffer
from tests.helpers import api_key_for
from tests.judging.factories import JudgingSprintFactory, SubmissionFactory, judging_settings, make_judge

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 6


def _call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _together(calls):
    barrier = threading.Barrier(len(calls))

    def send(call):
        barrier.wait()
        return _call(*call)

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def test_two_tabs_get_one_offer_and_the_same_answer_twice_counts_once(gunicorn_api):
    sprint = JudgingSprintFactory()
    judging_settings(sprint, pairwise_mode=True)
    for _ in range(5):
        SubmissionFactory(sprint=sprint)
    judge = make_judge(sprint, affiliation="")
    token = api_key_for(judge)
    base = f"{gunicorn_api}/sprints/{sprint.slug}/judging"
    for round_ in range(ROUNDS):
        offers = _together([("GET", f"{base}/pairs/next", token)] * 3)
        assert all(status == 200 for status, _body in offers), offers
        pairs = {(body["left"]["id"], body["right"]["id"]) for _status, body in offers}
        assert len(pairs) == 1 and PairOffer.objects.filter(judge=judge).count() == 1, offers
        left, right = pairs.pop()
        answer = {"left_id": left, "right_id": right, "winner_id": left}
        results = _together([("POST", f"{base}/comparisons", token, answer)] * 2)
        assert sorted(status for status, _body in results) == [201, 409], results
        assert Comparison.objects.filter(judge=judge).count() == round_ + 1
