"""/api/v1 judging: the same rules as the pages, errors as JSON, bad scores refused with nothing changed."""

import json

import pytest

from sprintlab.judging.models import Bid, Criterion, JudgeInvitation, Review, Score
from sprintlab.judging.services import judge_invite
from sprintlab.notifications.models import OutboxMessage
from sprintlab.sprints.models import SprintMembership, SprintRole
from tests.factories import StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    assign,
    judging_settings,
    make_judge,
    make_organiser,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    sprint = JudgingSprintFactory()
    submission = SubmissionFactory(sprint=sprint)
    criterion = CriterionFactory(sprint=sprint)
    judge = make_judge(sprint, affiliation="")
    assign(submission, judge)
    return {"sprint": sprint, "submission": submission, "criterion": criterion, "judge": judge}


def base(world):
    return f"/api/v1/sprints/{world['sprint'].slug}"


def call(client, method, url, user=None, body=None):
    headers = bearer_for(user) if user else {}
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(url, headers=headers, **kwargs)


def score_url(world, kind="global"):
    return f"{base(world)}/judging/reviews/{world['submission'].pk}/{kind}/scores/{world['criterion'].pk}"


def test_a_judge_scores_through_the_api(client, world):
    response = call(client, "put", score_url(world), world["judge"], {"value": 4})
    assert response.status_code == 200 and response.json() == {"criterion": world["criterion"].pk, "value": "4.0"}
    review = call(
        client,
        "patch",
        f"{base(world)}/judging/reviews/{world['submission'].pk}/global",
        world["judge"],
        {"feedback": "Good", "private_note": "Hm", "info_hazard_flag": True, "complete": True},
    )
    assert review.status_code == 200 and review.json()["completed_at"]
    queue = call(client, "get", f"{base(world)}/judging/queue", world["judge"]).json()
    assert (queue["total"], queue["done"]) == (1, 1)


@pytest.mark.parametrize("value", ["NaN", "Infinity", 1e308, 10**40, -1, 6, 3.5, 3.0001, "3", None, True])
def test_bad_scores_are_refused_and_change_nothing(client, world, value):
    call(client, "put", score_url(world), world["judge"], {"value": 2})
    raw = json.dumps({"value": value}) if value not in ("NaN", "Infinity") else f'{{"value": {value}}}'
    response = client.put(score_url(world), raw, content_type="application/json", headers=bearer_for(world["judge"]))
    assert response.status_code in (400, 422), response.content
    body = response.json()
    assert body["detail"] and "errors" in body
    assert Score.objects.get().value == 2


def test_nul_in_feedback_is_refused(client, world):
    response = call(
        client,
        "patch",
        f"{base(world)}/judging/reviews/{world['submission'].pk}/global",
        world["judge"],
        {"feedback": "a\u0000b"},
    )
    assert response.status_code == 422 and "NUL" in response.json()["errors"]["feedback"][0]
    assert not Review.objects.exists()


def test_scoring_unassigned_or_conflicted_is_refused(client, world):
    other = make_judge(world["sprint"])
    assert call(client, "put", score_url(world), other, {"value": 3}).status_code == 403
    author = make_judge(world["sprint"], world["submission"].team.lead)
    assign(world["submission"], author)
    response = call(client, "put", score_url(world), author, {"value": 3})
    assert response.status_code == 409 and "conflict" in response.json()["detail"]
    assert call(client, "put", score_url(world, "nonsense"), world["judge"], {"value": 3}).status_code == 404
    assert not Review.objects.exists()


def test_organiser_reads_and_judges_do_not(client, world):
    organiser = make_organiser(world["sprint"])
    for path in ("/judges", "/judging/progress", "/judging/settings", "/judge-invitations"):
        assert call(client, "get", base(world) + path, organiser).status_code == 200, path
        assert call(client, "get", base(world) + path, world["judge"]).status_code == 403, path
        assert call(client, "get", base(world) + path).status_code == 401, path
    judges = call(client, "get", base(world) + "/judges", organiser).json()
    assert judges[0]["id"] == world["judge"].pk and judges[0]["assigned"] == 1


def test_reviews_show_private_notes_to_organisers_only(client, world):
    call(
        client,
        "patch",
        f"{base(world)}/judging/reviews/{world['submission'].pk}/global",
        world["judge"],
        {"private_note": "Secret"},
    )
    organiser = make_organiser(world["sprint"])
    assert call(client, "get", f"{base(world)}/judging/reviews", organiser).json()[0]["private_note"] == "Secret"
    other = make_judge(world["sprint"])
    assert call(client, "get", f"{base(world)}/judging/reviews", other).json() == []
    assert call(client, "get", f"{base(world)}/judging/reviews", UserFactory()).status_code == 403


def test_invitations_through_the_api(client, world):
    organiser = make_organiser(world["sprint"])
    response = call(client, "post", base(world) + "/judge-invitations", organiser, {"email": "ada@example.org"})
    assert response.status_code == 201 and "token" not in response.json()
    assert OutboxMessage.objects.filter(to_email="ada@example.org").exists()
    again = call(client, "post", base(world) + "/judge-invitations", organiser, {"email": "ada@example.org"})
    assert again.status_code == 409
    invitation = JudgeInvitation.objects.get()
    withdrawn = call(client, "post", f"{base(world)}/judge-invitations/{invitation.pk}/withdraw", organiser)
    assert withdrawn.json()["status"] == "withdrawn"
    sent = judge_invite(actor=organiser, sprint=world["sprint"], email="bob@example.org")
    bob = UserFactory()
    accepted = call(client, "post", "/api/v1/judge-invitations/accept", bob, {"token": sent.token})
    assert accepted.json() == {"sprint": world["sprint"].slug}
    assert SprintMembership.objects.filter(user=bob, role=SprintRole.JUDGE).exists()
    assert call(client, "post", "/api/v1/judge-invitations/accept", bob, {"token": "nope"}).status_code == 404


def test_expertise_conflicts_and_bids(client, world):
    judge = world["judge"]
    profile = call(
        client,
        "put",
        "/api/v1/me/judge-profile",
        judge,
        {"expertise_tags": ["Evals"], "links": ["https://example.org"], "conflict_people": ["someone"]},
    )
    assert profile.status_code == 200 and profile.json()["expertise_tags"] == ["evals"]
    bad = call(client, "put", "/api/v1/me/judge-profile", judge, {"links": ["nope"]})
    assert bad.status_code == 400 and "links" in bad.json()["errors"]
    other = SubmissionFactory(sprint=world["sprint"])
    bid = call(client, "put", f"{base(world)}/judging/bids/{other.pk}", judge, {"level": "eager"})
    assert bid.json() == {"submission": other.pk, "level": "eager"}
    assert call(client, "get", f"{base(world)}/judging/bids", judge).json() == [
        {"submission": other.pk, "level": "eager"}
    ]
    assert (
        call(client, "put", f"{base(world)}/judging/bids/{other.pk}", UserFactory(), {"level": "eager"}).status_code
        == 403
    )
    assert Bid.objects.count() == 1
    author = make_judge(world["sprint"], other.team.lead)
    conflicts = call(client, "get", f"{base(world)}/judging/conflicts", StaffFactory()).json()
    assert {
        "submission": other.pk,
        "judge": author.pk,
        "reasons": ["The judge is one of this submission's team."],
    } in conflicts
    assert call(client, "get", f"{base(world)}/judging/conflicts", judge).json() == []


def test_criteria_and_assignments(client, world):
    organiser = make_organiser(world["sprint"])
    made = call(
        client, "post", base(world) + "/criteria", organiser, {"name": "Novelty", "levels": {"1": "Old", "5": "New"}}
    )
    assert made.status_code == 201
    criterion_id = made.json()["id"]
    refused = call(client, "post", base(world) + "/criteria", organiser, {"name": "X", "scale_min": 5, "scale_max": 2})
    assert refused.status_code == 400
    assert call(client, "post", base(world) + "/criteria", world["judge"], {"name": "Y"}).status_code == 403
    assert len(call(client, "get", base(world) + "/criteria", world["judge"]).json()) == 2
    changed = call(
        client, "put", f"{base(world)}/criteria/{criterion_id}", organiser, {"name": "Newness", "weight": "2"}
    )
    assert changed.json()["name"] == "Newness"
    assert call(client, "delete", f"{base(world)}/criteria/{criterion_id}", organiser).status_code == 204
    assert not Criterion.objects.filter(pk=criterion_id).exists()
    mine = call(client, "get", base(world) + "/judging/assignments", world["judge"]).json()
    assert [a["submission"] for a in mine] == [world["submission"].pk] and mine[0]["reason"]
    second = make_judge(world["sprint"], affiliation="")
    added = call(
        client,
        "post",
        base(world) + "/judging/assignments",
        organiser,
        {"submission": world["submission"].pk, "judge": second.pk},
    )
    assert added.status_code == 201 and added.json()["source"] == "manual"
    assert call(client, "post", base(world) + "/judging/remind", organiser, {"judges": None}).json() == {"reminded": 0}


def test_pair_rules_assignment_removal_and_nominations(client, world):
    from sprintlab.judging.models import Assignment, Nomination, PairRule
    from sprintlab.registrations.models import Registration
    from tests.factories import LocalSiteFactory, SiteOrganiserFactory
    from tests.judging.factories import judging_settings

    organiser = make_organiser(world["sprint"])
    other = make_judge(world["sprint"], affiliation="")
    rule = call(
        client,
        "post",
        base(world) + "/judging/pair-rules",
        organiser,
        {"submission": world["submission"].pk, "judge": other.pk, "kind": "pin"},
    )
    assert rule.status_code == 200 and rule.json()["kind"] == "pin"
    assert Assignment.objects.filter(judge=other, source="pinned").exists()
    bad = call(
        client,
        "post",
        base(world) + "/judging/pair-rules",
        organiser,
        {"submission": world["submission"].pk, "judge": other.pk, "kind": "maybe"},
    )
    assert bad.status_code == 422
    assert call(client, "delete", f"{base(world)}/judging/pair-rules/{rule.json()['id']}", organiser).status_code == 204
    assert not PairRule.objects.exists()
    pinned = Assignment.objects.get(judge=other)
    assert call(client, "delete", f"{base(world)}/judging/assignments/{pinned.pk}", world["judge"]).status_code == 403
    assert call(client, "delete", f"{base(world)}/judging/assignments/{pinned.pk}", organiser).status_code == 204

    site = LocalSiteFactory(sprint=world["sprint"])
    lead = SiteOrganiserFactory(site=site).user
    Registration.objects.filter(user=world["submission"].team.lead).update(site=site)
    body = {"site": site.pk, "submission": world["submission"].pk}
    assert call(client, "post", base(world) + "/judging/nominations", lead, body).status_code == 409  # no local round
    judging_settings(world["sprint"], local_first_round=True)
    made = call(client, "post", base(world) + "/judging/nominations", lead, body)
    assert made.status_code == 201
    assert call(client, "get", base(world) + "/judging/nominations", organiser).json()[0]["id"] == made.json()["id"]
    assert call(client, "post", base(world) + "/judging/nominations", UserFactory(), body).status_code == 403
    # The global round already reviews it (the judge's assignment): the nomination stays.
    response = call(client, "delete", f"{base(world)}/judging/nominations/{made.json()['id']}", lead)
    assert response.status_code == 409 and Nomination.objects.exists()


def test_organisers_run_the_assignment_through_the_api(client, world):
    url = f"{base(world)}/judging/assignments/run"
    organiser = make_organiser(world["sprint"])
    # Three reviews each (the default) with one judge: refused with the solver's reason, nothing written.
    response = call(client, "post", url, organiser)
    assert response.status_code == 409 and "there is only 1 judge" in response.json()["detail"]
    assert call(client, "post", url, world["judge"]).status_code == 403
    judging_settings(world["sprint"], reviews_per_submission=1, load_cap=2)
    fresh = SubmissionFactory(sprint=world["sprint"])
    response = call(client, "post", url, organiser)
    assert response.status_code == 200
    [pair] = response.json()
    assert pair["submission"] == fresh.pk and pair["reason"].startswith("Match 1 of 1")
