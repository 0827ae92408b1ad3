"""Forms only check the shape of input; the services validate the rest (shared with the API)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.forms.fields import BaseTemporalField
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from sprintlab.accounts.ratelimits import LOOKUP_BUDGET_HELP
from sprintlab.core.validators import MAX_EMAIL_LENGTH, MAX_SEATS, validate_datetime_in_window
from sprintlab.localsites.models import SiteStatus
from sprintlab.localsites.services import SiteApplicationData
from sprintlab.sprints.models import AdmissionMode

DATETIME_LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time with no zone attached: the site's zone is applied by the service.

    Django's own field would read the time in the *viewer's* zone, which is wrong when a
    volunteer in Berlin enters the hours of a site in Nairobi.
    """

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL_FORMAT)
    input_formats = [DATETIME_LOCAL_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
        return BaseTemporalField.to_python(self, value)

    def prepare_value(self, value):
        return value


def parse_email_list(text: str) -> list[str]:
    return [part.strip() for part in (text or "").replace(",", "\n").replace(";", "\n").splitlines() if part.strip()]


class SiteApplicationForm(forms.Form):
    name = forms.CharField(label=_("Venue name"), max_length=150, help_text=_("e.g. Trinity College, Room 4"))
    description = forms.CharField(
        label=_("About this site"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What to expect: rooms, food, who is hosting. Markdown is allowed."),
    )
    address = forms.CharField(label=_("Street address"), max_length=300)
    city = forms.CharField(label=_("City"), max_length=100)
    country = forms.ChoiceField(label=_("Country"))
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        decimal_places=6,
        max_digits=9,
        help_text=_("Optional, e.g. 52.205337. Give both coordinates or neither."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        decimal_places=6,
        max_digits=9,
        help_text=_("Optional, e.g. 0.121817."),
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=MAX_SEATS)
    accessibility_notes = forms.CharField(
        label=_("Accessibility"),
        required=False,
        max_length=3_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Step-free access, quiet rooms, toilets, anything attendees should know."),
    )
    timezone = forms.CharField(
        label=_("Time zone of the site"),
        max_length=64,
        widget=forms.TextInput(attrs={"list": "timezones", "autocomplete": "off"}),
        help_text=_("e.g. Europe/London, Asia/Kolkata, America/Sao_Paulo."),
    )
    # Naive here (read as UTC by the check); the service checks the window again in the site's zone.
    starts_at = LocalDateTimeField(label=_("Doors open (local time)"), validators=[validate_datetime_in_window])
    ends_at = LocalDateTimeField(label=_("Doors close (local time)"), validators=[validate_datetime_in_window])
    contact_name = forms.CharField(label=_("Contact name"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Contact email"), max_length=MAX_EMAIL_LENGTH, help_text=_("Shown to attendees.")
    )
    co_organisers = forms.CharField(
        label=_("Co-organisers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=format_lazy(
            _("Email addresses of people with a SprintLab account, one per line. {}"), LOOKUP_BUDGET_HELP
        ),
    )
    admission_mode = forms.ChoiceField(label=_("Admission"), required=False)

    def __init__(self, *args, sprint, **kwargs):
        super().__init__(*args, **kwargs)
        self.sprint = sprint
        self.fields["country"].choices = [("", _("Choose a country"))] + list(countries)
        self.fields["admission_mode"].choices = [
            ("", _("Same as the sprint (%(mode)s)") % {"mode": sprint.get_admission_mode_display()})
        ] + list(AdmissionMode.choices)

    def clean_timezone(self) -> str:
        name = self.cleaned_data["timezone"].strip()
        if name not in zoneinfo.available_timezones():
            raise ValidationError(_("“%(name)s” is not a known time zone, e.g. Europe/London."), params={"name": name})
        return name

    def clean_co_organisers(self) -> list[str]:
        emails = parse_email_list(self.cleaned_data["co_organisers"])
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(_("“%(email)s” is not an email address."), params={"email": email}) from None
        return emails

    def to_data(self) -> SiteApplicationData:
        data = dict(self.cleaned_data)
        co_organisers = data.pop("co_organisers")
        return SiteApplicationData(**data, co_organiser_emails=co_organisers)

    @classmethod
    def initial_from(cls, data: SiteApplicationData) -> dict:
        initial = {name: getattr(data, name) for name in SiteApplicationData.__dataclass_fields__}
        initial["co_organisers"] = "\n".join(initial.pop("co_organiser_emails"))
        return initial


class DecisionForm(forms.Form):
    ACTIONS = (("approve", _("Approve")), ("reject", _("Reject")), ("request_changes", _("Request changes")))

    action = forms.ChoiceField(choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason or requested changes"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant reads this in their email."),
    )


class SiteMessageForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All"))] + list(SiteStatus.choices))
