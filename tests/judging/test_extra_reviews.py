"""Asking for one more review: where it helps most, who is asked, refusals, the page's button and the API."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.judging import rankings
from sprintlab.judging.extra_reviews import extra_review_candidates, request_extra_review
from sprintlab.judging.models import Assignment, AssignmentSource, Bid, BidLevel, PairRule, PairRuleKind
from sprintlab.judging.permissions import may_request_extra_review
from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference, OutboxMessage
from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import Sprint
from tests.factories import (
    LocalSiteFactory,
    OrganiserFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import bearer_for
from tests.judging.factories import (
    CriterionFactory,
    JudgingSprintFactory,
    SubmissionFactory,
    judging_settings,
    make_judge,
    make_organiser,
)
from tests.judging.test_ranking_page import review

pytestmark = pytest.mark.django_db

# Two judges who disagree on every submission: the top three of four cannot be settled.
TIED = {"Tied A": (3, 4), "Tied B": (4, 3), "Tied C": (3, 4), "Tied D": (4, 3)}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def world():
    sprint = JudgingSprintFactory()
    criterion = CriterionFactory(sprint=sprint)
    reviewers = [make_judge(sprint, UserFactory(display_name=f"Reviewer {n}"), affiliation="Elsewhere") for n in (1, 2)]
    submissions = {}
    for title, values in TIED.items():
        submission = SubmissionFactory(sprint=sprint, title=title)
        submissions[title] = submission
        for judge, value in zip(reviewers, values, strict=True):
            review(submission, judge, {criterion: Decimal(value)})
            Assignment.objects.create(
                sprint=sprint, submission=submission, judge=judge, source=AssignmentSource.SOLVER, reason="Solver."
            )
    return {
        "sprint": sprint,
        "criterion": criterion,
        "submissions": submissions,
        "reviewers": reviewers,
        "organiser": make_organiser(sprint),
    }


def expert(sprint, **profile):
    """A judge whose expertise matches the factory's submissions ("probing refusal directions")."""
    values = {
        "expertise_tags": ["refusal", "probing"],
        "expertise": "Refusal directions in chat models.",
        "affiliation": "Elsewhere",
    }
    return make_judge(sprint, UserFactory(display_name="Expert"), **(values | profile))


def novice(sprint):
    return make_judge(
        sprint,
        UserFactory(display_name="Novice"),
        expertise_tags=["governance"],
        expertise="Compute governance policy.",
        affiliation="Elsewhere",
    )


def best_suggestion(sprint) -> int:
    return int(rankings.ranking_report(sprint).next_reviews[0].submission)


# --- Which submission and which judge ------------------------------------------------------------


def test_without_a_submission_the_one_where_it_helps_most_goes_to_the_best_matching_judge(world):
    sprint = world["sprint"]
    chosen_expert, _novice = expert(sprint), novice(sprint)
    assignment = request_extra_review(actor=world["organiser"], sprint=sprint)
    assert assignment.submission_id == best_suggestion(sprint)
    assert assignment.judge == chosen_expert
    assert assignment.source == AssignmentSource.EXTRA
    assert "In the top 3 in" in assignment.reason and "affinity" in assignment.reason
    assert AuditEntry.objects.filter(action="judging.extra_review", target_id=str(assignment.pk)).exists()


def test_a_second_request_goes_to_the_next_submission_while_the_first_extra_review_is_waiting(world):
    sprint = world["sprint"]
    expert(sprint), novice(sprint)
    first = request_extra_review(actor=world["organiser"], sprint=sprint)
    second = request_extra_review(actor=world["organiser"], sprint=sprint)
    assert second.submission_id != first.submission_id


def test_the_organisers_submission_is_used_when_given(world):
    sprint = world["sprint"]
    chosen = expert(sprint)
    target = world["submissions"]["Tied D"]
    assignment = request_extra_review(actor=world["organiser"], sprint=sprint, submission=target)
    assert (assignment.submission, assignment.judge) == (target, chosen)
    assert assignment.reason.startswith(f"One more review, asked for by {world['organiser'].name}.")


def test_conflicted_forbidden_unwilling_and_already_reviewing_judges_are_never_asked(world):
    sprint = world["sprint"]
    target = world["submissions"]["Tied A"]
    author = target.team.lead
    author.affiliation = "Author Institute"
    author.save()
    same_affiliation = expert(sprint, affiliation="Author Institute")
    declared = make_judge(sprint, affiliation="Elsewhere", conflict_people=[author.email])
    forbidden = make_judge(sprint, affiliation="Elsewhere")
    PairRule.objects.create(sprint=sprint, submission=target, judge=forbidden, kind=PairRuleKind.FORBID)
    unwilling = make_judge(sprint, affiliation="Elsewhere")
    Bid.objects.create(sprint=sprint, submission=target, judge=unwilling, level=BidLevel.NOT_WILLING)
    team_member_judge = make_judge(sprint, author, affiliation="Elsewhere")
    refused = {same_affiliation, declared, forbidden, unwilling, team_member_judge, *world["reviewers"]}
    assert not refused & {c.judge for c in extra_review_candidates(sprint, target)}
    with pytest.raises(Conflict, match="Nobody can write one more review of “Tied A”"):
        request_extra_review(actor=world["organiser"], sprint=sprint, submission=target)
    assert not Assignment.objects.filter(source=AssignmentSource.EXTRA).exists()


def test_a_same_site_conflict_counts_when_the_sprint_says_so(world):
    sprint = world["sprint"]
    target = world["submissions"]["Tied A"]
    site = LocalSiteFactory(sprint=sprint)
    Registration.objects.filter(sprint=sprint, user=target.team.lead).update(site=site)
    neighbour = expert(sprint)
    RegistrationFactory(sprint=sprint, user=neighbour, site=site)
    assert neighbour in {c.judge for c in extra_review_candidates(sprint, target)}
    judging_settings(sprint, same_site_conflicts=True)
    assert neighbour not in {c.judge for c in extra_review_candidates(sprint, target)}


def test_judges_under_the_load_cap_come_first_and_over_it_only_when_nobody_else_can(world):
    sprint = world["sprint"]
    judging_settings(sprint, load_cap=1)
    busy_expert = expert(sprint)
    Assignment.objects.create(
        sprint=sprint, submission=world["submissions"]["Tied B"], judge=busy_expert, source=AssignmentSource.SOLVER
    )
    free_novice = novice(sprint)
    target = world["submissions"]["Tied A"]
    assert request_extra_review(actor=world["organiser"], sprint=sprint, submission=target).judge == free_novice
    second = request_extra_review(actor=world["organiser"], sprint=sprint, submission=target)
    assert second.judge == busy_expert and "Beyond the load cap of 1" in second.reason


def test_an_eager_bid_wins_over_a_closer_match(world):
    sprint = world["sprint"]
    expert(sprint)
    keen = novice(sprint)
    target = world["submissions"]["Tied A"]
    Bid.objects.create(sprint=sprint, submission=target, judge=keen, level=BidLevel.EAGER)
    assignment = request_extra_review(actor=world["organiser"], sprint=sprint, submission=target)
    assert assignment.judge == keen and "the judge asked for it" in assignment.reason


def test_the_judge_is_told_in_the_inbox_and_by_email_and_can_score_it(world):
    sprint = world["sprint"]
    judge = expert(sprint)
    target = world["submissions"]["Tied A"]
    request_extra_review(actor=world["organiser"], sprint=sprint, submission=target)
    item = InboxItem.objects.get(user=judge)
    assert "One more review for you" in item.title and item.url.endswith("/judging/queue/")
    email = OutboxMessage.objects.get(to_email=judge.email)
    assert "“Tied A”" in email.body_text and email.kind == NotificationKind.REMINDER
    from sprintlab.judging.permissions import may_score

    assert may_score(judge, target, now=timezone.now())


def test_a_judge_who_turned_reminder_emails_off_gets_the_inbox_item_only(world):
    sprint = world["sprint"]
    judge = expert(sprint)
    NotificationPreference.objects.create(user=judge, kind=NotificationKind.REMINDER, email=False, in_app=True)
    request_extra_review(actor=world["organiser"], sprint=sprint, submission=world["submissions"]["Tied A"])
    assert InboxItem.objects.filter(user=judge).exists()
    assert not OutboxMessage.objects.filter(to_email=judge.email).exists()


def test_a_refusal_writes_nothing_and_sends_nothing(world):
    sprint = world["sprint"]
    with pytest.raises(Conflict):
        request_extra_review(actor=world["organiser"], sprint=sprint)  # no judge left who may take any
    assert not Assignment.objects.filter(source=AssignmentSource.EXTRA).exists()
    assert not OutboxMessage.objects.exists() and not InboxItem.objects.exists()
    assert not AuditEntry.objects.filter(action="judging.extra_review").exists()


# --- Refusals ------------------------------------------------------------------------------------


def test_before_any_completed_review_it_asks_for_a_submission():
    sprint = JudgingSprintFactory()
    SubmissionFactory(sprint=sprint)
    expert(sprint)
    with pytest.raises(Conflict, match="No review is complete yet"):
        request_extra_review(actor=make_organiser(sprint), sprint=sprint)


def test_a_settled_top_is_said_so(world):
    sprint = JudgingSprintFactory()
    criterion = CriterionFactory(sprint=sprint)
    judges = [make_judge(sprint) for _ in range(2)]
    for title, value in (("Best", 5), ("Second", 4), ("Third", 3)):
        submission = SubmissionFactory(sprint=sprint, title=title)
        for judge in judges:
            review(submission, judge, {criterion: Decimal(value)})
    expert(sprint)
    with pytest.raises(Conflict, match="The top places are settled"):
        request_extra_review(actor=make_organiser(sprint), sprint=sprint)


def test_every_useful_submission_waiting_for_an_extra_review_is_said_so(world):
    sprint = world["sprint"]
    for n in range(6):
        make_judge(sprint, UserFactory(display_name=f"Spare {n}"), affiliation="Elsewhere")
    while True:
        try:
            request_extra_review(actor=world["organiser"], sprint=sprint)
        except Conflict as refusal:
            assert "already on its way" in refusal.text
            break
    assert Assignment.objects.filter(source=AssignmentSource.EXTRA).count() == len(
        rankings.ranking_report(sprint).ranking.rows
    ) - sum(1 for row in rankings.ranking_report(sprint).ranking.rows if row.top_probability in (0, 1))


def test_a_submission_of_another_sprint_or_outside_the_global_round_is_refused(world):
    sprint = world["sprint"]
    expert(sprint)
    with pytest.raises(ServiceError) as refused:
        request_extra_review(actor=world["organiser"], sprint=sprint, submission=SubmissionFactory())
    assert "submission" in refused.value.message_dict
    judging_settings(sprint, local_first_round=True)
    site = LocalSiteFactory(sprint=sprint)
    on_site = SubmissionFactory(sprint=sprint, title="Not nominated")
    Registration.objects.filter(sprint=sprint, user=on_site.team.lead).update(site=site)
    with pytest.raises(ServiceError, match="not in the global round"):
        request_extra_review(actor=world["organiser"], sprint=sprint, submission=on_site)


@pytest.mark.parametrize("when", ["before the deadline", "after the results"])
def test_outside_the_judging_window_it_is_refused(world, when):
    sprint = world["sprint"]
    expert(sprint)
    now = timezone.now()
    if when == "before the deadline":
        Sprint.objects.filter(pk=sprint.pk).update(submission_deadline_at=now + timedelta(hours=1))
        message = "Judging starts after the submission deadline"
    else:
        Sprint.objects.filter(pk=sprint.pk).update(
            judging_ends_at=now - timedelta(hours=2), results_published_at=now - timedelta(hours=1)
        )
        message = "results of this sprint are published"
    sprint.refresh_from_db()
    assert not may_request_extra_review(world["organiser"], sprint, now=timezone.now())
    with pytest.raises(Conflict, match=message):
        request_extra_review(actor=world["organiser"], sprint=sprint, submission=world["submissions"]["Tied A"])


# --- Who may ask ---------------------------------------------------------------------------------

ROLES = ("anonymous", "participant", "judge", "site_organiser", "platform_organiser", "organiser", "staff")
MAY_ASK = {"organiser", "staff"}


def person(role, world):
    sprint = world["sprint"]
    if role == "anonymous":
        return AnonymousUser()
    if role == "participant":
        return RegistrationFactory(sprint=sprint).user
    if role == "judge":
        return world["reviewers"][0]
    if role == "site_organiser":
        return SiteOrganiserFactory(site=LocalSiteFactory(sprint=sprint)).user
    if role == "platform_organiser":
        return OrganiserFactory()
    if role == "organiser":
        return world["organiser"]
    return StaffFactory()


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_predicate_service_page_and_api(client, world, role):
    sprint = world["sprint"]
    expert(sprint)
    user = person(role, world)
    allowed = role in MAY_ASK
    assert may_request_extra_review(user, sprint, now=timezone.now()) is allowed
    assert bool(getattr(user, "has_perm", lambda *a: False)("judging.request_extra_review", sprint)) is allowed
    target = world["submissions"]["Tied A"]
    if allowed:
        assert request_extra_review(actor=user, sprint=sprint, submission=target).source == AssignmentSource.EXTRA
    else:
        with pytest.raises(PermissionDeniedError):
            request_extra_review(actor=user, sprint=sprint, submission=target)
    before = Assignment.objects.count()
    url = reverse("judging:extra_review", kwargs={"slug": sprint.slug})
    if role != "anonymous":
        client.force_login(user)
    response = client.post(url, {"submission": world["submissions"]["Tied B"].pk})
    if allowed:
        assert response.status_code == 302
    else:
        assert response.status_code in (302, 403, 404) and Assignment.objects.count() == before
        if response.status_code == 302:
            assert "/accounts/login" in response["Location"] or "login" in response["Location"]
    api_url = f"/api/v1/sprints/{sprint.slug}/judging/extra-reviews"
    headers = bearer_for(user) if role != "anonymous" else {}
    client.logout()
    before = Assignment.objects.count()
    response = client.post(
        api_url, {"submission_id": world["submissions"]["Tied C"].pk}, content_type="application/json", headers=headers
    )
    assert response.status_code == (201 if allowed else 401 if role == "anonymous" else 403), response.content
    if not allowed:
        assert Assignment.objects.count() == before


# --- The ranking page ----------------------------------------------------------------------------


def page(client, world):
    client.force_login(world["organiser"])
    response = client.get(reverse("judging:ranking", kwargs={"slug": world["sprint"].slug}))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_has_the_button_by_each_suggestion_and_disagreement(client, world):
    html = page(client, world)
    assert "Ask for one more review where it helps most" in html
    assert html.count('name="place" value="suggestion"') == len(rankings.ranking_report(world["sprint"]).next_reviews)
    assert html.count('name="place" value="disagreement"') == len(
        rankings.ranking_report(world["sprint"]).disagreements
    )
    assert 'hx-post="/sprints/' in html and 'aria-label="Ask for one more review of Tied' in html


def test_the_page_hides_the_button_outside_the_judging_window(client, world):
    Sprint.objects.filter(pk=world["sprint"].pk).update(submission_deadline_at=timezone.now() + timedelta(hours=1))
    html = page(client, world)
    assert "Ask for one more review" not in html and "while judging is open" in html


def test_the_button_without_javascript_says_who_was_asked(client, world):
    chosen = expert(world["sprint"])
    client.force_login(world["organiser"])
    url = reverse("judging:extra_review", kwargs={"slug": world["sprint"].slug})
    response = client.post(url, {"place": "best", "method": "raw"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/ranking/?method=raw")
    assert f"Asked {chosen.name} to review" in response.content.decode()


def test_the_button_without_javascript_says_why_not(client, world):
    client.force_login(world["organiser"])
    url = reverse("judging:extra_review", kwargs={"slug": world["sprint"].slug})
    response = client.post(url, {"submission": world["submissions"]["Tied A"].pk}, follow=True)
    assert "Nobody can write one more review of “Tied A”" in response.content.decode()


def test_the_button_with_htmx_answers_its_own_fragment(client, world):
    chosen = expert(world["sprint"])
    client.force_login(world["organiser"])
    url = reverse("judging:extra_review", kwargs={"slug": world["sprint"].slug})
    target = world["submissions"]["Tied B"]
    response = client.post(url, {"place": "disagreement", "submission": target.pk}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert f'id="extra-review-disagreement-{target.pk}"' in html
    assert f"Asked {chosen.name} to review “Tied B” once more." in html
    refused = client.post(url, {"place": "suggestion", "submission": target.pk}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "extra-review-refused" in refused.content.decode()


@pytest.mark.parametrize("value", ["999999999", "abc", "1" * 40, "-3", "²", "１"])
def test_the_button_refuses_bad_submission_ids_without_writing(client, world, value):
    expert(world["sprint"])
    client.force_login(world["organiser"])
    url = reverse("judging:extra_review", kwargs={"slug": world["sprint"].slug})
    response = client.post(url, {"submission": value, "place": "<script>"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Choose one of this sprint&#x27;s submissions." in response.content.decode()
    assert not Assignment.objects.filter(source=AssignmentSource.EXTRA).exists()


def test_the_button_refuses_a_nul_byte_with_400(client, world):
    expert(world["sprint"])
    client.force_login(world["organiser"])
    url = reverse("judging:extra_review", kwargs={"slug": world["sprint"].slug})
    assert client.post(url, {"submission": "1\x00"}).status_code == 400
    assert not Assignment.objects.filter(source=AssignmentSource.EXTRA).exists()


# --- The API -------------------------------------------------------------------------------------


def api_post(client, world, body=None, user=None):
    url = f"/api/v1/sprints/{world['sprint'].slug}/judging/extra-reviews"
    headers = bearer_for(user or world["organiser"])
    if body is None:
        return client.post(url, headers=headers)
    return client.post(url, body, content_type="application/json", headers=headers)


def test_the_api_asks_where_it_helps_most_without_a_submission_id(client, world):
    chosen = expert(world["sprint"])
    no_body = api_post(client, world)
    assert no_body.status_code == 400 and "JSON" in no_body.json()["detail"]  # every API body is an object
    response = api_post(client, world, {})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["judge"] == chosen.pk and body["judge_name"] == "Expert"
    assert body["submission"] == best_suggestion(world["sprint"])
    assert body["submission_title"].startswith("Tied") and body["source"] == "extra" and body["reason"]


def test_the_api_asks_for_the_given_submission(client, world):
    expert(world["sprint"])
    target = world["submissions"]["Tied C"]
    response = api_post(client, world, {"submission_id": target.pk})
    assert response.status_code == 201
    assert (response.json()["submission"], response.json()["submission_title"]) == (target.pk, "Tied C")


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"submission_id": 10**6}, 400, "submission_id"),
        ({"submission_id": 0}, 422, "submission_id"),
        ({"submission_id": 10**30}, 422, "submission_id"),
        ({"submission_id": "abc"}, 422, "submission_id"),
    ],
)
def test_the_api_refuses_bad_ids_per_field(client, world, body, status, field):
    expert(world["sprint"])
    response = api_post(client, world, body)
    assert response.status_code == status, response.content
    assert field in response.json()["errors"]
    assert not Assignment.objects.filter(source=AssignmentSource.EXTRA).exists()


def test_the_api_answers_409_with_the_reason_when_nobody_can_take_it(client, world):
    response = api_post(client, world, {"submission_id": world["submissions"]["Tied A"].pk})
    assert response.status_code == 409
    assert "Nobody can write one more review" in response.json()["detail"]


def test_the_api_answers_409_when_judging_is_not_open(client, world):
    expert(world["sprint"])
    Sprint.objects.filter(pk=world["sprint"].pk).update(submission_deadline_at=timezone.now() + timedelta(hours=1))
    response = api_post(client, world, {"submission_id": world["submissions"]["Tied A"].pk})
    assert response.status_code == 409 and "submission deadline" in response.json()["detail"]


def test_the_api_answers_404_for_an_unknown_sprint(client, world):
    url = "/api/v1/sprints/no-such-sprint/judging/extra-reviews"
    response = client.post(url, {}, content_type="application/json", headers=bearer_for(world["organiser"]))
    assert response.status_code == 404 and response.json()["detail"]
