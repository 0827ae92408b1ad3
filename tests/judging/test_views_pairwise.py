"""Pairwise mode's pages: the queue's way in, the compare page (both projects, their reports, the two
buttons, the next pair), refusals as 4xx with nothing changed, and the organisers' ranking section."""

import pytest
from django.core.files.base import ContentFile

from sprintlab.judging.models import Comparison, PairOffer
from sprintlab.library.pdf import tiny_report_pdf
from sprintlab.submissions.models import SubmissionVersion
from tests.factories import StaffFactory, UserFactory
from tests.judging.factories import (
    judging_settings,
    make_judge,
    make_organiser,
    pairwise_world,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return pairwise_world()


def url(world, name=""):
    return f"/sprints/{world['sprint'].slug}/judging/{name}"


def with_report(submission) -> SubmissionVersion:
    version = SubmissionVersion(submission=submission, number=1, title=submission.title, abstract=submission.abstract)
    pdf = tiny_report_pdf(title=submission.title, authors=["A"], body="Results.")
    version.report.save("report.pdf", ContentFile(pdf), save=False)
    version.report_size = len(pdf)
    version.save()
    return version


def test_the_queue_offers_comparisons_only_in_pairwise_mode(client, world):
    client.force_login(world["judge"])
    assert "Compare two projects" in client.get(url(world, "queue/")).text
    judging_settings(world["sprint"], pairwise_mode=False)
    assert "Compare two projects" not in client.get(url(world, "queue/")).text


def test_a_judge_compares_a_pair_and_gets_the_next_one(client, world):
    versions = {s.pk: with_report(s) for s in world["submissions"]}
    client.force_login(world["judge"])
    page = client.get(url(world, "compare/"))
    assert page.status_code == 200
    offer = PairOffer.objects.get(judge=world["judge"])
    for letter, side in (("A", offer.left), ("B", offer.right)):
        assert side.title in page.text and f"Report {letter} (PDF)" in page.text
        report = f"/sprints/{world['sprint'].slug}/submissions/files/{versions[side.pk].pk}/report.pdf"
        assert report in page.text
        assert client.get(report).status_code == 200  # a judge offered the pair reads both reports
    assert "A is better" in page.text and "B is better" in page.text

    answered = client.post(
        url(world, "compare/answer/"), {"left": offer.left_id, "right": offer.right_id, "winner": offer.right_id}
    )
    assert answered.status_code == 302 and answered["Location"] == url(world, "compare/")
    comparison = Comparison.objects.get(judge=world["judge"])
    assert (comparison.left_id, comparison.right_id, comparison.winner_id) == (
        offer.left_id,
        offer.right_id,
        offer.right_id,
    )
    following = client.get(url(world, "compare/"))
    assert "1 pair compared" in following.text
    new = PairOffer.objects.get(judge=world["judge"])
    assert {new.left_id, new.right_id} != {offer.left_id, offer.right_id}


def test_when_every_pair_is_compared_the_page_says_so(client, world):
    client.force_login(world["judge"])
    for _ in range(3):
        client.get(url(world, "compare/"))
        offer = PairOffer.objects.get(judge=world["judge"])
        client.post(
            url(world, "compare/answer/"), {"left": offer.left_id, "right": offer.right_id, "winner": offer.left_id}
        )
    assert "You have compared every pair you may" in client.get(url(world, "compare/")).text


@pytest.mark.parametrize(
    ("answer", "status", "message"),
    [
        ({"left": "x\x00", "right": "1", "winner": "1"}, 400, "Remove the NUL character"),
        ({"left": "x", "right": "1", "winner": "1"}, 400, "Enter a whole number"),
        ({"left": "99999999999999999999999", "right": "1", "winner": "1"}, 400, "less than or equal"),
        ({"left": "OFFER_LEFT", "right": "OFFER_RIGHT"}, 400, "Choose A or B."),
        ({"left": "OFFER_LEFT", "right": "OFFER_RIGHT", "winner": "OTHER"}, 400, "must be one of the two"),
        ({"left": "OFFER_LEFT", "right": "OTHER", "winner": "OTHER"}, 409, "not the pair you were offered"),
        ({"left": "OFFER_LEFT", "right": "OFFER_RIGHT", "winner": "987654"}, 400, "this sprint"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_change_nothing(client, world, answer, status, message):
    client.force_login(world["judge"])
    client.get(url(world, "compare/"))
    offer = PairOffer.objects.get(judge=world["judge"])
    other = next(s for s in world["submissions"] if s.pk not in (offer.left_id, offer.right_id))
    names = {"OFFER_LEFT": offer.left_id, "OFFER_RIGHT": offer.right_id, "OTHER": other.pk}
    response = client.post(url(world, "compare/answer/"), {k: names.get(v, v) for k, v in answer.items()})
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Comparison.objects.exists()


def test_the_page_explains_when_pairwise_mode_is_off(client, world):
    judging_settings(world["sprint"], pairwise_mode=False)
    client.force_login(world["judge"])
    response = client.get(url(world, "compare/"))
    assert response.status_code == 409 and "pairwise mode" in response.text
    assert not PairOffer.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "participant", "organiser", "staff"])
def test_only_judges_open_the_compare_page(client, world, role):
    if role != "anonymous":
        person = {
            "participant": UserFactory,
            "organiser": lambda: make_organiser(world["sprint"]),
            "staff": StaffFactory,
        }[role]()
        client.force_login(person)
    page = client.get(url(world, "compare/"))
    answer = client.post(url(world, "compare/answer/"), {"left": 1, "right": 2, "winner": 1})
    expected = 302 if role == "anonymous" else 403
    assert page.status_code == expected and answer.status_code == expected
    assert not PairOffer.objects.exists() and not Comparison.objects.exists()


def test_the_ranking_page_shows_the_pairwise_ranking_in_pairwise_mode(client, world):
    a, b, c = world["submissions"]
    for judge in [world["judge"], make_judge(world["sprint"], affiliation="")]:
        Comparison.objects.create(sprint=world["sprint"], judge=judge, left=a, right=b, winner=b)
        Comparison.objects.create(sprint=world["sprint"], judge=judge, left=b, right=c, winner=b)
    client.force_login(make_organiser(world["sprint"]))
    page = client.get(url(world, "ranking/")).text
    assert "Pairwise ranking" in page and "from 4 comparisons" in page
    table = page[page.index("pairwise-table") :]
    assert table.index("Project 1") < table.index("Project 0")  # b won all four
    judging_settings(world["sprint"], pairwise_mode=False)
    assert "Pairwise ranking" not in client.get(url(world, "ranking/")).text


def test_organisers_turn_pairwise_mode_on_and_off_on_the_settings_page(client, world):
    sprint = world["sprint"]
    fields = {"reviews_per_submission": 3, "load_cap": 8, "nominations_per_site": 3}
    client.force_login(world["judge"])
    assert client.post(url(world, "settings/"), {**fields, "pairwise_mode": "on"}).status_code == 403
    client.force_login(make_organiser(sprint))
    assert client.post(url(world, "settings/"), fields).status_code == 302
    sprint.judging_settings.refresh_from_db()
    assert sprint.judging_settings.pairwise_mode is False
    assert client.post(url(world, "settings/"), {**fields, "pairwise_mode": "on"}).status_code == 302
    sprint.judging_settings.refresh_from_db()
    assert sprint.judging_settings.pairwise_mode is True
