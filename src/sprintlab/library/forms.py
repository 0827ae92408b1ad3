"""Forms for the library's search, the info-hazard decision and choosing winners."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sprintlab.core.validators import MAX_ID
from sprintlab.library.models import REVIEWER_DECISIONS
from sprintlab.library.selectors import SEARCH_MAX_LENGTH, LibraryFilters
from sprintlab.sprints.models import ResearchArea

YEAR_MIN, YEAR_MAX = 2000, 2100


class LibrarySearchForm(forms.Form):
    """The library's query string; anything odd (a year of 99999, a track of "x") is simply not applied."""

    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX_LENGTH)
    sprint = forms.SlugField(label=_("Sprint"), required=False, max_length=100)
    area = forms.ChoiceField(label=_("Research area"), required=False, choices=[("", _("All areas"))])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    track = forms.IntegerField(label=_("Track"), required=False, min_value=1, max_value=MAX_ID)
    site = forms.IntegerField(label=_("Site"), required=False, min_value=1, max_value=MAX_ID)
    awarded = forms.BooleanField(label=_("Award winners only"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *ResearchArea.choices]

    def filters(self) -> LibraryFilters:
        """The valid part of the query: each field that failed validation is left out, not the whole search."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        data = {name: cleaned.get(name) for name in self.fields if name not in self.errors}
        return LibraryFilters(
            query=" ".join((data.get("q") or "").split()),
            sprint=data.get("sprint") or "",
            area=data.get("area") or "",
            track=data.get("track"),
            year=data.get("year"),
            site=data.get("site"),
            awarded=bool(data.get("awarded")),
        )


class HazardDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[(kind.value, kind.label) for kind in REVIEWER_DECISIONS], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the decision log; the team and the public do not see it."),
    )  # fmt: skip
    redacted_abstract = forms.CharField(
        label=_("Redacted abstract"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Replaces the abstract in the library; leave empty to keep it."),
    )  # fmt: skip
    redacted_text = forms.CharField(
        label=_("Redacted report text"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Replaces the searchable text; leave empty to keep it."),
    )  # fmt: skip
    redacted_report = forms.FileField(
        label=_("Redacted PDF"), required=False,
        help_text=_("Without one, a redacted project has no public PDF (the original may hold what was removed)."),
    )  # fmt: skip
    redaction_note = forms.CharField(
        label=_("Note shown with the project"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class AwardForm(forms.Form):
    prize = forms.TypedChoiceField(label=_("Prize"), coerce=int)
    submission = forms.TypedChoiceField(label=_("Project"), coerce=int)
    track = forms.TypedChoiceField(label=_("Track"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, prizes, submissions, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prize"].choices = [(prize.pk, str(prize)) for prize in prizes]
        self.fields["submission"].choices = [(submission.pk, submission.title) for submission in submissions]
        self.fields["track"].choices = [("", _("Whole sprint")), *((track.pk, track.name) for track in tracks)]
