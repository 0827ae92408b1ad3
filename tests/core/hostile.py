"""What the hostile-input walkers share: the values, a world with one person per role, a database snapshot.

The walkers (test_hostile_api.py, test_hostile_pages.py) send these values to every API operation and
every form, and expect a 4xx with a message and an unchanged database.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from sprintlab.accounts.models import ApiToken, User
from sprintlab.announcements.models import Announcement
from sprintlab.judging.models import Criterion, JudgeInvitation, Nomination, PairRule, PairRuleKind, Review, Score
from sprintlab.judging.services import judge_invite
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.mentoring.models import HelpRequest, HelpStatus, OfficeHourSlot, SlotBooking
from sprintlab.notifications.models import InboxItem, NotificationKind, OutboxMessage, OutboxStatus
from sprintlab.notifications.unsubscribe import unsubscribe_token
from sprintlab.programme.models import CalendarFeedToken, Resource, Session, Speaker
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode, Partner, Sprint, SprintMembership, SprintRole
from sprintlab.submissions.models import AppendixFile, Submission, SubmissionVersion
from sprintlab.teamfinder.models import GroupingRun
from sprintlab.teamfinder.services import grouping_run_create
from sprintlab.teams.models import JoinRequest, Team
from tests.factories import (
    LocalSiteFactory,
    OutboxMessageFactory,
    PartnerFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import api_key_for
from tests.judging.factories import CriterionFactory, JudgingSprintFactory, SubmissionFactory, assign, judging_settings
from tests.judging.factories import make_judge as make_sprint_judge
from tests.library.factories import LibraryWorld, build_library_world
from tests.mentoring.factories import (
    HelpRequestFactory,
    OfficeHourSlotFactory,
    RunningSprintFactory,
    book,
    make_mentor,
    make_team_member,
)
from tests.mentoring.factories import (
    TeamFactory as MentoringTeamFactory,
)
from tests.notifications.factories import InboxItemFactory
from tests.programme.factories import ResourceFactory, SessionFactory, SpeakerFactory
from tests.teamfinder.factories import FinderProfileFactory
from tests.teams.factories import JoinRequestFactory, TeamFactory, add_member

NUL = "a\x00b"
LONE_SURROGATE = "\udfff"
# Years a database or Python's datetime cannot hold once converted to UTC.
OUT_OF_RANGE_DATES = ["0001-01-01", "9999-12-31T23:30:00-01:00"]
OUT_OF_RANGE_NUMBERS = [100_000_000, 10**20, -1]
HUGE_LIMIT = "100000000000000000000"
HUGE_BODY_BYTES = 6 * 1024 * 1024

# Rows that a refused request may still touch: the session and "last seen" stamps.
VOLATILE_FIELDS = {"last_login", "last_used_at"}
VOLATILE_TABLES = {"django_session"}


@dataclass
class World:
    staff: User
    participant: User
    applicant: User
    site_lead: User
    sprint: Sprint
    reviewed_sprint: Sprint
    open_sprint: Sprint
    partner: Partner
    site: LocalSite
    application: LocalSite
    registration: Registration
    offer: Registration
    applied: Registration
    cohost: SprintMembership
    token: ApiToken
    failed_email: OutboxMessage
    session: Session
    speaker: Speaker
    resource: Resource
    feed: CalendarFeedToken
    # Mentor help in a sprint running now: a mentor, a team member, a free and a booked slot, requests.
    running_sprint: Sprint
    mentor: User
    mentee: User
    slot: OfficeHourSlot
    booking: SlotBooking
    help_request: HelpRequest
    claimed_request: HelpRequest
    announcement: Announcement
    inbox_item: InboxItem
    unsubscribe_token: str
    # Teams in ``sprint``: a lead and a member, someone asking to join, someone free to join.
    team: Team
    team_lead: User
    team_member: User
    joiner: User
    loner: User
    join_request: JoinRequest
    # The team finder: someone else looking at the participant's site, both proposed in one group.
    finder_peer: User
    grouping_run: GroupingRun
    # Judging, in a sprint whose submissions are in: a judge with one assigned submission, a spare
    # submission (to bid on, to pair by hand), a criterion to score and a spare one, an open
    # invitation, a site's first round (its organiser, one nomination), and pairwise mode on.
    judging_sprint: Sprint
    judge: User
    judged_submission: object
    spare_submission: object
    criterion: Criterion
    spare_criterion: Criterion
    judge_invitation: JudgeInvitation
    judge_invitation_token: str
    judging_site: LocalSite
    local_judge: User
    judge_assignment: object
    pair_rule: PairRule
    nomination: Nomination
    # Submissions in ``running_sprint``: the mentee's team submitted a report with an appendix.
    mentee_team: Team
    submission: Submission
    submission_version: SubmissionVersion
    appendix: AppendixFile
    # Results and the library: a released sprint and one awaiting results (tests.library.factories).
    library: LibraryWorld
    library_author: User

    def user(self, role: str) -> User:
        return getattr(self, role)


def build_world() -> World:
    """Every state some form or operation needs: an offer to confirm, an application to decide, …"""
    now = timezone.now()
    staff = StaffFactory(is_superuser=True)
    participant, applicant, site_lead = UserFactory(), UserFactory(), UserFactory()
    partner = PartnerFactory()
    sprint = SprintFactory(capacity=100)
    sprint.partners.add(partner)
    reviewed_sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    open_sprint = SprintFactory()
    SprintMembershipFactory(sprint=sprint, user=staff, role=SprintRole.ORGANISER)
    cohost = SprintMembershipFactory(sprint=sprint, role=SprintRole.COHOST, partner=partner)
    site = LocalSiteFactory(sprint=sprint, capacity=30, doors_open_soon=True)
    SiteOrganiserFactory(site=site, user=site_lead, is_lead=True)
    application = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, applicant=applicant)
    SiteOrganiserFactory(site=application, user=applicant, is_lead=True)
    registration = RegistrationFactory(sprint=sprint, user=participant, site=site)
    offer = RegistrationFactory(
        sprint=reviewed_sprint,
        user=participant,
        status=RegistrationStatus.OFFERED,
        confirmed_at=None,
        confirm_by=now + timedelta(days=2),
    )
    applied = RegistrationFactory(sprint=reviewed_sprint, status=RegistrationStatus.APPLIED, confirmed_at=None)
    api_key_for(participant, name="laptop")
    speaker = SpeakerFactory(sprint=sprint)
    session = SessionFactory(sprint=sprint)
    session.speaker_links.create(speaker=speaker, position=0)
    ResourceFactory(sprint=open_sprint)  # something to copy from
    running_sprint = RunningSprintFactory()
    mentor = make_mentor(running_sprint)
    mentee_team = MentoringTeamFactory(sprint=running_sprint)
    mentee = make_team_member(running_sprint, mentee_team)
    slot = OfficeHourSlotFactory(sprint=running_sprint, mentor=mentor)
    booked_slot = OfficeHourSlotFactory(sprint=running_sprint, mentor=mentor, starts_at=now + timedelta(hours=4))
    team = TeamFactory(sprint=sprint, name="Circuit Breakers")
    team_member = add_member(team)
    joiner, loner = UserFactory(), UserFactory()
    RegistrationFactory(sprint=sprint, user=joiner)
    RegistrationFactory(sprint=sprint, user=loner)
    join_request = JoinRequestFactory(team=team, user=joiner, message="I write evals")
    finder_peer = RegistrationFactory(sprint=sprint, site=site).user
    submitted = _submission(mentee, mentee_team)
    FinderProfileFactory(sprint=sprint, user=participant)
    FinderProfileFactory(sprint=sprint, user=finder_peer)
    judging = _judging_world(staff)
    library = build_library_world(staff)
    return World(
        **judging,
        staff=staff,
        participant=participant,
        applicant=applicant,
        site_lead=site_lead,
        sprint=sprint,
        reviewed_sprint=reviewed_sprint,
        open_sprint=open_sprint,
        partner=partner,
        site=site,
        application=application,
        registration=registration,
        offer=offer,
        applied=applied,
        cohost=cohost,
        token=ApiToken.objects.get(user=participant, name="laptop"),
        failed_email=OutboxMessageFactory(status=OutboxStatus.FAILED, user=participant),
        session=session,
        speaker=speaker,
        resource=ResourceFactory(sprint=sprint),
        feed=CalendarFeedToken.objects.create(user=participant),
        running_sprint=running_sprint,
        mentor=mentor,
        mentee=mentee,
        slot=slot,
        booking=book(booked_slot, mentee_team, mentee),
        help_request=HelpRequestFactory(sprint=running_sprint),
        claimed_request=HelpRequestFactory(
            sprint=running_sprint,
            team=mentee_team,
            requester=mentee,
            status=HelpStatus.CLAIMED,
            claimed_by=mentor,
            claimed_at=now,
            first_claimed_at=now,
        ),
        announcement=Announcement.objects.create(
            sprint=sprint, author=staff, title="Welcome", body="Doors open at **9**."
        ),
        inbox_item=InboxItemFactory(user=participant),
        unsubscribe_token=unsubscribe_token(user_id=participant.pk, kind=NotificationKind.ANNOUNCEMENT),
        team=team,
        team_lead=team.lead,
        team_member=team_member,
        joiner=joiner,
        loner=loner,
        join_request=join_request,
        finder_peer=finder_peer,
        grouping_run=grouping_run_create(actor=staff, sprint=sprint),
        mentee_team=mentee_team,
        submission=submitted.submission,
        submission_version=submitted.version,
        appendix=submitted.version.appendices.get(),
        library=library,
        library_author=library.author,
    )


def _judging_world(staff: User) -> dict:
    judging_sprint = JudgingSprintFactory()
    judging_settings(judging_sprint, local_first_round=True, pairwise_mode=True)
    judge = make_sprint_judge(judging_sprint, affiliation="Elsewhere")
    other_judge = make_sprint_judge(judging_sprint, affiliation="Elsewhere")
    judged, spare = SubmissionFactory(sprint=judging_sprint), SubmissionFactory(sprint=judging_sprint)
    nominated = SubmissionFactory(sprint=judging_sprint)
    judge_assignment = assign(judged, judge)
    pair_rule = PairRule.objects.create(
        sprint=judging_sprint, submission=judged, judge=other_judge, kind=PairRuleKind.FORBID, created_by=staff
    )
    criterion = CriterionFactory(sprint=judging_sprint, name="Rigour")
    # Two completed reviews each of two submissions, in disagreement: the ranking page then shows its
    # "one more review" forms. The reviewers are no judges, so nothing else of the world changes.
    for values in ((5, 1), (1, 5)):
        reviewer = UserFactory()
        for submission, value in zip((nominated, spare), values, strict=True):
            review = Review.objects.create(
                sprint=judging_sprint, submission=submission, judge=reviewer, completed_at=timezone.now()
            )
            Score.objects.create(review=review, criterion=criterion, value=value)
    site = LocalSiteFactory(sprint=judging_sprint)
    local_judge = SiteOrganiserFactory(site=site).user
    leads = [judged.team.lead, spare.team.lead, nominated.team.lead]
    Registration.objects.filter(user__in=leads).update(site=site)
    nomination = Nomination.objects.create(
        sprint=judging_sprint, site=site, submission=nominated, nominated_by=local_judge
    )
    sent = judge_invite(actor=staff, sprint=judging_sprint, email="invited-judge@example.org")
    return {
        "judging_sprint": judging_sprint,
        "judge": judge,
        "judged_submission": judged,
        "spare_submission": spare,
        "criterion": criterion,
        "spare_criterion": CriterionFactory(sprint=judging_sprint, name="Novelty"),
        "judge_invitation": sent.invitation,
        "judge_invitation_token": sent.token,
        "judging_site": site,
        "local_judge": local_judge,
        "judge_assignment": judge_assignment,
        "pair_rule": pair_rule,
        "nomination": nomination,
    }


def _submission(member: User, team: Team):
    """A saved submission with its thumbnail made (the background task's work, done here at once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sprintlab.submissions import pdf, services
    from sprintlab.submissions.sample_pdf import sample_pdf

    data = sample_pdf("Hostile report")
    saved = services.submission_save(
        actor=member, sprint=team.sprint, team=team, title="Probing", abstract="We probe.",
        report=SimpleUploadedFile("report.pdf", data), appendices=[SimpleUploadedFile("data.csv", b"a,b")],
    )  # fmt: skip
    services.version_processed(version_id=saved.version.pk, text="Probing", thumbnail=pdf.render_thumbnail(data))
    return saved


def database_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table (but the volatile ones), to compare before and after a request."""
    snapshot = {}
    for model in apps.get_models():
        if model._meta.db_table in VOLATILE_TABLES:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return snapshot


def assert_database_unchanged(before: dict[str, list[tuple]]) -> None:
    after = database_snapshot()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"the refused request changed {changed}"
