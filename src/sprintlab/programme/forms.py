"""The programme's page forms: they validate input and hand it to the services, which decide."""

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.programme.models import Resource, ResourceCategory, Session, SessionKind, Speaker
from sprintlab.sprints.forms import LocalDateTimeInput
from sprintlab.sprints.models import Sprint


def _formfield(field: models.Field, **kwargs):
    # People type "meet.example.org"; assume https, as browsers and Django 6 do.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    formfield_callback = _formfield

    starts_at = WindowedDateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(attrs={"aria-describedby": "timezone-note"})
    )
    ends_at = WindowedDateTimeField(
        label=_("Ends"), widget=LocalDateTimeInput(attrs={"aria-describedby": "timezone-note"})
    )
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"), queryset=Speaker.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Session
        fields = ["kind", "title", "description", "starts_at", "ends_at", "online_url", "site", "speakers"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, sprint: Sprint, sites=None, **kwargs):
        """``sites``: the sites this person may place sessions at (None: every approved site of the sprint)."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SessionKind.choices
        if sites is None:
            sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).order_by("name")
        self.fields["site"].queryset = sites
        self.fields["speakers"].queryset = Speaker.objects.filter(sprint=sprint).order_by("name", "pk")
        if self.instance.pk:
            self.initial["speakers"] = [link.speaker_id for link in self.instance.speaker_links.all()]

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["speakers"] = list(data.get("speakers") or [])
        return data


class SpeakerForm(forms.ModelForm):
    formfield_callback = _formfield

    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "bio", "link"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 3})}


class ResourceForm(forms.ModelForm):
    formfield_callback = _formfield

    class Meta:
        model = Resource
        fields = ["category", "title", "url", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = ResourceCategory.choices


class CopyResourcesForm(forms.Form):
    source_sprint = forms.ModelChoiceField(label=_("Copy every resource of"), queryset=Sprint.objects.none())

    def __init__(self, *args, sprints, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_sprint"].queryset = sprints


class ScheduleFilterForm(forms.Form):
    """The schedule's filters; anything unknown is simply ignored (a shared link never fails)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *SessionKind.choices])
    place = forms.ChoiceField(
        label=_("Where"),
        required=False,
        choices=[("", _("Everywhere")), ("online", _("Online")), ("mine", _("My site and online"))],
    )
