"""/api/v1 pairwise mode: a judge's next pair (204 when none is left), their answer with JSON errors
per field, and the organisers' ranking; the same permissions as the pages."""

import json

import pytest

from sprintlab.judging.models import Comparison, PairOffer
from tests.factories import StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.judging.factories import (
    SubmissionFactory,
    judging_settings,
    make_judge,
    make_organiser,
    pairwise_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return pairwise_world()


def base(world):
    return f"/api/v1/sprints/{world['sprint'].slug}/judging"


def call(client, method, url, user=None, body=None, raw=None):
    headers = bearer_for(user) if user else {}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    kwargs = {"content_type": "application/json", "data": data} if data is not None else {}
    return getattr(client, method)(url, headers=headers, **kwargs)


def test_a_judge_compares_through_the_api_until_no_pair_is_left(client, world):
    for count in range(3):
        pair = call(client, "get", f"{base(world)}/pairs/next", world["judge"])
        assert pair.status_code == 200
        body = pair.json()
        assert body["compared"] == count and body["left"]["id"] != body["right"]["id"]
        assert set(body["left"]) == {"id", "title", "abstract", "track", "report_url", "code_url"}
        again = call(client, "get", f"{base(world)}/pairs/next", world["judge"]).json()
        assert (again["left"]["id"], again["right"]["id"]) == (body["left"]["id"], body["right"]["id"])
        answer = {"left_id": body["left"]["id"], "right_id": body["right"]["id"], "winner_id": body["right"]["id"]}
        made = call(client, "post", f"{base(world)}/comparisons", world["judge"], answer)
        assert made.status_code == 201
        assert {k: made.json()[k] for k in answer} == answer
    done = call(client, "get", f"{base(world)}/pairs/next", world["judge"])
    assert done.status_code == 204 and done.content == b""
    assert Comparison.objects.filter(judge=world["judge"]).count() == 3


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"left_id": "OFFER_LEFT", "right_id": "OFFER_RIGHT", "winner_id": "OTHER"}, 400, "winner_id"),
        ({"left_id": "OFFER_LEFT", "right_id": "OFFER_LEFT", "winner_id": "OFFER_LEFT"}, 400, "right_id"),
        ({"left_id": "ELSEWHERE", "right_id": "OFFER_RIGHT", "winner_id": "OFFER_RIGHT"}, 400, "left_id"),
        ({"left_id": 987654321, "right_id": "OFFER_RIGHT", "winner_id": "OFFER_RIGHT"}, 400, "left_id"),
        ({"left_id": "OFFER_LEFT", "right_id": "OTHER", "winner_id": "OTHER"}, 409, None),
        ({"left_id": 2**70, "right_id": "OFFER_RIGHT", "winner_id": "OFFER_RIGHT"}, 422, None),
        ({"left_id": "\u0000", "right_id": "OFFER_RIGHT", "winner_id": "OFFER_RIGHT"}, 422, None),
        ({"left_id": "OFFER_LEFT"}, 422, None),
    ],
)
def test_bad_answers_are_json_errors_and_change_nothing(client, world, body, status, field):
    offer = call(client, "get", f"{base(world)}/pairs/next", world["judge"]).json()
    other = next(s.pk for s in world["submissions"] if s.pk not in (offer["left"]["id"], offer["right"]["id"]))
    names = {
        "OFFER_LEFT": offer["left"]["id"],
        "OFFER_RIGHT": offer["right"]["id"],
        "OTHER": other,
        "ELSEWHERE": SubmissionFactory().pk,
    }
    sent = {k: names.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    response = call(client, "post", f"{base(world)}/comparisons", world["judge"], sent)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    if field:
        assert field in response.json()["errors"]
    assert not Comparison.objects.exists()


def test_a_body_that_is_not_json_is_a_json_error(client, world):
    response = call(client, "post", f"{base(world)}/comparisons", world["judge"], raw="{not json")
    assert 400 <= response.status_code < 500 and response.json()["detail"]


def test_pairwise_mode_off_is_409(client, world):
    judging_settings(world["sprint"], pairwise_mode=False)
    response = call(client, "get", f"{base(world)}/pairs/next", world["judge"])
    assert response.status_code == 409 and "pairwise mode" in response.json()["detail"]
    assert not PairOffer.objects.exists()


def test_organisers_read_the_pairwise_ranking(client, world):
    a, b, _c = world["submissions"]
    Comparison.objects.create(sprint=world["sprint"], judge=world["judge"], left=a, right=b, winner=b)
    response = call(client, "get", f"{base(world)}/pairwise-ranking", make_organiser(world["sprint"]))
    assert response.status_code == 200
    body = response.json()
    assert body["pairwise_mode"] is True and body["comparisons"] == 1
    assert body["rows"][0]["submission"] == b.pk and body["rows"][0]["wins"] == 1
    assert [row["place"] for row in body["rows"]] == [1, 2, 3]


@pytest.mark.parametrize("role", ["anonymous", "participant", "judge", "conflicted_judge", "organiser", "staff"])
def test_permission_matrix(client, world, role):
    sprint, first = world["sprint"], world["submissions"][0]
    author = first.team.lead
    author.affiliation = "Author University"
    author.save()
    people = {
        "anonymous": None,
        "participant": UserFactory(),
        "judge": world["judge"],
        "conflicted_judge": make_judge(sprint, affiliation="Author University"),
        "organiser": make_organiser(sprint),
        "staff": StaffFactory(),
    }
    user = people[role]
    pair = call(client, "get", f"{base(world)}/pairs/next", user)
    ranking = call(client, "get", f"{base(world)}/pairwise-ranking", user)
    if role in ("judge", "conflicted_judge"):
        assert pair.status_code == 200
        sides = (pair.json()["left"]["id"], pair.json()["right"]["id"])
        assert role == "judge" or first.pk not in sides  # never a conflicted submission
        forced = {"left_id": first.pk, "right_id": world["submissions"][1].pk, "winner_id": first.pk}
        PairOffer.objects.filter(judge=user).update(left=first, right=world["submissions"][1])
        answer = call(client, "post", f"{base(world)}/comparisons", user, forced)
        assert answer.status_code == (201 if role == "judge" else 409)
    else:
        expected = 401 if role == "anonymous" else 403
        assert pair.status_code == expected
        answer = call(
            client,
            "post",
            f"{base(world)}/comparisons",
            user,
            {"left_id": first.pk, "right_id": world["submissions"][1].pk, "winner_id": first.pk},
        )
        assert answer.status_code == expected
    assert ranking.status_code == {"organiser": 200, "staff": 200, "anonymous": 401}.get(role, 403)


def test_organisers_turn_pairwise_mode_off_through_the_api(client, world):
    url = f"{base(world)}/settings"
    assert call(client, "patch", url, world["judge"], {"pairwise_mode": False}).status_code == 403
    response = call(client, "patch", url, make_organiser(world["sprint"]), {"pairwise_mode": False})
    assert response.status_code == 200 and response.json()["pairwise_mode"] is False
    assert call(client, "get", f"{base(world)}/pairs/next", world["judge"]).status_code == 409
