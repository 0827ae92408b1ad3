"""Forms of the accounts app: they validate; services write."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import RequestLoginCodeForm as AllauthRequestLoginCodeForm
from allauth.core import context
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts import ratelimits
from sprintlab.accounts.models import ApiToken, User, validate_timezone
from sprintlab.accounts.validators import (
    MAX_TAG_LENGTH,
    MAX_TAGS,
    normalise_orcid,
    parse_tag_names,
    timezone_names,
    validate_github_url,
    validate_scholar_url,
)

TAG_HELP = _("Separate with commas, e.g. interpretability, evals. At most %(max)d, each up to %(length)d characters.")


class TagListField(forms.CharField):
    """Comma-separated tags in, a clean list of names out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_TAGS * (MAX_TAG_LENGTH + 2))
        kwargs.setdefault("help_text", TAG_HELP % {"max": MAX_TAGS, "length": MAX_TAG_LENGTH})
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(item) for item in value)
        return value

    def clean(self, value):
        return parse_tag_names(super().clean(value))


def _formfield(field: models.Field, **kwargs):
    # People type "example.org"; assume https, as browsers and Django 6 do.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ProfileForm(forms.ModelForm):
    """Everything a person edits about themselves; the API validates PATCH bodies with it too."""

    timezone = forms.ChoiceField(label=_("Time zone"), required=False)
    interests = TagListField(label=_("Research interests"))
    skills = TagListField(label=_("Skills"))
    # Wider than the model's 19 characters: a pasted orcid.org link is normalised to the bare iD.
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=60,
        required=False,
        help_text=_("e.g. 0000-0002-1825-0097 or https://orcid.org/0000-0002-1825-0097"),
    )
    public_fields = forms.MultipleChoiceField(
        label=_("Show on my public profile"),
        choices=User.PUBLIC_FIELD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Your display name is always public; everything else stays private unless ticked."),
    )

    class Meta:
        model = User
        formfield_callback = _formfield
        fields = [
            "display_name",
            "country",
            "city",
            "timezone",
            "affiliation",
            "career_stage",
            "interests",
            "skills",
            "website_url",
            "github_url",
            "scholar_url",
            "orcid",
            "bio",
            "public_fields",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "display_name": _("How others see you; leave empty to use the start of your email address."),
            "bio": _("A few sentences; Markdown is allowed (links, emphasis, lists). At most 2,000 characters."),
            "website_url": _("e.g. https://example.org"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = list(timezone_names())
        current = self.instance.timezone if self.instance else ""
        if current and current not in zones:
            zones.append(current)  # an older alias someone picked before stays selectable
        self.fields["timezone"].choices = [("", _("Use my browser’s time zone"))] + [(z, z) for z in zones]
        self.fields["timezone"].help_text = User._meta.get_field("timezone").help_text
        self.fields["career_stage"].choices = [("", _("Prefer not to say"))] + list(User.CareerStage.choices)
        self.fields["country"].choices = [("", _("Choose a country"))] + [
            choice for choice in self.fields["country"].choices if choice[0]
        ]
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["interests"] = [tag.name for tag in self.instance.interests.all()]
            self.initial["skills"] = [tag.name for tag in self.instance.skills.all()]

    def clean_timezone(self):
        value = self.cleaned_data.get("timezone", "")
        validate_timezone(value)
        return value

    def clean_display_name(self):
        value = self.cleaned_data.get("display_name", "")
        if value and not any(ch.isalnum() for ch in value):
            raise ValidationError(_("A display name needs at least one letter or digit."), code="no_letters")
        return value

    def clean_github_url(self):
        value = self.cleaned_data.get("github_url", "")
        validate_github_url(value)
        return value

    def clean_scholar_url(self):
        value = self.cleaned_data.get("scholar_url", "")
        validate_scholar_url(value)
        return value

    def clean_orcid(self):
        return normalise_orcid(self.cleaned_data.get("orcid", ""))

    def profile_fields(self) -> dict:
        """The cleaned values in the shape ``profile_update`` takes."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.cleaned_data}


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("Say where it will be used, e.g. “laptop script” or “CI”."),
    )


class RequestLoginCodeForm(AllauthRequestLoginCodeForm):
    """allauth's "email me a sign-in code", limited per (email, network) rather than per email.

    allauth counts requests per email address alone, so a stranger asking for codes three times a
    minute would stop the owner from getting one; the code must always work for its owner. allauth's
    own check (settings: per address only) and its answer, the same for unknown emails, stay.
    """

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        # allauth's view passes no request to its forms; it keeps the current one in its context.
        address = ratelimits.network_of(get_adapter().get_client_ip(context.request))
        if email and not ratelimits.login_code_request_allowed(email=email, address=address):
            raise ValidationError(_("Too many codes were asked for from here. Wait a minute and try again."))
        return super().clean_email()
