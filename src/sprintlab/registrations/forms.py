"""Forms of the registration pages: they validate input; the services decide."""

from __future__ import annotations

from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.localsites.models import LocalSite
from sprintlab.registrations.check_in_codes import MAX_CODE_LENGTH
from sprintlab.registrations.models import ExperienceLevel, Registration, RegistrationStatus
from sprintlab.registrations.selectors import RegistrationFilters
from sprintlab.registrations.services import ANSWER_FIELDS
from sprintlab.sprints.models import AdmissionMode, Sprint

REMOTE = "remote"


class CheckInCodeForm(forms.Form):
    """The code a scanner read from a QR code, or the short code typed at the door."""

    code = forms.CharField(
        label=_("Or type the code from their ticket"),
        max_length=MAX_CODE_LENGTH,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "enterkeyhint": "go"}
        ),
    )


def place_label(site: LocalSite) -> str:
    """``Venue, City · 12 seats left`` (or ``full: waitlist``), as shown in the place select.

    ``site.seats_left`` comes from ``selectors.with_seats``, the count every page shows.
    """
    if site.effective_admission_mode == AdmissionMode.REVIEWED:
        availability = _("applications reviewed")
    elif site.seats_left == 0:
        availability = _("full: waitlist")
    else:
        free = site.seats_left
        availability = ngettext("%(count)s seat left", "%(count)s seats left", free) % {"count": free}
    return f"{site.name}, {site.city} · {availability}"


def place_choices(sprint: Sprint, sites: list[LocalSite], *, remote_seats_left: int | None, exclude=None) -> list:
    """Remote first (when allowed), then approved sites grouped by country."""
    choices: list = []
    if sprint.remote_allowed and exclude != REMOTE:
        remote = _("Remote, online")
        if sprint.admission_mode == AdmissionMode.OPEN and remote_seats_left == 0:
            remote = _("Remote, online · full: waitlist")
        choices.append((REMOTE, remote))
    sites = [site for site in sites if str(site.pk) != str(exclude)]
    for country, group in groupby(
        sorted(sites, key=lambda s: (s.country.name, s.city, s.name)), key=lambda s: s.country.name
    ):
        choices.append((country, [(str(site.pk), place_label(site)) for site in group]))
    return choices


class PlaceField(forms.ChoiceField):
    """A choice between remote and the sprint's approved sites; cleans to a LocalSite or None."""

    def __init__(self, *args, sites: list[LocalSite], **kwargs):
        self.sites_by_id = {str(site.pk): site for site in sites}
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return None if value == REMOTE else self.sites_by_id[value]


class RegistrationForm(forms.ModelForm):
    place = forms.ChoiceField(label=_("Where will you take part?"))
    join_waitlist = forms.BooleanField(
        label=_("Put me on the waitlist if it is full"),
        required=False,
        initial=True,
        help_text=_("The first person waiting gets the next free seat and is told by email."),
    )

    class Meta:
        model = Registration
        # The answers the registration service takes, so the page and the API ask the same questions.
        fields = list(ANSWER_FIELDS)
        labels = {
            "experience_level": _("Your experience with AI safety research"),
            "background": _("Your background"),
            "motivation": _("Why do you want to take part?"),
            "heard_from": _("How did you hear about this sprint?"),
            "first_sprint": _("This is my first research sprint"),
            "accepted_code_of_conduct": _("I have read and accept the code of conduct"),
            "consent_fellowship_contact": _("You may contact me about the research fellowship"),
            "consent_public_listing": _("You may show my name in public lists of participants"),
        }
        help_texts = {
            "background": _("A line about your field, studies or work, e.g. “CS master's student, some ML”."),
            "motivation": _("A few sentences are enough."),
        }
        widgets = {"motivation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, sprint: Sprint, sites: list[LocalSite], remote_seats_left: int | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"] = PlaceField(
            label=self.fields["place"].label,
            choices=place_choices(sprint, sites, remote_seats_left=remote_seats_left),
            sites=sites,
        )
        self.fields["accepted_code_of_conduct"].required = True
        self.fields["accepted_code_of_conduct"].error_messages["required"] = _(
            "Please read and accept the code of conduct."
        )
        for name in ("experience_level", "heard_from"):
            self.fields[name].choices = [("", _("Choose…")), *self.fields[name].choices[1:]]

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class SwitchForm(forms.Form):
    place = forms.ChoiceField(label=_("Switch to"))
    join_waitlist = forms.BooleanField(label=_("Join the waitlist there if it is full"), required=False, initial=True)

    def __init__(
        self, *args, registration: Registration, sites: list[LocalSite], remote_seats_left: int | None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        current = REMOTE if registration.site_id is None else registration.site_id
        self.fields["place"] = PlaceField(
            label=self.fields["place"].label,
            choices=place_choices(registration.sprint, sites, remote_seats_left=remote_seats_left, exclude=current),
            sites=sites,
        )


class AdmissionWaveForm(forms.Form):
    DECISIONS = [("admit", _("Admit")), ("waitlist", _("Waitlist")), ("decline", _("Decline"))]

    selected = forms.TypedMultipleChoiceField(
        label=_("Applicants"), coerce=int, error_messages={"required": _("Select at least one applicant.")}
    )
    decision = forms.ChoiceField(label=_("Decision for the selected people"), choices=DECISIONS)
    message = forms.CharField(
        label=_("Message in this wave's email"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Added to the email each selected person receives."),
    )
    confirm_by = WindowedDateTimeField(
        label=_("Admitted people confirm by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone. After it, unconfirmed seats go to the next people waiting."),
    )

    def __init__(self, *args, applicant_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(pk, pk) for pk in applicant_ids]

    def clean(self):
        cleaned = super().clean()
        # A deadline that failed its own checks already says why; "missing" would be a second message.
        if cleaned.get("decision") == "admit" and not cleaned.get("confirm_by") and "confirm_by" not in self.errors:
            self.add_error("confirm_by", _("Set the deadline for admitted people to confirm."))
        return cleaned


class RegistrationFilterForm(forms.Form):
    """Filters on the organisers' registrations table; each is optional and a bad value is ignored."""

    q = forms.CharField(label=_("Name or email"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *RegistrationStatus.choices]
    )
    where = forms.ChoiceField(label=_("Where"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=[("", _("Any country")), *countries])
    experience = forms.ChoiceField(
        label=_("Experience"), required=False, choices=[("", _("Any level")), *ExperienceLevel.choices]
    )
    first_sprint = forms.ChoiceField(
        label=_("First sprint"),
        required=False,
        choices=[("", _("Either")), ("yes", _("First sprint")), ("no", _("Returning"))],
    )

    def __init__(self, *args, sites=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["where"].choices = [
            ("", _("Anywhere")),
            ("remote", _("Remote")),
            *((str(site.pk), f"{site.name}, {site.city}") for site in sites),
        ]

    def filters(self) -> RegistrationFilters:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return RegistrationFilters(
            status=data.get("status", ""),
            where=data.get("where", ""),
            country=data.get("country", ""),
            experience=data.get("experience", ""),
            first_sprint=data.get("first_sprint", ""),
            search=data.get("q", ""),
        )
