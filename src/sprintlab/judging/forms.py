"""Forms of the judging pages: they read and validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.core.validators import MAX_ID
from sprintlab.judging.models import (
    MAX_LOAD_CAP,
    MAX_NOMINATIONS_PER_SITE,
    MAX_REVIEWS_PER_SUBMISSION,
    MAX_SCALE_VALUE,
    BidLevel,
    PairRuleKind,
)
from sprintlab.sprints.forms import LocalDateTimeInput


def lines(text: str) -> list[str]:
    """One entry per line (or comma, for tags)."""
    return [line.strip() for line in (text or "").replace("\r", "").split("\n") if line.strip()]


class SettingsForm(forms.Form):
    reviews_per_submission = forms.IntegerField(
        label=_("Reviews per submission (k)"), min_value=1, max_value=MAX_REVIEWS_PER_SUBMISSION
    )
    load_cap = forms.IntegerField(label=_("Reviews per judge at most"), min_value=1, max_value=MAX_LOAD_CAP)
    nominations_per_site = forms.IntegerField(
        label=_("Nominations per site"), min_value=1, max_value=MAX_NOMINATIONS_PER_SITE
    )
    reviews_due_at = WindowedDateTimeField(label=_("Reviews due"), required=False, widget=LocalDateTimeInput())
    pairwise_mode = forms.BooleanField(label=_("Pairwise comparisons too"), required=False)
    local_first_round = forms.BooleanField(label=_("Local first round at each site"), required=False)
    same_site_conflicts = forms.BooleanField(label=_("Judges never review teams of their own site"), required=False)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254)
    message = forms.CharField(
        label=_("Message"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    scale_min = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=MAX_SCALE_VALUE, initial=1)
    scale_max = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=MAX_SCALE_VALUE, initial=5)
    half_steps = forms.BooleanField(label=_("Half points allowed"), required=False)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_value=100, max_digits=5, decimal_places=2)
    levels = forms.CharField(
        label=_("What each score means"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One line per level, e.g. “1: No link to AI safety”."),
    )

    def levels_dict(self) -> dict[str, str]:
        levels = {}
        for line in lines(self.cleaned_data.get("levels", "")):
            key, _sep, text = line.partition(":")
            levels[key.strip()] = text.strip()
        return levels


class CalibrationForm(forms.Form):
    submissions = forms.TypedMultipleChoiceField(
        label=_("Calibration entries"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submissions"].choices = [(s.pk, s.title) for s in submissions]


class JudgeProfileForm(forms.Form):
    affiliation = forms.CharField(label=_("Affiliation"), max_length=200, required=False)
    expertise_tags = forms.CharField(
        label=_("Expertise tags"), max_length=600, required=False, help_text=_("Separated by commas.")
    )
    expertise = forms.CharField(
        label=_("Your expertise"), max_length=3000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    links = forms.CharField(
        label=_("Links"),
        max_length=1600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One web address per line: your page, Google Scholar, GitHub."),
    )
    conflict_institutions = forms.CharField(
        label=_("Institutions you are conflicted with"),
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: where you work or worked recently, close collaborators' organisations."),
    )
    conflict_people = forms.CharField(
        label=_("People you are conflicted with"),
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, by name or email: students, close collaborators, family."),
    )

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "affiliation": data["affiliation"],
            "expertise": data["expertise"],
            "expertise_tags": [t.strip() for t in data["expertise_tags"].split(",") if t.strip()],
            "links": lines(data["links"]),
            "conflict_institutions": lines(data["conflict_institutions"]),
            "conflict_people": lines(data["conflict_people"]),
        }


class BidForm(forms.Form):
    level = forms.ChoiceField(label=_("Your bid"), choices=[("", _("No bid"))] + BidLevel.choices, required=False)


class PairRuleForm(forms.Form):
    submission = forms.TypedChoiceField(label=_("Submission"), coerce=int)
    judge = forms.TypedChoiceField(label=_("Judge"), coerce=int)
    kind = forms.ChoiceField(label=_("Rule"), choices=PairRuleKind.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, submissions, judges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [(s.pk, s.title) for s in submissions]
        self.fields["judge"].choices = [(j.pk, j.name) for j in judges]


class AssignmentAddForm(PairRuleForm):
    kind = None
    note = None


class NominationForm(forms.Form):
    submission = forms.TypedChoiceField(label=_("Submission"), coerce=int)
    note = forms.CharField(label=_("Why"), max_length=500, required=False)

    def __init__(self, *args, submissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].choices = [(s.pk, s.title) for s in submissions]


class ReviewTextsForm(forms.Form):
    feedback = forms.CharField(
        label=_("Feedback for the team"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    private_note = forms.CharField(
        label=_("Private note to the organisers"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The team never sees it."),
    )
    info_hazard_flag = forms.BooleanField(
        label=_("This may be an info hazard (publishing it could help dangerous capabilities)"), required=False
    )


class ComparisonForm(forms.Form):
    """The compare page's answer: the pair as shown and the one the judge found better."""

    left = forms.IntegerField(min_value=1, max_value=MAX_ID)
    right = forms.IntegerField(min_value=1, max_value=MAX_ID)
    winner = forms.IntegerField(min_value=1, max_value=MAX_ID, error_messages={"required": _("Choose A or B.")})
