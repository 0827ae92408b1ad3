"""Judging a sprint's submissions: judges and their invitations, expertise and conflicts, bids,
criteria, who reviews what (assignments, pins and forbids), the reviews' scores, and a site's own
first round with its nominations.

Who is a judge is a sprint role (``sprints.SprintMembership`` with ``SprintRole.JUDGE``); this app
keeps everything else about judging. Scores are stored per criterion on a ``Review``, the one row
per judge and submission (and round) that also holds the feedback, the private note and the flag.
In pairwise mode a judge answers "which of these two is better?": ``PairOffer`` is the pair they are
being asked about, ``Comparison`` each answer.
"""

import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sprintlab.core.models import TimeStampedModel
from sprintlab.core.validators import validate_datetime_in_window
from sprintlab.localsites.models import LocalSite
from sprintlab.sprints.models import Sprint
from sprintlab.submissions.models import Submission

MAX_REVIEWS_PER_SUBMISSION = 10
MAX_LOAD_CAP = 200
MAX_NOMINATIONS_PER_SITE = 50
MAX_EXPERTISE_TAGS = 12
MAX_LINKS = 5
MAX_DECLARED_CONFLICTS = 30
# A criterion's scale: small integers, so that "what each level means" can be written out.
MAX_SCALE_VALUE = 100
MAX_CRITERIA = 20
MAX_WEIGHT = Decimal("100")
MAX_CALIBRATION_ENTRIES = 5


class JudgingSettings(TimeStampedModel):
    """How a sprint is judged; made with its defaults the first time anyone reads it."""

    sprint = models.OneToOneField(Sprint, on_delete=models.CASCADE, related_name="judging_settings")
    reviews_per_submission = models.PositiveSmallIntegerField(
        _("reviews per submission"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_REVIEWS_PER_SUBMISSION)],
        help_text=_("How many judges review each submission (k)."),
    )
    load_cap = models.PositiveSmallIntegerField(
        _("reviews per judge at most"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_LOAD_CAP)],
    )
    pairwise_mode = models.BooleanField(
        _("pairwise comparisons"), default=False, help_text=_("Judges also compare submissions two at a time.")
    )
    local_first_round = models.BooleanField(
        _("local first round"),
        default=False,
        help_text=_("Each site judges its own teams first and nominates the best to the global round."),
    )
    same_site_conflicts = models.BooleanField(
        _("same site is a conflict"),
        default=False,
        help_text=_("A judge never reviews a team that registered at the judge's own site."),
    )
    nominations_per_site = models.PositiveSmallIntegerField(
        _("nominations per site"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_NOMINATIONS_PER_SITE)],
    )
    reviews_due_at = models.DateTimeField(
        _("reviews due"),
        null=True,
        blank=True,
        validators=[validate_datetime_in_window],
        help_text=_("Judges with reviews left after this time are late. Empty means when judging ends."),
    )
    # When the bids stopped counting: the first assignment run closes bidding.
    assigned_at = models.DateTimeField(_("assigned"), null=True, blank=True)

    class Meta:
        verbose_name = _("judging settings")
        verbose_name_plural = _("judging settings")

    def __str__(self) -> str:
        return f"{self.sprint} · judging"

    def due_at(self):
        return self.reviews_due_at or self.sprint.judging_ends_at


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class JudgeInvitation(TimeStampedModel):
    """An email asking someone (with or without an account) to judge a sprint; the link holds the token.

    Only the token's SHA-256 is stored: the raw token exists in the email alone.
    """

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="judge_invitations")
    email = models.EmailField(_("email"))
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("judge invitation")
        constraints = [
            models.UniqueConstraint(
                fields=["sprint", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_judge_invitation_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.sprint}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        return "withdrawn" if self.revoked_at else "waiting"


class JudgeProfile(TimeStampedModel):
    """What a judge says about themself: expertise for matching, and conflicts; one per person."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_profile")
    expertise_tags = models.JSONField(_("expertise tags"), default=list, blank=True)
    expertise = models.TextField(_("expertise"), max_length=3000, blank=True)
    links = models.JSONField(_("links"), default=list, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    conflict_institutions = models.JSONField(_("institutions I am conflicted with"), default=list, blank=True)
    conflict_people = models.JSONField(_("people I am conflicted with"), default=list, blank=True)

    class Meta:
        verbose_name = _("judge profile")

    def __str__(self) -> str:
        return str(self.user)


class BidLevel(models.TextChoices):
    EAGER = "eager", _("Eager")
    WILLING = "willing", _("Willing")
    NOT_WILLING = "not_willing", _("Not willing")


class Bid(TimeStampedModel):
    """A judge's wish about reviewing one submission, before assignment."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="judge_bids")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="bids")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_bids")
    level = models.CharField(_("bid"), max_length=12, choices=BidLevel.choices)

    class Meta:
        ordering = ["submission", "judge"]
        verbose_name = _("bid")
        constraints = [models.UniqueConstraint(fields=["submission", "judge"], name="one_bid_per_judge_submission")]

    def __str__(self) -> str:
        return f"{self.judge} · {self.submission} · {self.level}"


class Criterion(models.Model):
    """One thing judges score, on an integer (or half-step) scale with a meaning for each level."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    scale_min = models.PositiveSmallIntegerField(
        _("lowest score"), default=1, validators=[MaxValueValidator(MAX_SCALE_VALUE)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_SCALE_VALUE)]
    )
    half_steps = models.BooleanField(_("half points allowed"), default=False)
    # What each score means, by level: {"1": "No link to AI safety", "5": "Central to it"}.
    levels = models.JSONField(_("what each score means"), default=dict, blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_WEIGHT)],
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["sprint", "position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def step(self) -> Decimal:
        return Decimal("0.5") if self.half_steps else Decimal("1")

    def level_rows(self) -> list[tuple[int, str]]:
        return [(value, self.levels.get(str(value), "")) for value in range(self.scale_min, self.scale_max + 1)]


class CalibrationEntry(models.Model):
    """A submission every judge scores first, so that organisers can compare how judges use the scale."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="calibration_entries")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sprint", "position", "id"]
        verbose_name = _("calibration entry")
        verbose_name_plural = _("calibration entries")
        constraints = [models.UniqueConstraint(fields=["sprint", "submission"], name="unique_calibration_entry")]


class JudgingRound(models.TextChoices):
    GLOBAL = "global", _("Global round")
    LOCAL = "local", _("Local first round")


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", _("Chosen by the assignment")
    PINNED = "pinned", _("Pinned by an organiser")
    MANUAL = "manual", _("Added by an organiser")
    EXTRA = "extra", _("One more review, asked for by an organiser")
    LOCAL = "local", _("Local first round")


class Assignment(TimeStampedModel):
    """A judge reviews a submission in a round; the reason says why this pair was chosen."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="judge_assignments")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="judge_assignments")
    round = models.CharField(_("round"), max_length=10, choices=JudgingRound.choices, default=JudgingRound.GLOBAL)
    source = models.CharField(_("source"), max_length=10, choices=AssignmentSource.choices)
    reason = models.TextField(_("why this pair"), max_length=2000, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["submission", "judge"]
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(fields=["submission", "judge", "round"], name="one_assignment_per_pair_round")
        ]
        indexes = [models.Index(fields=["sprint", "judge"])]

    def __str__(self) -> str:
        return f"{self.judge} → {self.submission}"


class PairRuleKind(models.TextChoices):
    PIN = "pin", _("Always pair")
    FORBID = "forbid", _("Never pair")


class PairRule(TimeStampedModel):
    """An organiser's decision about one judge and one submission that every assignment run obeys."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="judge_pair_rules")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="pair_rules")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("rule"), max_length=10, choices=PairRuleKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["submission", "judge"]
        verbose_name = _("pair rule")
        constraints = [models.UniqueConstraint(fields=["submission", "judge"], name="one_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.judge} · {self.submission}"


class Review(TimeStampedModel):
    """One judge's review of one submission in a round: scores per criterion, feedback and notes."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="reviews")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    round = models.CharField(_("round"), max_length=10, choices=JudgingRound.choices, default=JudgingRound.GLOBAL)
    is_calibration = models.BooleanField(_("calibration"), default=False)
    feedback = models.TextField(_("feedback for the team"), max_length=5000, blank=True)
    private_note = models.TextField(_("private note to the organisers"), max_length=3000, blank=True)
    info_hazard_flag = models.BooleanField(_("possible info hazard"), default=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ["submission", "judge"]
        verbose_name = _("review")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "judge", "round", "is_calibration"], name="one_review_per_pair_round"
            )
        ]
        indexes = [models.Index(fields=["sprint", "judge"])]

    def __str__(self) -> str:
        return f"{self.judge} · {self.submission}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    updated_at = models.DateTimeField(_("saved"), auto_now=True)

    class Meta:
        ordering = ["review", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Nomination(TimeStampedModel):
    """A site's organiser sends one of the site's submissions on to the global round."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="nominations")
    site = models.ForeignKey(LocalSite, on_delete=models.CASCADE, related_name="nominations")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="nominations")
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("why"), max_length=500, blank=True)

    class Meta:
        ordering = ["site", "created_at"]
        verbose_name = _("nomination")
        constraints = [models.UniqueConstraint(fields=["submission"], name="one_nomination_per_submission")]

    def __str__(self) -> str:
        return f"{self.site} → {self.submission}"


class PairOffer(models.Model):
    """The pair a judge is being asked to compare in pairwise mode: at most one per judge and sprint.

    Kept so that a reload, a second tab or the API shows the same pair until it is answered, so that
    an answer can be checked against what was asked, and so that the judge may read both reports.
    """

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="pair_offers")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pair_offers")
    left = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)

    class Meta:
        verbose_name = _("pair offered")
        verbose_name_plural = _("pairs offered")
        constraints = [
            models.UniqueConstraint(fields=["sprint", "judge"], name="one_pair_offer_per_judge"),
            models.CheckConstraint(condition=~Q(left=F("right")), name="pair_offer_two_submissions"),
        ]

    def __str__(self) -> str:
        return f"{self.judge} · {self.left_id} / {self.right_id}"


class Comparison(models.Model):
    """One judge's answer in pairwise mode: of ``left`` and ``right`` (as they were shown), ``winner``
    is better. There is no "can't tell": a forced choice is what Bradley–Terry models, and the pairs
    offered are chosen to be close, where a way out would be taken most (docs/judging.md)."""

    sprint = models.ForeignKey(Sprint, on_delete=models.CASCADE, related_name="comparisons")
    judge = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comparisons")
    left = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    right = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    winner = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("compared"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["sprint", "created_at", "id"]
        verbose_name = _("comparison")
        constraints = [
            models.UniqueConstraint(
                Least("left", "right"), Greatest("left", "right"), "judge", name="one_comparison_per_judge_pair"
            ),
            models.CheckConstraint(condition=~Q(left=F("right")), name="comparison_two_submissions"),
            models.CheckConstraint(
                condition=Q(winner=F("left")) | Q(winner=F("right")), name="comparison_winner_of_the_two"
            ),
        ]
        indexes = [models.Index(fields=["sprint", "judge"])]

    def __str__(self) -> str:
        return f"{self.judge} · {self.winner_id} over {self.loser_id}"

    @property
    def loser_id(self) -> int:
        return self.right_id if self.winner_id == self.left_id else self.left_id
