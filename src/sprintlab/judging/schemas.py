"""Schemas of the judging API (``api.py``, ``api_reviews.py``); their names are unique across the project."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictFloat, StrictInt

from sprintlab.core.validators import Email, ObjectId, WindowedDateTime
from sprintlab.judging.models import Assignment, BidLevel, Nomination, PairRule, PairRuleKind


class JudgingSettingsOut(Schema):
    reviews_per_submission: int
    load_cap: int
    pairwise_mode: bool
    local_first_round: bool
    same_site_conflicts: bool
    nominations_per_site: int
    reviews_due_at: datetime | None
    assigned_at: datetime | None


class JudgingSettingsIn(Schema):
    reviews_per_submission: int | None = Field(None, description="Reviews per submission, k (1 to 10).")
    load_cap: int | None = Field(None, description="Reviews per judge at most (1 to 200).")
    pairwise_mode: bool | None = None
    local_first_round: bool | None = None
    same_site_conflicts: bool | None = None
    nominations_per_site: int | None = Field(None, description="1 to 50.")
    reviews_due_at: WindowedDateTime | None = None


class JudgeExpertiseOut(Schema):
    expertise_tags: list[str]
    expertise: str
    links: list[str]
    affiliation: str
    conflict_institutions: list[str]
    conflict_people: list[str]


class JudgeExpertiseIn(Schema):
    expertise_tags: list[str] = Field(default_factory=list, max_length=12)
    expertise: str = Field("", max_length=3000)
    links: list[str] = Field(default_factory=list, max_length=5)
    affiliation: str = Field("", max_length=200)
    conflict_institutions: list[str] = Field(default_factory=list, max_length=30)
    conflict_people: list[str] = Field(default_factory=list, max_length=30)


class JudgeOut(Schema):
    id: int
    name: str
    email: str
    expertise: JudgeExpertiseOut | None
    assigned: int
    done: int
    late: bool


class JudgeInvitationOut(Schema):
    id: int
    email: str
    message: str
    status: str = Field(description="waiting, accepted or withdrawn")
    created_at: datetime
    accepted_at: datetime | None


class JudgeInvitationIn(Schema):
    email: Email
    message: str = Field("", max_length=2000)


class JudgeInvitationAcceptIn(Schema):
    token: str = Field(..., max_length=100, description="The token in the invitation's link.")


class JudgeMembershipOut(Schema):
    sprint: str


class JudgeConflictOut(Schema):
    submission: int
    judge: int
    reasons: list[str]


class JudgeBidOut(Schema):
    submission: int
    level: str


class JudgeBidIn(Schema):
    level: BidLevel | None = Field(None, description="eager, willing, not_willing; null takes the bid back.")


class CriterionOut(Schema):
    id: int
    name: str
    description: str
    scale_min: int
    scale_max: int
    half_steps: bool
    levels: dict[str, str]
    weight: Decimal
    position: int


class CriterionIn(Schema):
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    scale_min: int = Field(1, description="0 to 100.")
    scale_max: int = Field(5, description="1 to 100, above scale_min.")
    half_steps: bool = False
    levels: dict[str, str] = Field(default_factory=dict, description='What each score means: {"1": "…"}.')
    weight: Decimal = Field(Decimal("1"), description="0 to 100.")


class JudgeAssignmentOut(Schema):
    id: int
    submission: int
    submission_title: str
    judge: int
    judge_name: str
    round: str
    source: str
    reason: str

    @staticmethod
    def resolve_submission(obj: Assignment) -> int:
        return obj.submission_id

    @staticmethod
    def resolve_submission_title(obj: Assignment) -> str:
        return obj.submission.title

    @staticmethod
    def resolve_judge(obj: Assignment) -> int:
        return obj.judge_id

    @staticmethod
    def resolve_judge_name(obj: Assignment) -> str:
        return obj.judge.name


class JudgeAssignmentIn(Schema):
    submission: ObjectId
    judge: ObjectId


class JudgeQueueItemOut(Schema):
    submission: int
    title: str
    kind: str = Field(description="global, local or calibration: the {kind} of the review's address")
    reason: str
    done: bool
    started: bool


class JudgeQueueOut(Schema):
    total: int
    done: int
    due_at: datetime
    items: list[JudgeQueueItemOut]


class JudgeScoreIn(Schema):
    value: StrictInt | StrictFloat = Field(
        ..., description="A number on the criterion's scale; whole points unless it takes halves."
    )


class JudgeScoreOut(Schema):
    criterion: int
    value: Decimal


class JudgeReviewIn(Schema):
    feedback: str | None = Field(None, max_length=5000)
    private_note: str | None = Field(None, max_length=3000)
    info_hazard_flag: bool | None = None
    complete: bool | None = Field(None, description="true marks it done (every criterion scored); false reopens.")


class JudgeReviewOut(Schema):
    id: int
    submission: int
    judge: int
    judge_name: str
    round: str
    is_calibration: bool
    feedback: str
    private_note: str | None = Field(description="Only for the organisers and the review's own judge.")
    info_hazard_flag: bool
    completed_at: datetime | None
    scores: list[JudgeScoreOut]


class JudgeProgressOut(Schema):
    judge: int
    name: str
    total: int
    done: int
    late: bool


class JudgeRemindIn(Schema):
    judges: list[ObjectId] | None = Field(None, max_length=500, description="Judge ids; null reminds every late judge.")


class JudgeRemindOut(Schema):
    reminded: int


class JudgePairRuleIn(Schema):
    submission: ObjectId
    judge: ObjectId
    kind: PairRuleKind = Field(..., description="pin (always pair) or forbid (never pair)")
    note: str = Field("", max_length=300)


class JudgePairRuleOut(Schema):
    id: int
    submission: int
    judge: int
    kind: str
    note: str

    @staticmethod
    def resolve_submission(obj: PairRule) -> int:
        return obj.submission_id

    @staticmethod
    def resolve_judge(obj: PairRule) -> int:
        return obj.judge_id


class JudgeNominationIn(Schema):
    site: ObjectId
    submission: ObjectId
    note: str = Field("", max_length=500)


class JudgeNominationOut(Schema):
    id: int
    site: int
    submission: int
    note: str
    created_at: datetime

    @staticmethod
    def resolve_site(obj: Nomination) -> int:
        return obj.site_id

    @staticmethod
    def resolve_submission(obj: Nomination) -> int:
        return obj.submission_id


class JudgePairSideOut(Schema):
    id: int
    title: str
    abstract: str
    track: str = Field(description="The track's name; empty when the submission has none.")
    report_url: str | None = Field(description="The latest report (PDF), readable by the judge offered the pair.")
    code_url: str


class JudgePairOut(Schema):
    left: JudgePairSideOut = Field(description="Shown first (A)")
    right: JudgePairSideOut = Field(description="Shown second (B)")
    compared: int = Field(description="How many pairs you have compared in this sprint")


class JudgeComparisonIn(Schema):
    left_id: ObjectId
    right_id: ObjectId
    winner_id: ObjectId


class JudgeComparisonOut(Schema):
    id: int
    left_id: int
    right_id: int
    winner_id: int
    created_at: datetime


class JudgePairwiseRowOut(Schema):
    submission: int
    title: str
    place: int
    strength: float
    comparisons: int
    wins: int


class JudgePairwiseRankingOut(Schema):
    pairwise_mode: bool
    comparisons: int
    rows: list[JudgePairwiseRowOut]
