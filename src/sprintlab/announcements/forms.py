"""Forms of the announcement pages: they shape input; the services decide."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sprintlab.announcements.models import Audience, Segment
from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.sprints.forms import LocalDateTimeInput
from sprintlab.teams.models import Team


class AnnouncementForm(forms.Form):
    audience = forms.ChoiceField(label=_("Send to"), choices=Audience.choices, widget=forms.RadioSelect)
    site = forms.ModelChoiceField(label=_("Site"), queryset=LocalSite.objects.none(), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    segments = forms.MultipleChoiceField(
        label=_("Segment"),
        choices=Segment.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Confirmed and waitlisted add up; the others narrow the choice down."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Message"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, _italics_, [links](https://example.org), lists."),
    )
    mirror_to_chat = forms.BooleanField(label=_("Also post it to the sprint's chat"), required=False)

    def __init__(self, *args, sprint, site_ids=None, may_manage: bool, **kwargs):
        super().__init__(*args, **kwargs)
        sites = LocalSite.objects.filter(sprint=sprint, status=SiteStatus.APPROVED).order_by("name")
        if not may_manage:
            sites = sites.filter(pk__in=site_ids or ())
            self.fields["audience"].choices = [
                (value, label) for value, label in Audience.choices if value in (Audience.SITE, Audience.SEGMENT)
            ]
            self.fields["site"].empty_label = None
            del self.fields["team"]
        else:
            self.fields["team"].queryset = Team.objects.filter(sprint=sprint, disbanded_at__isnull=True).order_by(
                "name"
            )
            self.fields["site"].empty_label = _("All sites and remote")
        self.fields["site"].queryset = sites
        if not (may_manage and sprint.chat_webhook_url):
            del self.fields["mirror_to_chat"]
        # The live preview: typing in the message, or changing any choice, refreshes the count and text.
        self.fields["body"].widget.attrs.update(
            {
                "hx-post": reverse("announcements:preview", kwargs={"slug": sprint.slug}),
                "hx-trigger": "input changed delay:400ms, change from:closest form",
                "hx-include": "closest form",
                "hx-target": "#announcement-preview",
                "hx-swap": "outerHTML",
            }
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "audience": data["audience"],
            "site": data.get("site"),
            "team": data.get("team"),
            "segments": data.get("segments") or [],
            "title": data["title"],
            "body": data["body"],
            "mirror_to_chat": data.get("mirror_to_chat", False),
        }


class ScheduleForm(forms.Form):
    scheduled_for = WindowedDateTimeField(label=_("Send at"), widget=LocalDateTimeInput())


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, send it now"), error_messages={"required": _("Tick the box to confirm sending.")}
    )
