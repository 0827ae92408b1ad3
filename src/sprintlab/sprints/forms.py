"""Forms of the sprint pages. They only shape input: the rules live in the models and services."""

from django import forms
from django.core.validators import MinValueValidator
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts.ratelimits import LOOKUP_BUDGET_HELP
from sprintlab.core.forms import WindowedDateTimeField
from sprintlab.core.validators import MAX_EMAIL_LENGTH
from sprintlab.notifications.webhooks import validate_webhook_url
from sprintlab.sprints.models import MAX_SUBMISSION_GRACE_MINUTES, Partner, Prize, Sprint, SprintRole, Track
from sprintlab.sprints.selectors import account_by_email
from sprintlab.sprints.services import EDITABLE_FIELDS


class LocalDateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker; the value is read in the editor's own time zone."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


TIME_FIELDS = (
    "announced_at",
    "registration_opens_at",
    "registration_closes_at",
    "kickoff_at",
    "submission_deadline_at",
    "judging_ends_at",
    "results_published_at",
    "team_formation_closes_at",
)


class SprintForm(forms.ModelForm):
    submission_grace_minutes = forms.IntegerField(
        label=_("Grace period (minutes)"),
        required=False,
        min_value=0,
        max_value=MAX_SUBMISSION_GRACE_MINUTES,
        help_text=_(
            "Uploads are still accepted this many minutes after the submission deadline (slow networks, last "
            "fixes); the deadline people see does not move. 0 to %(max)d; empty keeps the current value."
        )
        % {"max": MAX_SUBMISSION_GRACE_MINUTES},
        error_messages={
            "invalid": _("Enter the grace period as a whole number of minutes, e.g. 15."),
            "min_value": _("The grace period cannot be negative; enter 0 for none."),
            "max_value": _("A grace period is at most %(limit_value)s minutes (a day); move the deadline instead."),
        },
    )
    chat_webhook_url = forms.URLField(
        label=_("Chat webhook"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[validate_webhook_url],
    )

    class Meta:
        model = Sprint
        fields = [
            "title",
            "slug",
            "research_area",
            "tagline",
            "description",
            "rules",
            "code_of_conduct",
            "cover_image",
            "partners",
            "admission_mode",
            "capacity",
            "confirm_window_hours",
            "remote_allowed",
            "is_published",
            "team_size_min",
            "team_size_max",
            *TIME_FIELDS,
            "submission_grace_minutes",
            "chat_webhook_url",
        ]
        field_classes = dict.fromkeys(TIME_FIELDS, WindowedDateTimeField)
        widgets = {
            **{field: LocalDateTimeInput() for field in TIME_FIELDS},
            "partners": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 12}),
            "rules": forms.Textarea(attrs={"rows": 6}),
            "code_of_conduct": forms.Textarea(attrs={"rows": 6}),
            "cover_image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        }
        help_texts = {
            "slug": _("Part of the address: letters, digits and hyphens, e.g. interp-sprint-2027."),
            "is_published": _("Drafts are visible only to organisers, co-hosts and staff."),
            "chat_webhook_url": _(
                "Announcements can also be posted to your chat server: paste a Discord or Slack incoming-webhook "
                "address. Keep it secret; only organisers see it."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.order_by("name")
        for field in TIME_FIELDS:
            self.fields[field].widget.attrs["aria-describedby"] = "timezone-note"
        # The model allows 1 and up; say so here too, rather than the positive-integer field's 0.
        for field in ("capacity", "confirm_window_hours", "team_size_min", "team_size_max"):
            self.fields[field].validators = [MinValueValidator(1)]
            self.fields[field].widget.attrs["min"] = 1
        # Forms that leave the team sizes out keep the sprint's (for a new sprint: the defaults).
        for field in ("team_size_min", "team_size_max"):
            self.fields[field].required = False
        # HTMX renders the description into the preview panel as the organiser types.
        self.fields["description"].widget.attrs.update(
            {
                "hx-post": reverse("sprints:preview_markdown"),
                "hx-trigger": "input changed delay:600ms",
                "hx-target": "#description-preview",
                "hx-swap": "innerHTML",
            }
        )

    def clean_submission_grace_minutes(self):
        value = self.cleaned_data["submission_grace_minutes"]
        return self.instance.submission_grace_minutes if value is None else value

    def clean_team_size_min(self):
        return self.cleaned_data["team_size_min"] or self.instance.team_size_min

    def clean_team_size_max(self):
        return self.cleaned_data["team_size_max"] or self.instance.team_size_max

    def service_values(self) -> dict:
        """The cleaned values in the shape sprint_create/sprint_update take."""
        values = {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}
        if "cover_image" not in self.changed_data:
            values["cover_image"] = None
        return values


class ChildForm(forms.ModelForm):
    """A track or prize row; tolerant of rows the organiser left empty."""

    def row(self) -> dict:
        return {"id": self.instance.pk, **{name: self.cleaned_data.get(name, "") for name in self._meta.fields}}


TrackFormSet = inlineformset_factory(
    Sprint,
    Track,
    form=ChildForm,
    fields=("name", "description"),
    extra=1,
    can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)
PrizeFormSet = inlineformset_factory(
    Sprint,
    Prize,
    form=ChildForm,
    fields=("name", "amount", "description"),
    extra=1,
    can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)


def formset_rows(formset) -> list[dict]:
    """The rows of a valid formset that the organiser kept, in their order on the page."""
    rows = []
    for form in formset.forms:
        if not form.cleaned_data or form.cleaned_data.get("DELETE"):
            continue
        rows.append(form.row())
    return rows


class CloneForm(forms.Form):
    title = forms.CharField(label=_("Title of the new sprint"), max_length=200)
    slug = forms.SlugField(
        label=_("Slug of the new sprint"), max_length=100, help_text=_("Must be unused, e.g. interp-sprint-2027.")
    )
    kickoff_at = WindowedDateTimeField(
        label=_("New kickoff"),
        widget=LocalDateTimeInput(attrs={"aria-describedby": "timezone-note"}),
        help_text=_("Every other date moves by the same amount."),
    )


class PartnerForm(forms.ModelForm):
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("e.g. https://apartresearch.com"),
    )

    class Meta:
        model = Partner
        fields = ["name", "url", "logo"]
        widgets = {"logo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})}
        help_texts = {"logo": _("Square images look best; JPEG, PNG, WebP or GIF, at most 5 MB.")}


class MarkdownPreviewForm(forms.Form):
    description = forms.CharField(required=False, max_length=100_000)


class TeamMemberForm(forms.Form):
    """Add a person to a sprint's team by the email address of their account."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=MAX_EMAIL_LENGTH,
        help_text=format_lazy(_("The address they sign in with; they need an account already. {}"), LOOKUP_BUDGET_HELP),
    )
    role = forms.ChoiceField(label=_("Role"), choices=SprintRole.choices, initial=SprintRole.ORGANISER)
    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Partner.objects.none(),
        required=False,
        help_text=_("Co-hosts only: the organisation they represent."),
    )

    def __init__(self, *args, sprint: Sprint, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = sprint.partners.order_by("name")
        self.actor = actor

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        self.member = account_by_email(email, looked_up_by=self.actor)
        if self.member is None:
            raise forms.ValidationError(
                _("No account uses this address. Ask them to sign up first, then add them here.")
            )
        return email
