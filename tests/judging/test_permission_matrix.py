"""Every role × every sensitive judging action: the page's predicate and the service agree.

Roles: a visitor, a participant, the submission's author (team member), judges (assigned, not
assigned, assigned but conflicted), the site's organiser, the sprint's organiser and staff.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from sprintlab.core.errors import ServiceError
from sprintlab.judging import comparisons, localround, scoring, services
from sprintlab.judging.models import CalibrationEntry, PairOffer
from sprintlab.judging.permissions import may_bid, may_compare_pair, may_nominate, may_score
from sprintlab.registrations.models import Registration
from sprintlab.submissions.permissions import may_view_files
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory, StaffFactory, UserFactory
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

ROLES = (
    "visitor",
    "participant",
    "author",
    "judge_assigned",
    "judge_unassigned",
    "judge_conflicted",
    "site_organiser",
    "sprint_organiser",
    "staff",
)


@dataclass
class World:
    sprint: object
    site: object
    submission: object
    criterion: object
    people: dict
    other: object = None  # a second submission, for pairwise comparisons

    def user(self, role):
        return AnonymousUser() if role == "visitor" else self.people[role]


def build() -> World:
    sprint = JudgingSprintFactory()
    judging_settings(sprint, local_first_round=True, pairwise_mode=True)
    site = LocalSiteFactory(sprint=sprint)
    submission = SubmissionFactory(sprint=sprint)
    author = submission.team.lead
    author.affiliation = "Author University"
    author.save()
    Registration.objects.filter(user=author).update(site=site)
    participant = UserFactory()
    RegistrationFactory(sprint=sprint, user=participant)
    assigned = make_judge(sprint, affiliation="Elsewhere")
    assign(submission, assigned)
    conflicted = make_judge(sprint, affiliation="Author University")
    assign(submission, conflicted)
    people = {
        "participant": participant,
        "author": author,
        "judge_assigned": assigned,
        "judge_unassigned": make_judge(sprint, affiliation="Elsewhere"),
        "judge_conflicted": conflicted,
        "site_organiser": SiteOrganiserFactory(site=site).user,
        "sprint_organiser": make_organiser(sprint),
        "staff": StaffFactory(),
    }
    other = SubmissionFactory(sprint=sprint)
    return World(sprint, site, submission, CriterionFactory(sprint=sprint), people, other)


MANAGERS = {"sprint_organiser", "staff"}


def _service_allows(call) -> bool:
    try:
        call()
    except ServiceError:
        return False
    return True


def _offer_and_compare(user, w):
    """Compare the world's pair as if it had been offered (an offer needs a signed-in person)."""
    if user.is_authenticated:
        PairOffer.objects.get_or_create(sprint=w.sprint, judge=user, defaults={"left": w.submission, "right": w.other})
    comparisons.comparison_record(actor=user, sprint=w.sprint, left=w.submission, right=w.other, winner=w.other)


def _perm(name):
    return lambda user, w: user.has_perm(f"judging.{name}", w.sprint)


ACTIONS = {
    # action: (who may, predicate, service call)
    "see_judges": (MANAGERS, _perm("view_judges"), None),
    "see_scores": (MANAGERS, _perm("view_scores"), None),
    "see_private_notes": (MANAGERS, _perm("view_private_notes"), None),
    "invite": (
        MANAGERS,
        _perm("invite_judges"),
        lambda user, w: services.judge_invite(actor=user, sprint=w.sprint, email="new@example.org"),
    ),
    "edit_criteria": (
        MANAGERS,
        _perm("edit_criteria"),
        lambda user, w: services.criterion_save(actor=user, sprint=w.sprint, name="Novelty"),
    ),
    "remind": (
        MANAGERS,
        _perm("remind_judges"),
        lambda user, w: scoring.judges_remind(actor=user, sprint=w.sprint),
    ),
    "bid": (
        {"judge_assigned", "judge_unassigned"},
        lambda user, w: may_bid(user, w.submission, now=timezone.now()),
        lambda user, w: services.bid_set(actor=user, submission=w.submission, level="eager"),
    ),
    "score": (
        {"judge_assigned"},
        lambda user, w: may_score(user, w.submission, now=timezone.now()),
        lambda user, w: scoring.score_save(actor=user, submission=w.submission, criterion=w.criterion, value=3),
    ),
    # The report and appendices: the team, organisers and staff (the submissions app's own roles), and
    # the judges who review it (judging's rule); never a conflicted judge, even one assigned by mistake.
    "see_files": (
        {"author", "judge_assigned", "sprint_organiser", "staff"},
        lambda user, w: may_view_files(user, w.submission),
        None,
    ),
    # Pairwise mode: every judge of the sprint compares, never a pair with a submission they are conflicted with.
    "compare": (
        {"judge_assigned", "judge_unassigned"},
        lambda user, w: may_compare_pair(user, w.submission, w.other, now=timezone.now()),
        _offer_and_compare,
    ),
    "see_pairwise_ranking": (MANAGERS, _perm("view_scores"), None),
    "nominate": (
        {"site_organiser", "sprint_organiser", "staff"},
        lambda user, w: may_nominate(user, w.site, w.submission, now=timezone.now()),
        lambda user, w: localround.nomination_add(actor=user, site=w.site, submission=w.submission),
    ),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_matrix(role, action):
    world = build()
    allowed, predicate, service = ACTIONS[action]
    user = world.user(role)
    expected = role in allowed
    assert bool(predicate(user, world)) is expected, f"{role} × {action}: predicate"
    if service is not None:
        assert _service_allows(lambda: service(user, world)) is expected, f"{role} × {action}: service"


def test_every_judge_reads_the_calibration_entries_files_unless_conflicted():
    world = build()
    CalibrationEntry.objects.create(sprint=world.sprint, submission=world.submission)
    assert may_view_files(world.user("judge_unassigned"), world.submission)
    assert not may_view_files(world.user("judge_conflicted"), world.submission)
    assert not may_view_files(world.user("participant"), world.submission)


def test_a_judge_offered_a_pair_reads_both_reports_unless_conflicted():
    world = build()
    unassigned, conflicted = world.user("judge_unassigned"), world.user("judge_conflicted")
    assert not may_view_files(unassigned, world.other)
    for judge in (unassigned, conflicted):
        PairOffer.objects.create(sprint=world.sprint, judge=judge, left=world.submission, right=world.other)
    assert may_view_files(unassigned, world.submission) and may_view_files(unassigned, world.other)
    assert may_view_files(conflicted, world.other) and not may_view_files(conflicted, world.submission)
    # Having compared the pair keeps the reports readable after the offer is answered.
    comparisons.comparison_record(
        actor=unassigned, sprint=world.sprint, left=world.submission, right=world.other, winner=world.other
    )
    assert not PairOffer.objects.filter(judge=unassigned).exists()
    assert may_view_files(unassigned, world.other)
