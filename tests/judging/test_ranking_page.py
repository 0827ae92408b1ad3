"""The organisers' ranking page, the scores CSV (a ``sprintlab rank`` input) and the ranking API."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sprintlab.judging.models import Review, Score
from tests.factories import UserFactory
from tests.helpers import bearer_for
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    make_judge,
    make_organiser,
)

pytestmark = pytest.mark.django_db

# Each judge's scores (rigour, novelty) of the four submissions: "Winner" is best for everyone.
SCORES = {
    "Winner": [(5, 5), (5, 4), (5, 5)],
    "Runner": [(3, 3), (3, 2), (2, 3)],
    "Middle": [(2, 3), (3, 3), (2, 2)],
    "Last": [(1, 1), (1, 2), (2, 1)],
}


def review(submission, judge, values: dict, *, completed=True) -> Review:
    made = Review.objects.create(
        sprint=submission.sprint,
        submission=submission,
        judge=judge,
        completed_at=timezone.now() if completed else None,
    )
    for criterion, value in values.items():
        Score.objects.create(review=made, criterion=criterion, value=Decimal(value))
    return made


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def judged():
    sprint = JudgingSprintFactory()
    rigour = CriterionFactory(sprint=sprint, name="Rigour", position=0)
    novelty = CriterionFactory(sprint=sprint, name="Novelty", position=1, weight=Decimal("2"))
    judges = [make_judge(sprint, UserFactory(display_name=f"Judge {name}")) for name in ("Ada", "Bob", "Cy")]
    submissions = {}
    for title, per_judge in SCORES.items():
        submissions[title] = SubmissionFactory(sprint=sprint, title=title)
        for judge, (r, n) in zip(judges, per_judge, strict=True):
            review(submissions[title], judge, {rigour: r, novelty: n})
    review(submissions["Last"], make_judge(sprint), {rigour: 5}, completed=False)  # never counted
    return {
        "sprint": sprint,
        "submissions": submissions,
        "judges": judges,
        "criteria": (rigour, novelty),
        "organiser": make_organiser(sprint),
    }


def page_url(sprint, name="ranking"):
    return reverse(f"judging:{name}", kwargs={"slug": sprint.slug})


def get_page(client, world, **params):
    client.force_login(world["organiser"])
    response = client.get(page_url(world["sprint"]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_organiser_sees_the_submissions_best_first_with_a_clear_winner(client, judged):
    page = get_page(client, judged)
    table = page[page.index("<tbody>") : page.index("</tbody>")]
    assert [table.index(title) for title in SCORES] == sorted(table.index(title) for title in SCORES)
    assert "100%" in table  # the winner is in the top 3 in every resample
    assert "Where judges disagree most" in page and "Where one more review helps most" in page
    assert 'class="table-wrap"' in page
    assert page_url(judged["sprint"]) in get_page(client, judged).split("<h1>")[1]  # in the organisers' nav


@pytest.mark.parametrize("method", ["raw", "zscore", "calibrated", "bogus", "x" * 5000])
def test_every_method_and_unknown_ones_render(client, judged, method):
    page = get_page(client, judged, method=method)
    assert page.index("Winner") < page.index("Last")
    shown = method if method in ("raw", "zscore") else "calibrated"
    assert f'href="?method={shown}" aria-current="page"' in page


def test_judges_and_participants_are_refused(client, judged):
    participant = judged["submissions"]["Winner"].team.lead
    for user in (judged["judges"][0], participant):
        client.force_login(user)
        for name in ("ranking", "scores_csv"):
            assert client.get(page_url(judged["sprint"], name)).status_code == 403


def test_before_any_completed_review_the_page_says_so(client):
    sprint = JudgingSprintFactory()
    criterion = CriterionFactory(sprint=sprint)
    review(SubmissionFactory(sprint=sprint), make_judge(sprint), {criterion: 4}, completed=False)
    page = get_page(client, {"sprint": sprint, "organiser": make_organiser(sprint)})
    assert "No review is complete yet" in page and "<tbody>" not in page


def test_a_new_completed_review_changes_the_cached_page(client, judged):
    assert get_page(client, judged).count("<td>3</td>") >= 4  # three reviews each
    newcomer = SubmissionFactory(sprint=judged["sprint"], title="Newcomer")
    assert "Newcomer" not in get_page(client, judged)
    rigour, novelty = judged["criteria"]
    review(newcomer, judged["judges"][0], {rigour: 4, novelty: 4})
    assert "Newcomer" in get_page(client, judged)


def test_the_warning_names_the_places_that_cannot_be_told_apart(client):
    sprint = JudgingSprintFactory()
    criterion = CriterionFactory(sprint=sprint)
    judges = [make_judge(sprint) for _ in range(2)]
    for index in range(4):
        submission = SubmissionFactory(sprint=sprint, title=f"Tied {'ABCD'[index]}")
        for judge, value in zip(judges, (3 + index % 2, 4 - index % 2), strict=True):
            review(submission, judge, {criterion: value})
    organiser = make_organiser(sprint)
    page = get_page(client, {"sprint": sprint, "organiser": organiser})
    assert "ranking-warning" in page and "cannot be told apart" in page
    # Named by title, not by id, on the page and in the API.
    (api_warning, *_rest) = api_get(client, {"sprint": sprint}, organiser).json()["warnings"]
    assert api_warning in page
    named = api_warning.split("intervals of ")[1].split(" overlap")[0]
    assert named.replace(",", "").replace(" and ", " ").split() == ["Tied", "A", "Tied", "B", "Tied", "C"]


def exported_rows(client, world):
    client.force_login(world["organiser"])
    response = client.get(page_url(world["sprint"], "scores_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return text, list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_the_scores_csv_has_one_row_per_judge_submission_and_criterion(client, judged):
    _text, rows = exported_rows(client, judged)
    assert list(rows[0]) == [
        "judge",
        "submission",
        "criterion",
        "score",
        "judge_name",
        "submission_title",
        "criterion_name",
    ]
    assert len(rows) == 4 * 3 * 2  # the half-scored review is left out
    winner = judged["submissions"]["Winner"]
    ada = judged["judges"][0]
    first = next(r for r in rows if r["submission"] == str(winner.pk) and r["judge"] == str(ada.pk))
    assert first | {"score": float(first["score"])} == {
        "judge": str(ada.pk),
        "submission": str(winner.pk),
        "criterion": str(judged["criteria"][0].pk),
        "score": 5.0,
        "judge_name": "Judge Ada",
        "submission_title": "Winner",
        "criterion_name": "Rigour",
    }


def test_a_formula_in_a_title_is_defused(client, judged):
    judged["submissions"]["Last"].title = "=HYPERLINK(1)"
    judged["submissions"]["Last"].save(update_fields=["title"])
    _text, rows = exported_rows(client, judged)
    assert {r["submission_title"] for r in rows} >= {"'=HYPERLINK(1)"}


def test_the_export_round_trips_through_sprintlab_rank(client, judged, tmp_path):
    text, _rows = exported_rows(client, judged)
    scores = tmp_path / "scores.csv"
    scores.write_text(text, encoding="utf-8")
    out = tmp_path / "ranking.csv"
    call_command("rank", "--scores", str(scores), "--out", str(out), stdout=io.StringIO())
    ranked = list(csv.DictReader(out.open(encoding="utf-8")))
    assert ranked[0]["submission"] == str(judged["submissions"]["Winner"].pk)
    assert ranked[-1]["submission"] == str(judged["submissions"]["Last"].pk)


def api_get(client, world, user, **params):
    url = f"/api/v1/sprints/{world['sprint'].slug}/judging/ranking"
    return client.get(url, params, headers=bearer_for(user))


def test_the_api_gives_the_same_report(client, judged):
    response = api_get(client, judged, judged["organiser"], method="raw")
    assert response.status_code == 200
    body = response.json()
    assert body["method"] == "raw" and isinstance(body["warnings"], list)
    assert [row["title"] for row in body["rows"]] == list(SCORES)
    winner = body["rows"][0]
    assert set(winner) == {"submission", "title", "place", "score", "low", "high", "top_probability", "reviews"}
    assert winner["submission"] == judged["submissions"]["Winner"].pk and winner["reviews"] == 3
    assert winner["low"] <= winner["score"] <= winner["high"] and winner["top_probability"] == 1.0
    assert all(set(d) == {"submission", "title", "spread", "totals"} for d in body["disagreements"])
    totals = body["disagreements"][0]["totals"]
    assert {t["name"] for t in totals} == {"Judge Ada", "Judge Bob", "Judge Cy"}
    assert {t["judge"] for t in totals} == {judge.pk for judge in judged["judges"]}
    assert all(s["reason"] for s in body["next_reviews"])
    assert api_get(client, judged, judged["organiser"], method="bogus").json()["method"] == "calibrated"


def test_the_api_refuses_judges_and_participants_and_is_empty_before_reviews(client, judged):
    participant = judged["submissions"]["Winner"].team.lead
    for user in (judged["judges"][0], participant):
        assert api_get(client, judged, user).status_code == 403
    sprint = JudgingSprintFactory()
    empty = api_get(client, {"sprint": sprint}, make_organiser(sprint)).json()
    assert empty == {"method": "calibrated", "rows": [], "warnings": [], "disagreements": [], "next_reviews": []}
