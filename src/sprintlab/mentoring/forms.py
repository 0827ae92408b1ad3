"""Forms of the mentor-help pages: they validate input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts.validators import timezone_names
from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.mentoring.models import MAX_SLOT_CAPACITY, Expertise, HelpRequest, MentorProfile
from sprintlab.sprints.forms import LocalDateTimeInput
from sprintlab.sprints.models import Sprint


class MentorProfileForm(forms.Form):
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"), choices=Expertise.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    bio = forms.CharField(
        label=_("Short bio"),
        max_length=MentorProfile._meta.get_field("bio").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    timezone = forms.ChoiceField(label=_("Time zone"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [("", _("As in my account"))] + [(z, z) for z in timezone_names()]


class SlotForm(forms.Form):
    starts_at = WindowedDateTimeField(label=_("Starts"), widget=LocalDateTimeInput())
    ends_at = WindowedDateTimeField(label=_("Ends"), widget=LocalDateTimeInput())
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)
    online_link = forms.URLField(label=_("Online link"), max_length=500, required=False, assume_scheme="https")
    site = forms.ModelChoiceField(label=_("Or meet at a site"), queryset=LocalSite.objects.none(), required=False)
    capacity = forms.IntegerField(label=_("Teams"), min_value=1, max_value=MAX_SLOT_CAPACITY, initial=1)

    def __init__(self, *args, sprint: Sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).order_by(
            "name"
        )


class HelpRequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=HelpRequest._meta.get_field("topic").max_length)
    description = forms.CharField(label=_("What you need"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    tag = forms.ChoiceField(label=_("Expertise"), choices=[("", _("Any"))] + Expertise.choices, required=False)
    track = forms.ModelChoiceField(label=_("Track"), queryset=None, required=False)
    contact = forms.CharField(
        label=_("How to reach you"),
        max_length=300,
        help_text=HelpRequest._meta.get_field("contact").help_text,
    )

    def __init__(self, *args, sprint: Sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = sprint.tracks.all()


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class QueueFilterForm(forms.Form):
    tag = forms.ChoiceField(label=_("Expertise"), choices=[("", _("All topics"))] + Expertise.choices, required=False)
