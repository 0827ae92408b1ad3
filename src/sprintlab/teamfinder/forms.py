"""The team finder's forms: they validate input and hand it to ``services``."""

from __future__ import annotations

import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _

from sprintlab.sprints.models import Sprint
from sprintlab.teamfinder.models import FinderProfile
from sprintlab.teamfinder.services import NOTE_LENGTH
from sprintlab.teamfinder.vocabulary import MAX_FREE_TAG_LENGTH, MAX_FREE_TAGS, Interest, Skill

HOURS = [(hour, f"{hour:02d}:00") for hour in range(24)]
END_HOURS = [(hour, f"{hour:02d}:00") for hour in range(1, 25)]


def _zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone.replace("_", " ")) for zone in sorted(zoneinfo.available_timezones())]


class FinderProfileForm(forms.Form):
    is_looking = forms.BooleanField(label=_("I am looking for a team"), required=False)
    interests = forms.MultipleChoiceField(
        label=_("Topics you want to work on"),
        choices=Interest.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    free_tags = forms.CharField(
        label=_("Other interests"),
        required=False,
        max_length=MAX_FREE_TAGS * (MAX_FREE_TAG_LENGTH + 2),
        help_text=_("Separated by commas, e.g. sparse autoencoders, model evals"),
    )
    skills = forms.MultipleChoiceField(
        label=_("What you bring"), choices=Skill.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    timezone = forms.ChoiceField(label=_("Your time zone"), choices=_zone_choices)
    waking_start = forms.TypedChoiceField(label=_("Awake from"), choices=HOURS, coerce=int)
    waking_end = forms.TypedChoiceField(label=_("until"), choices=END_HOURS, coerce=int)
    preferred_track = forms.ModelChoiceField(
        label=_("Preferred track"), queryset=None, required=False, empty_label=_("Any track")
    )
    note = forms.CharField(
        label=_("A short note"),
        required=False,
        max_length=NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like to do, or who you are looking for."),
    )

    def __init__(self, *args, sprint: Sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_track"].queryset = sprint.tracks.all()

    @classmethod
    def initial_for(cls, profile: FinderProfile | None, user) -> dict:
        if profile is None:
            return {"is_looking": True, "timezone": user.timezone or "UTC", "waking_start": 8, "waking_end": 23}
        return {
            "is_looking": profile.is_looking,
            "interests": profile.interests,
            "free_tags": ", ".join(profile.free_tags),
            "skills": profile.skills,
            "timezone": profile.timezone,
            "waking_start": profile.waking_start,
            "waking_end": profile.waking_end,
            "preferred_track": profile.preferred_track_id,
            "note": profile.note,
        }

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "is_looking": data["is_looking"],
            "interests": data["interests"],
            "skills": data["skills"],
            "free_tags": [tag for tag in data["free_tags"].split(",") if tag.strip()],
            "timezone_name": data["timezone"],
            "waking_start": data["waking_start"],
            "waking_end": data["waking_end"],
            "preferred_track": data["preferred_track"],
            "note": data["note"],
        }
