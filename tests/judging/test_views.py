"""Judging pages: each opens for its people, forms post to services, and autosave answers htmx."""

import pytest
from django.urls import reverse

from sprintlab.judging.models import (
    Assignment,
    Bid,
    CalibrationEntry,
    Criterion,
    JudgeInvitation,
    JudgeProfile,
    JudgingSettings,
    Nomination,
    PairRule,
    Review,
    Score,
)
from sprintlab.judging.services import judge_invite
from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import SprintMembership, SprintRole
from tests.factories import LocalSiteFactory, SiteOrganiserFactory, UserFactory
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
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    sprint = JudgingSprintFactory()
    submission = SubmissionFactory(sprint=sprint, title="Refusal directions")
    criterion = CriterionFactory(sprint=sprint, name="Rigour", levels={"1": "Weak", "5": "Excellent"})
    judge = make_judge(sprint, affiliation="")
    assign(submission, judge)
    return {
        "sprint": sprint,
        "submission": submission,
        "criterion": criterion,
        "judge": judge,
        "organiser": make_organiser(sprint),
    }


def url(name, world, **kwargs):
    return reverse(f"judging:{name}", kwargs={"slug": world["sprint"].slug, **kwargs})


def review_url(world, name="review", **kwargs):
    return url(name, world, submission_id=world["submission"].pk, kind="global", **kwargs)


def test_organiser_pages_open(client, world):
    client.force_login(world["organiser"])
    for name in ("overview", "criteria", "assignments", "reviews"):
        response = client.get(url(name, world))
        assert response.status_code == 200, name
    response = client.get(url("criterion_edit", world, pk=world["criterion"].pk))
    assert b"Rigour" in response.content
    assert world["judge"].email.encode() in client.get(url("overview", world)).content


def test_judge_pages_open_and_organiser_pages_do_not(client, world):
    client.force_login(world["judge"])
    for name in ("queue", "bids", "profile"):
        assert client.get(url(name, world)).status_code == 200, name
    page = client.get(review_url(world))
    assert page.status_code == 200 and b"Refusal directions" in page.content and b"Excellent" in page.content
    for name in ("overview", "criteria", "assignments", "reviews"):
        assert client.get(url(name, world)).status_code == 403, name


def test_visitors_are_sent_to_sign_in_and_strangers_refused(client, world):
    assert client.get(url("queue", world)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url("queue", world)).status_code == 403
    assert client.get(review_url(world)).status_code == 403


def test_settings_invite_and_withdraw(client, world):
    client.force_login(world["organiser"])
    response = client.post(
        url("settings", world),
        {"reviews_per_submission": 2, "load_cap": 5, "nominations_per_site": 2, "same_site_conflicts": "on"},
    )
    assert response.status_code == 302
    settings = JudgingSettings.objects.get()
    assert (settings.reviews_per_submission, settings.same_site_conflicts) == (2, True)
    response = client.post(
        url("settings", world), {"reviews_per_submission": 99, "load_cap": 5, "nominations_per_site": 2}
    )
    assert response.status_code == 400 and b"errorlist" in response.content
    assert client.post(url("invite", world), {"email": "ada@example.org"}).status_code == 302
    response = client.post(url("invite", world), {"email": "ada@example.org"})
    assert response.status_code == 400 and b"already been invited" in response.content
    invitation = JudgeInvitation.objects.get()
    client.post(url("revoke", world, pk=invitation.pk))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_accepting_an_invitation(client, world):
    sent = judge_invite(actor=world["organiser"], sprint=world["sprint"], email="new@example.org")
    link = reverse("judging:accept", kwargs={"token": sent.token})
    page = client.get(link)
    assert page.status_code == 200 and b"Sign in" in page.content
    assert client.post(link).status_code == 302  # to sign in first
    assert client.get(reverse("judging:accept", kwargs={"token": "wrong"})).status_code == 404
    person = UserFactory(email="new@example.org")
    client.force_login(person)
    response = client.post(link)
    assert response.status_code == 302 and response.url == url("profile", world)
    assert SprintMembership.objects.filter(user=person, role=SprintRole.JUDGE).exists()
    again = client.post(link)
    assert again.status_code == 409


def test_profile_form(client, world):
    client.force_login(world["judge"])
    response = client.post(
        url("profile", world),
        {
            "affiliation": "Acme",
            "expertise_tags": "evals, SAE",
            "expertise": "Evals",
            "links": "https://example.org\nhttps://scholar.example.org",
            "conflict_institutions": "Acme Labs",
            "conflict_people": "ada@example.org",
        },
    )
    assert response.status_code == 302
    profile = JudgeProfile.objects.get(user=world["judge"])
    assert profile.expertise_tags == ["evals", "sae"] and len(profile.links) == 2
    bad = client.post(url("profile", world), {"links": "ftp://nope"})
    assert bad.status_code == 400 and b"not a web address" in bad.content


def test_bidding_with_htmx(client, world):
    client.force_login(world["judge"])
    response = client.post(url("bid", world, submission_id=world["submission"].pk), {"level": "eager"}, **HTMX)
    assert response.status_code == 200 and b"Saved" in response.content
    assert Bid.objects.get().level == "eager"
    response = client.post(url("bid", world, submission_id=world["submission"].pk), {"level": "nope"}, **HTMX)
    assert response.status_code == 400


def test_autosave_a_score_and_its_refusal(client, world):
    client.force_login(world["judge"])
    score_url = review_url(world, "score", criterion_id=world["criterion"].pk)
    response = client.post(score_url, {"value": "4"}, **HTMX)
    assert response.status_code == 200 and b"Saved" in response.content
    refused = client.post(score_url, {"value": "NaN"}, **HTMX)
    assert refused.status_code == 400 and b"form-errors" in refused.content and b"from 1 to 5" in refused.content
    assert Score.objects.get().value == 4
    # Without htmx the page comes back with the message.
    page = client.post(score_url, {"value": "9"})
    assert page.status_code == 400 and b"from 1 to 5" in page.content


def test_a_judge_cannot_score_what_is_not_theirs_through_the_page(client, world):
    other = make_judge(world["sprint"])
    client.force_login(other)
    score_url = review_url(world, "score", criterion_id=world["criterion"].pk)
    response = client.post(score_url, {"value": "4"}, **HTMX)
    assert response.status_code == 403 and b"not assigned to you" in response.content
    assert not Review.objects.exists()


def test_texts_and_done(client, world):
    client.force_login(world["judge"])
    texts_url = review_url(world, "review_texts")
    response = client.post(texts_url, {"feedback": "Nice", "private_note": "Check data"}, **HTMX)
    assert response.status_code == 200
    refused = client.post(texts_url, {"feedback": "Nice", "action": "done"})
    assert refused.status_code == 400 and b"Score every criterion" in refused.content
    client.post(review_url(world, "score", criterion_id=world["criterion"].pk), {"value": "3"}, **HTMX)
    done = client.post(texts_url, {"feedback": "Nice", "action": "done"})
    assert done.status_code == 302 and done.url == url("queue", world)
    assert Review.objects.get().completed_at is not None
    page = client.get(url("queue", world))
    assert b"1 of 1 reviews done" in page.content


def test_criteria_pages(client, world):
    client.force_login(world["organiser"])
    response = client.post(
        url("criteria", world),
        {"name": "Novelty", "scale_min": 1, "scale_max": 7, "weight": "1.5", "levels": "1: Known\n7: New"},
    )
    assert response.status_code == 302
    novelty = Criterion.objects.get(name="Novelty")
    assert novelty.levels == {"1": "Known", "7": "New"}
    response = client.post(
        url("criteria", world), {"name": "Bad", "scale_min": 1, "scale_max": 7, "weight": "1", "levels": "9: x"}
    )
    assert response.status_code == 400 and b"Describe only levels on the scale" in response.content
    client.post(url("criterion_delete", world, pk=novelty.pk))
    assert not Criterion.objects.filter(name="Novelty").exists()
    client.post(url("calibration", world), {"submissions": [world["submission"].pk]})
    assert CalibrationEntry.objects.count() == 1


def test_assignment_page_rules_and_pairs(client, world):
    client.force_login(world["organiser"])
    other = make_judge(world["sprint"], affiliation="")
    sub = world["submission"].pk
    client.post(url("pair_rule", world), {"submission": sub, "judge": other.pk, "kind": "forbid"})
    assert PairRule.objects.get().kind == "forbid"
    client.post(url("assignment_add", world), {"submission": sub, "judge": other.pk})
    assert not Assignment.objects.filter(judge=other).exists()
    page = client.get(url("assignments", world))
    assert b"Shares the judge" in page.content
    response = client.post(url("assignment_run", world), follow=True)
    # Three reviews each with two judges, one of them forbidden: refused with the reason, nothing written.
    assert b"there are only 2 judges" in response.content
    assert not Assignment.objects.filter(source="solver").exists()
    judging_settings(world["sprint"], reviews_per_submission=1, load_cap=2)
    fresh = SubmissionFactory(sprint=world["sprint"])
    response = client.post(url("assignment_run", world), follow=True)
    assert b"wrote 1 new pairs" in response.content
    # The first submission keeps its judge (k = 1); the new one gets one judge, with the reason why.
    assert Assignment.objects.filter(submission_id=sub).count() == 1
    pair = Assignment.objects.get(submission=fresh, source="solver")
    assert pair.reason.startswith("Match")
    assert pair.reason.encode() in client.get(url("assignments", world)).content


def test_reviews_page_shows_private_notes_to_organisers(client, world):
    client.force_login(world["judge"])
    client.post(review_url(world, "review_texts"), {"feedback": "Public words", "private_note": "Secret words"}, **HTMX)
    client.force_login(world["organiser"])
    page = client.get(url("reviews", world))
    assert b"Secret words" in page.content and b"Public words" in page.content


def test_local_round_page(client, world):
    sprint, submission = world["sprint"], world["submission"]
    site = LocalSiteFactory(sprint=sprint)
    lead = SiteOrganiserFactory(site=site).user
    Registration.objects.filter(user=submission.team.lead).update(site=site)
    judging_settings(sprint, local_first_round=True)
    client.force_login(lead)
    page_url = url("local_round", world, site_slug=site.slug)
    assert client.get(page_url).status_code == 200
    client.post(url("local_round_open", world, site_slug=site.slug))
    assert Assignment.objects.filter(judge=lead, round="local").count() == 1
    # Not one of the sprint's judges, yet the site's reviews are in their queue.
    assert b"Refusal directions" in client.get(url("queue", world)).content
    assert client.get(url("review", world, submission_id=submission.pk, kind="local")).status_code == 200
    client.post(url("nominate", world, site_slug=site.slug), {"submission": submission.pk, "note": "Strong"})
    assert Nomination.objects.get().note == "Strong"
    client.force_login(UserFactory())
    assert client.get(page_url).status_code == 403


def test_the_sprint_page_links_a_judge_and_a_local_reviewer_to_their_queue(client, world):
    sprint_url = world["sprint"].get_absolute_url()
    client.force_login(world["judge"])
    assert "My judging queue" in client.get(sprint_url).content.decode()
    local_reviewer = make_organiser(JudgingSprintFactory())  # a judge nowhere, with one review to write here
    assign(SubmissionFactory(sprint=world["sprint"]), local_reviewer)
    client.force_login(local_reviewer)
    assert "My judging queue" in client.get(sprint_url).content.decode()
    client.force_login(world["submission"].team.lead)
    assert "My judging queue" not in client.get(sprint_url).content.decode()
