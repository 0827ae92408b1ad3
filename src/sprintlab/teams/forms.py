"""Forms of the team pages. They only shape input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sprintlab.sprints.models import Track
from sprintlab.teams.models import INVITE_CODE_LENGTH, Team


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name", "description", "track", "looking_for"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "looking_for": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "description": _("A sentence or two on what the team wants to build or find out."),
            "looking_for": _("e.g. someone who has trained sparse autoencoders; a policy background."),
        }

    def __init__(self, *args, sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = Track.objects.filter(sprint=sprint).order_by("position", "id")
        self.fields["track"].empty_label = _("No particular track")
        if not self.fields["track"].queryset.exists():
            del self.fields["track"]


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Invite code"),
        max_length=40,
        help_text=_("%(length)d letters and digits, as the team gave it to you.") % {"length": INVITE_CODE_LENGTH},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the team (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
